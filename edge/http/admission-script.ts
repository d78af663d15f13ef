/**
 * The edge's one Lua script (EVALSHA through Upstash's REST API). It counts requests in a sliding
 * window — the algorithm of @upstash/ratelimit 2.x's single-region `slidingWindow` (two fixed
 * buckets, the previous one weighted by how much of it still overlaps the window) — and, for an
 * advice request, reads in the same round trip what a cache hit needs: the live index version, the
 * caller's token-epoch record and the answer stored under `<answer prefix><live version>:<hash>`,
 * counting the hit or the miss.
 *
 * Counting is by lease (edge/advice/admission-leases.ts): the caller asks for `requested` tokens,
 * gets `granted` = min(requested, max(1, ⌊available ÷ 8⌋)) counted in the current bucket at once
 * (so an isolate never admits a request Redis has not counted), and may hand back the unspent rest
 * of an earlier lease in the same bucket (`refund`). `requested` 0 counts nothing: the caller
 * spends a token it already holds and only wants the reads. A request for 1 with no refund is the
 * plain one-request count.
 *
 * KEYS: 1 current bucket, 2 previous bucket; advice only: 3 live-version key, 4 user epoch key,
 * 5 hit counter, 6 miss counter.
 * ARGV: 1 tokens, 2 now (ms), 3 window (ms), 4 requested, 5 refund; advice only: 6 answer-key
 * prefix, 7 content hash, 8 the token's epoch, 9 hits served from isolate memory since the last
 * round trip (added to the hit counter).
 * Reply: `{remaining, limit, granted}` (remaining -1: refused, nothing read or counted), then for
 * advice `{version, epochRecord, answer}` (nil where absent; no answer read when the record is
 * newer than the token's epoch, and this request's hit or miss not counted then).
 *
 * The answer key is built inside the script from the version it has just read, so it cannot be
 * declared in KEYS: fine on a single Redis (Upstash's regional and global databases, local Redis),
 * not on Redis Cluster. The dev bridge allows this script by its SHA-1 like @upstash/ratelimit's.
 */
export const ADMISSION_SCRIPT = `local tokens = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local requested = tonumber(ARGV[4])
local refund = tonumber(ARGV[5])
local current = tonumber(redis.call("GET", KEYS[1]) or "0")
if refund > 0 and current > 0 then
  current = redis.call("DECRBY", KEYS[1], math.min(refund, current))
end
local previous = tonumber(redis.call("GET", KEYS[2]) or "0")
previous = math.floor((1 - (now % window) / window) * previous)
local available = tokens - (previous + current)
local granted = 0
if requested > 0 then
  if available < 1 then
    return {-1, tokens, 0}
  end
  granted = math.min(requested, math.max(1, math.floor(available / 8)))
  local newValue = redis.call("INCRBY", KEYS[1], granted)
  if newValue == granted then
    redis.call("PEXPIRE", KEYS[1], window * 2 + 1000)
  end
  available = available - granted
end
if #KEYS < 6 then
  return {available, tokens, granted}
end
local pending = tonumber(ARGV[9])
if pending > 0 then
  redis.call("INCRBY", KEYS[5], pending)
end
local version = redis.call("GET", KEYS[3])
local epoch = redis.call("GET", KEYS[4])
if epoch and string.len(epoch) <= 15 and string.match(epoch, "^%d+$") and tonumber(epoch) > tonumber(ARGV[8]) then
  return {available, tokens, granted, version, epoch, false}
end
local answer = false
if version and version ~= "" then
  answer = redis.call("GET", ARGV[6] .. version .. ":" .. ARGV[7])
end
if answer then
  redis.call("INCR", KEYS[5])
else
  redis.call("INCR", KEYS[6])
end
return {available, tokens, granted, version, epoch, answer}
`;
