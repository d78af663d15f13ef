/**
 * The edge's one Lua script (EVALSHA through Upstash's REST API). It counts a request in a sliding
 * window — the algorithm of @upstash/ratelimit 2.x's single-region `slidingWindow` (two fixed
 * buckets, the previous one weighted by how much of it still overlaps the window) — and, for an
 * advice request, reads in the same round trip what a cache hit needs: the live index version, the
 * caller's token-epoch record and the answer stored under `<answer prefix><live version>:<hash>`,
 * counting the hit or the miss.
 *
 * KEYS: 1 current bucket, 2 previous bucket; advice only: 3 live-version key, 4 user epoch key,
 * 5 hit counter, 6 miss counter.
 * ARGV: 1 tokens, 2 now (ms), 3 window (ms), 4 increment; advice only: 5 answer-key prefix,
 * 6 content hash, 7 the token's epoch.
 * Reply: `{remaining, limit}` (remaining -1: refused, nothing read), then for advice
 * `{version, epochRecord, answer}` (nil where absent; no answer read when the record is newer than
 * the token's epoch, and nothing counted then).
 *
 * The answer key is built inside the script from the version it has just read, so it cannot be
 * declared in KEYS: fine on a single Redis (Upstash's regional and global databases, local Redis),
 * not on Redis Cluster. The dev bridge allows this script by its SHA-1 like @upstash/ratelimit's.
 */
export const ADMISSION_SCRIPT = `local tokens = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local incrementBy = tonumber(ARGV[4])
local current = tonumber(redis.call("GET", KEYS[1]) or "0")
local previous = tonumber(redis.call("GET", KEYS[2]) or "0")
previous = math.floor((1 - (now % window) / window) * previous)
if previous + current >= tokens then
  return {-1, tokens}
end
local newValue = redis.call("INCRBY", KEYS[1], incrementBy)
if newValue == incrementBy then
  redis.call("PEXPIRE", KEYS[1], window * 2 + 1000)
end
local remaining = tokens - (newValue + previous)
if #KEYS < 6 then
  return {remaining, tokens}
end
local version = redis.call("GET", KEYS[3])
local epoch = redis.call("GET", KEYS[4])
if epoch and string.len(epoch) <= 15 and string.match(epoch, "^%d+$") and tonumber(epoch) > tonumber(ARGV[7]) then
  return {remaining, tokens, version, epoch, false}
end
local answer = false
if version and version ~= "" then
  answer = redis.call("GET", ARGV[5] .. version .. ":" .. ARGV[6])
end
if answer then
  redis.call("INCR", KEYS[5])
else
  redis.call("INCR", KEYS[6])
end
return {remaining, tokens, version, epoch, answer}
`;
