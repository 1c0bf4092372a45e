-- GET one form step page (60-field form, 20 fields shown) as a verified applicant.
local page, cookie = os.getenv("PAGE"), os.getenv("COOKIE")
request = function()
  return wrk.format("GET", page, { ["Cookie"] = cookie })
end
