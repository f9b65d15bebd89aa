-- wrk script of bench/run.sh (wrk 4.1, LuaJIT).
--
-- BENCH_BEARERS (environment): comma-separated bearer tokens. None: no Authorization header (the
-- baseline). One: a fixed header, so wrk keeps its pre-built request (no Lua on the hot path).
-- Several: requests cycle through them (per wrk thread), e.g. one API key per cache entry.
--
-- Prints one machine-readable line when done (latency in microseconds), read by Throughput.java:
-- BENCH requests=.. duration_us=.. ... p50_us=.. p99_us=.. p999_us=..
local tokens = {}
for t in string.gmatch(os.getenv("BENCH_BEARERS") or "", "[^,]+") do
  tokens[#tokens + 1] = t
end

if #tokens == 1 then
  wrk.headers["Authorization"] = "Bearer " .. tokens[1]
elseif #tokens > 1 then
  local requests = {}
  local next = 0
  init = function(args)
    -- wrk.init has already set the Host header; every pre-built request keeps it.
    for i, t in ipairs(tokens) do
      local headers = {}
      for k, v in pairs(wrk.headers) do headers[k] = v end
      headers["Authorization"] = "Bearer " .. t
      requests[i] = wrk.format(nil, nil, headers)
    end
  end
  request = function()
    next = next % #requests + 1
    return requests[next]
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
