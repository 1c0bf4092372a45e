-- PUT record/status.json: a status action on a random record (states A ⇄ B, action "toggle"
-- from both, so every request is valid), as a staff account that is the assignee.
local app, auth, n = os.getenv("APP"), os.getenv("AUTH"), tonumber(os.getenv("N"))
math.randomseed(os.time())
request = function()
  local id = math.random(1, n)
  local body = '{"app":' .. app .. ',"id":' .. id .. ',"action":"toggle"}'
  return wrk.format("PUT", "/k/v1/record/status.json",
    { ["X-Cybozu-Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end
