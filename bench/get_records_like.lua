-- GET records with `like` on Japanese text in half-width katakana (folded by NFKC), 100k records.
local app, token = os.getenv("APP"), os.getenv("TOKEN")
local q = 'kana like "ﾀﾛｳ4242" order by $id desc limit 100'
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local path = "/k/v1/records.json?app=" .. app .. "&query=" .. enc(q)
request = function()
  return wrk.format("GET", path, { ["X-Cybozu-API-Token"] = token })
end
