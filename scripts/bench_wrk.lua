-- wrk script of scripts/bench.py: cycle through a page's paths, report JSON.
--
--   BENCH_PATHS=paths.txt [BENCH_COLD=1] wrk -s scripts/bench_wrk.lua URL
--
-- BENCH_PATHS names a file of paths, one a line. Each thread requests them
-- in turn (round-robin), starting at its own offset so that threads do not
-- ask for the same page at the same moment. BENCH_COLD=1 adds a query
-- parameter unique to each request (_bench=<thread>-<counter>), so that no
-- cache keyed on the URL can answer: every request is a full render.
--
-- done() prints one line of JSON: the counts, wrk's errors, its latency
-- percentiles and, if BENCH_QUANTILES=1, the latency at every 0.1 percentile.
--
-- wrk runs this file in a Lua state of its own per thread, plus one for
-- setup() and done(): the top level (reading the paths) runs in each of
-- them; setup() hands each thread its id.

local function read_paths(name)
  local file = assert(io.open(assert(name, "BENCH_PATHS is not set"), "r"))
  local list = {}
  for line in file:lines() do
    if line ~= "" then
      list[#list + 1] = line
    end
  end
  file:close()
  assert(#list > 0, "no paths in " .. name)
  return list
end

local paths = read_paths(os.getenv("BENCH_PATHS"))
local cold = os.getenv("BENCH_COLD") == "1"

-- setup() runs in the main state, once per thread, before they start.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local index = 0
local counter = 0

function init(args)
  -- `id` was set by setup(); spread the threads' starting points.
  index = (id * 7919) % #paths
end

function request()
  local path = paths[index + 1]
  index = (index + 1) % #paths
  if cold then
    counter = counter + 1
    local sep = path:find("?", 1, true) and "&" or "?"
    path = path .. sep .. "_bench=" .. id .. "-" .. counter
  end
  return wrk.format("GET", path)
end

-- Latency at every 0.1 percentile, 0.1 to 100 (microseconds): enough to pool
-- runs (bench.py does so for the floor, run three times). wrk only keeps a
-- histogram, and each lookup walks it, so only when asked (BENCH_QUANTILES=1).
local function quantiles(latency)
  if os.getenv("BENCH_QUANTILES") ~= "1" or latency.max == 0 then
    return "null"
  end
  local parts = {}
  for tenth = 1, 1000 do
    parts[#parts + 1] = string.format("%d", latency:percentile(tenth / 10))
  end
  return "[" .. table.concat(parts, ",") .. "]"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"bench_wrk":1,"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_ms":{"p50":%.3f,"p95":%.3f,"p99":%.3f,"mean":%.3f,"max":%.3f},'
      .. '"quantiles_us":%s}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000,
    quantiles(latency)
  ))
end
