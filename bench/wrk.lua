-- wrk script of bench/run's zero-downtime scenario.
-- Paces each connection (a pause of ESSAY_WRK_PAUSE_MS between its requests), so that the load leaves CPU
-- for the deploys on a small machine, and prints the counts as one JSON line when wrk stops (SIGINT or -d).
-- ESSAY_WRK_CLOSE=1 sends "Connection: close": a new connection per request instead of keep-alive.
local pause = tonumber(os.getenv("ESSAY_WRK_PAUSE_MS") or "2")
if os.getenv("ESSAY_WRK_CLOSE") == "1" then
   wrk.headers["Connection"] = "close"
end

function delay()
   return pause
end

function done(summary, latency, requests)
   io.write(string.format(
      '{"requests":%d,"duration_us":%d,"non_2xx_3xx":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"latency_p50_us":%d,"latency_p99_us":%d,"latency_max_us":%d}\n',
      summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read,
      summary.errors.write, summary.errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
