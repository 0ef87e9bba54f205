-- wrk script of bench/run's zero-downtime scenario.
-- Paces each connection (a pause of ESSAY_WRK_PAUSE_MS between its requests), so that the load leaves CPU
-- for the deploys on a small machine, and prints the counts as one JSON line when wrk stops (SIGINT or -d).
-- ESSAY_WRK_CLOSE=1 sends "Connection: close": a new connection per request instead of keep-alive.
--
-- wrk counts a "read error" whenever a connection is closed under it, also when the connection was idle
-- (between two requests: nginx closes idle keep-alive connections when it reloads), which loses no request.
-- So each thread also counts the requests it wrote ("sent": wrk calls request() as it writes one) and the
-- answers it read ("answered"): sent - answered is the requests that got no answer, at most one per
-- connection of them still in flight when wrk was stopped.
local pause = tonumber(os.getenv("ESSAY_WRK_PAUSE_MS") or "2")
if os.getenv("ESSAY_WRK_CLOSE") == "1" then
   wrk.headers["Connection"] = "close"
end

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

sent = 0
answered = 0

function request()
   sent = sent + 1
   return wrk.format()
end

function response(status, headers, body)
   answered = answered + 1
end

function delay()
   return pause
end

function done(summary, latency, requests)
   local total_sent, total_answered = 0, 0
   for _, thread in ipairs(threads) do
      total_sent = total_sent + thread:get("sent")
      total_answered = total_answered + thread:get("answered")
   end
   io.write(string.format(
      '{"requests":%d,"sent":%d,"answered":%d,"duration_us":%d,"non_2xx_3xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"latency_p50_us":%d,"latency_p99_us":%d,"latency_max_us":%d}\n',
      summary.requests, total_sent, total_answered, summary.duration, summary.errors.status, summary.errors.connect,
      summary.errors.read, summary.errors.write, summary.errors.timeout, latency:percentile(50),
      latency:percentile(99), latency.max))
end
