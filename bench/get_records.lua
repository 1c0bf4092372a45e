-- GET 100 records with a two-condition query (the view's filter and sort, which has an index).
local app, token = os.getenv("APP"), os.getenv("TOKEN")
local q = 'status in ("審査中") and area in ("北沢") order by received desc limit 100'
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local path = "/k/v1/records.json?app=" .. app .. "&query=" .. enc(q)
request = function()
  return wrk.format("GET", path, { ["X-Cybozu-API-Token"] = token })
end
