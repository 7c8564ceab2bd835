-- wrk script: replay Twilio-signed webhook POSTs, round-robin, and print the result as JSON.
--
-- Usage: wrk -t1 -c50 -d8s -s signed_post.lua http://127.0.0.1:PORT -- REQUESTS_FILE
-- REQUESTS_FILE has one request a line: path <TAB> X-Twilio-Signature <TAB> form body.
-- The signatures are computed beforehand with twilio's own RequestValidator (run.py), since
-- wrk's Lua has no HMAC; varying CallSid/From across lines keeps the load realistic.

local requests = {}
local next_index = 1

function init(args)
   for line in io.lines(args[1]) do
      local path, signature, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      if path then
         requests[#requests + 1] = wrk.format("POST", path, {
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-Twilio-Signature"] = signature,
         }, body)
      end
   end
   if #requests == 0 then
      error("no requests in " .. args[1])
   end
end

function request()
   local r = requests[next_index]
   next_index = next_index % #requests + 1
   return r
end

function done(summary, latency, _requests)
   local e = summary.errors
   io.write(string.format(
      '\nRESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
      '"status": %d, "timeout": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
