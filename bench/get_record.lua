-- GET one record by a random id among the seeded ones.
local app, token, n = os.getenv("APP"), os.getenv("TOKEN"), tonumber(os.getenv("N"))
math.randomseed(os.time())
request = function()
  local id = math.random(1, n)
  return wrk.format("GET", "/k/v1/record.json?app=" .. app .. "&id=" .. id, { ["X-Cybozu-API-Token"] = token })
end
