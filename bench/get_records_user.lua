-- GET 100 records (the view's filter and sort, which has an index) as a staff account with
-- X-Cybozu-Authorization, so that the app, record and field permissions of that user apply.
local app, auth = os.getenv("APP"), os.getenv("AUTH")
local q = 'status in ("審査中") and area in ("北沢") order by received desc limit 100'
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local path = "/k/v1/records.json?app=" .. app .. "&query=" .. enc(q)
request = function()
  return wrk.format("GET", path, { ["X-Cybozu-Authorization"] = auth })
end
