-- GET a portal page (MYPATH: /my/ or /my/{receipt}) as a verified applicant (COOKIE).
local path, cookie = os.getenv("MYPATH"), os.getenv("COOKIE")
request = function()
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end
