-- POST one record (durable: acknowledged after the commit).
local app, token = os.getenv("APP"), os.getenv("TOKEN")
local i = 0
request = function()
  i = i + 1
  local body = '{"app":' .. app .. ',"record":{"title":{"value":"負荷試験 ' .. i .. '"},' ..
    '"applicant":{"value":"世田谷 花子"},"status":{"value":"受付"},"area":{"value":"砧"},' ..
    '"amount":{"value":"' .. (i % 1000) .. '"},"received":{"value":"2026-11-25"},' ..
    '"memo":{"value":"bench"},"tags":{"value":["景観"]}}}'
  return wrk.format("POST", "/k/v1/record.json",
    { ["X-Cybozu-API-Token"] = token, ["Content-Type"] = "application/json" }, body)
end
