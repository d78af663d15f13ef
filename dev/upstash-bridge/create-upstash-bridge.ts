import { timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { LuaScriptTranslator, sha1Hex } from './lua-shebang.ts';
import { allowedScriptHashes, refusalOf } from './command-allowlist.ts';

type Argument = string | number;
type Command = [string, ...Argument[]];
type Reply = { result: unknown } | { error: string };

const MAX_BODY_BYTES = 1024 * 1024;

export interface UpstashBridgeOptions {
  redis: Redis;
  token: string;
  /** SHA-1s of the Lua scripts EVAL/EVALSHA may run; default the edge's and the installed @upstash/ratelimit's. */
  allowedScripts?: ReadonlySet<string>;
}

export interface UpstashBridge {
  fetch: (request: Request) => Promise<Response>;
  lua: LuaScriptTranslator;
  /**
   * HTTP requests received since the bridge started (one per Upstash REST call: a single command,
   * a pipeline or a transaction each count once, refused ones too) — what a deployment pays
   * Upstash round trips for. Benches and tests read differences of it.
   */
  readonly requestCount: number;
}

/**
 * A development/test server that speaks Upstash's Redis REST protocol over a real Redis:
 * `POST /` with one command as a JSON array, `POST /pipeline` and `POST /multi-exec` with a list
 * of commands, bearer-token auth, and base64 response encoding when the client asks for it.
 * Only an allowlist of commands runs (command-allowlist.ts): the edge's, and scripts only when
 * they are the edge's admission script or @upstash/ratelimit's, so EVAL cannot smuggle FLUSHALL
 * or CONFIG SET.
 */
export function createUpstashBridge(options: UpstashBridgeOptions): UpstashBridge {
  const { redis } = options;
  const expected = Buffer.from(`Bearer ${options.token}`);
  const lua = new LuaScriptTranslator();
  const allowedScripts = options.allowedScripts ?? allowedScriptHashes();
  let requestCount = 0;
  const validateCommand = (value: unknown): Command => {
    const command = parseCommand(value);
    const refusal = refusalOf(command, allowedScripts);
    if (refusal !== undefined) throw new BridgeInputError(`ERR ${refusal} through the bridge`);
    return command;
  };
  const app = new Hono();

  app.use('*', async (c, next) => {
    requestCount += 1;
    const given = Buffer.from(c.req.header('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return c.json({ error: 'Unauthorized' }, 401);
    await next();
  });

  const readCommands = async (request: Request): Promise<unknown> => {
    const text = await request.text();
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new BridgeInputError('ERR request body too large');
    try {
      return JSON.parse(text);
    } catch {
      throw new BridgeInputError('ERR invalid JSON body');
    }
  };

  const run = async (command: Command): Promise<unknown> => {
    const [name, ...args] = rewrite(command, lua);
    return afterCommand(command, await redis.callBuffer(name, ...args.map(String)));
  };

  app.post('/', async (c) => {
    const base64 = wantsBase64(c.req.raw);
    try {
      const command = validateCommand(await readCommands(c.req.raw));
      return c.json({ result: encodeReply(await run(command), base64) });
    } catch (error) {
      return c.json({ error: errorMessage(error) }, 400);
    }
  });

  const batch = (transactional: boolean) => async (c: { req: { raw: Request }; json: (body: unknown, status?: 200 | 400) => Response }) => {
    const base64 = wantsBase64(c.req.raw);
    let commands: Command[];
    try {
      const body = await readCommands(c.req.raw);
      if (!Array.isArray(body) || body.length === 0) throw new BridgeInputError('ERR expected a non-empty array of commands');
      commands = body.map(validateCommand);
    } catch (error) {
      return c.json({ error: errorMessage(error) }, 400);
    }
    const pipeline = transactional ? redis.multi() : redis.pipeline();
    for (const command of commands) {
      const [name, ...args] = rewrite(command, lua);
      pipeline.callBuffer(name, ...args.map(String));
    }
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = (await pipeline.exec()) as Array<[Error | null, unknown]> | null;
    } catch (error) {
      return c.json({ error: errorMessage(error) }, 400);
    }
    if (results === null) return c.json({ error: 'ERR transaction aborted' }, 400);
    const replies: Reply[] = results.map(([error, value], index) =>
      error ? { error: errorMessage(error) } : { result: encodeReply(afterCommand(commands[index]!, value), base64) },
    );
    return c.json(replies);
  };
  app.post('/pipeline', batch(false));
  app.post('/multi-exec', batch(true));
  app.all('*', (c) => c.json({ error: 'ERR unsupported path; POST a command to / , /pipeline or /multi-exec' }, 404));

  return {
    fetch: (request) => Promise.resolve(app.fetch(request)),
    lua,
    get requestCount() {
      return requestCount;
    },
  };
}

class BridgeInputError extends Error {}

function parseCommand(value: unknown): Command {
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'string') {
    throw new BridgeInputError('ERR a command must be a JSON array starting with the command name');
  }
  for (const part of value) {
    if (typeof part !== 'string' && typeof part !== 'number') throw new BridgeInputError('ERR command arguments must be strings or numbers');
  }
  return value as Command;
}

/** Applies the Lua shebang translation to EVAL / EVAL_RO / EVALSHA / SCRIPT LOAD|EXISTS. */
function rewrite(command: Command, lua: LuaScriptTranslator): Command {
  const [rawName, ...args] = command;
  const name = rawName.toLowerCase();
  if ((name === 'eval' || name === 'eval_ro') && typeof args[0] === 'string') return [rawName, lua.prepare(args[0]), ...args.slice(1)];
  if ((name === 'evalsha' || name === 'evalsha_ro') && typeof args[0] === 'string') return [rawName, lua.translateSha(args[0]), ...args.slice(1)];
  if (name === 'script' && typeof args[0] === 'string') {
    const sub = args[0].toLowerCase();
    if (sub === 'load' && typeof args[1] === 'string') return [rawName, args[0], lua.prepare(args[1])];
    if (sub === 'exists') return [rawName, args[0], ...args.slice(1).map((sha) => lua.translateSha(String(sha)))];
  }
  return command;
}

function wantsBase64(request: Request): boolean {
  return (request.headers.get('upstash-encoding') ?? '').toLowerCase() === 'base64';
}

/** Redis reply → JSON: buffers become strings (base64 when asked), arrays recursively. */
function encodeReply(value: unknown, base64: boolean): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (Buffer.isBuffer(value)) {
    const text = value.toString('utf8');
    if (text === 'OK') return 'OK';
    return base64 ? value.toString('base64') : text;
  }
  if (Array.isArray(value)) return value.map((item) => encodeReply(item, base64));
  if (value instanceof Error) return value.message;
  // ioredis turns some replies (HGETALL) into objects; the REST protocol sends the flat array.
  if (typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => [encodeReply(Buffer.from(key), base64), encodeReply(item, base64)]);
  return value;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.startsWith('ERR') || /^[A-Z]+ /.test(error.message) ? error.message : `ERR ${error.message}`;
  return 'ERR unknown error';
}

/** SCRIPT LOAD answers with the SHA of what Redis loaded; the client expects the SHA of what it sent. */
function afterCommand(command: Command, reply: unknown): unknown {
  const [name, sub, script] = command;
  if (name.toLowerCase() === 'script' && String(sub).toLowerCase() === 'load' && typeof script === 'string') return Buffer.from(sha1Hex(script));
  return reply;
}
