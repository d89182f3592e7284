-- GET one of several paths in turn (PATHS: newline-separated, from run.py), with
-- optional headers (HEADERS: "Name: value" lines); with BODIES (newline-separated
-- form bodies), POST each in turn to the first path instead, as a browser's form.
-- Prints p50/p99 and errors as JSON.
local paths, bodies, extra = {}, {}, {}
for line in (os.getenv("PATHS") or "/"):gmatch("[^\n]+") do paths[#paths + 1] = line end
for line in (os.getenv("BODIES") or ""):gmatch("[^\n]+") do bodies[#bodies + 1] = line end
if #bodies > 0 then extra["Content-Type"] = "application/x-www-form-urlencoded" end
for line in (os.getenv("HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then extra[name] = value end
end
local counter = 0
bad = 0  -- a global: done() reads it from each thread
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  counter = id or 0
end

function request()
  counter = counter + 1
  if #bodies > 0 then
    return wrk.format("POST", paths[1], extra, bodies[(counter % #bodies) + 1])
  end
  return wrk.format("GET", paths[(counter % #paths) + 1], extra)
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local unexpected = 0
  for _, t in ipairs(threads) do unexpected = unexpected + (t:get("bad") or 0) end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, unexpected,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
