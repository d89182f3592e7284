-- A whole online submission per round, on each connection (run with -c equal to -t,
-- one connection per wrk thread): POST /api/v1/dossiers (unique Idempotency-Key),
-- each required paper (multipart PDF), then the submit action. A step that does not
-- answer as expected counts as an error and the round starts over.
local token = os.getenv("TOKEN")
local procedure = os.getenv("PROCEDURE")
local data = os.getenv("DATA")  -- the form answers, JSON
local papers = {}
for kind in (os.getenv("PAPERS") or ""):gmatch("[^,]+") do papers[#papers + 1] = kind end
local pdf = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
local boundary = "tinhsoloadboundary7MA4YWxk"

local threads = {}
local step, code, n = 0, nil, 0
bad, submitted = 0, 0  -- globals: done() reads them from each thread

function setup(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

local function headers(kind)
  local h = {["Authorization"] = "Bearer " .. token}
  if kind == "json" then h["Content-Type"] = "application/json" end
  if kind == "multipart" then h["Content-Type"] = "multipart/form-data; boundary=" .. boundary end
  return h
end

local function multipart(kind)
  return "--" .. boundary .. "\r\n" ..
    'Content-Disposition: form-data; name="kind"\r\n\r\n' .. kind .. "\r\n" ..
    "--" .. boundary .. "\r\n" ..
    'Content-Disposition: form-data; name="file"; filename="giay.pdf"\r\n' ..
    "Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n" ..
    "--" .. boundary .. "--\r\n"
end

function request()
  if step == 0 then
    n = n + 1
    local h = headers("json")
    h["Idempotency-Key"] = string.format("load-%s-%d-%d-%d", os.getenv("RUN") or "0", tid, n, math.random(1e9))
    return wrk.format("POST", "/api/v1/dossiers", h,
      string.format('{"procedure": "%s", "data": %s}', procedure, data))
  elseif step <= #papers then
    return wrk.format("POST", "/api/v1/dossiers/" .. code .. "/documents", headers("multipart"),
      multipart(papers[step]))
  else
    return wrk.format("POST", "/api/v1/dossiers/" .. code .. "/actions/submit", headers("json"), "{}")
  end
end

function response(status, hdrs, body)
  if step == 0 then
    if status == 201 then
      code = body:match('"code":%s*"([^"]+)"')
      step = 1
    else
      bad = bad + 1
    end
  elseif step <= #papers then
    if status == 201 then step = step + 1 else bad = bad + 1; step = 0 end
  else
    if status == 200 then submitted = submitted + 1 else bad = bad + 1 end
    step = 0
  end
end

function done(summary, latency, requests)
  local unexpected, whole = 0, 0
  for _, t in ipairs(threads) do
    unexpected = unexpected + (t:get("bad") or 0)
    whole = whole + (t:get("submitted") or 0)
  end
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "errors": %d, "socket_errors": %d, "submissions": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, unexpected,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    whole))
end
