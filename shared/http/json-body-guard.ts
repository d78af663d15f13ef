import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors/app-error.ts';

export interface JsonBodyGuardOptions {
  maxBytes: number;
  /** Media types accepted; default application/json only. */
  mediaTypes?: readonly string[];
}

/**
 * Refuses, before any parsing, bodies with the wrong media type or any Content-Encoding but
 * `identity` (415), over the size cap (413, checked on the bytes actually read, not only
 * Content-Length), invalid JSON (400) or JSON that is not an object (422, "The body must be a
 * JSON object."); a body the client stops sending midway is a 400 `malformed-request`, never an
 * unexpected error. The text stays cached on the request (Hono's body cache), so validators and
 * handlers read it again for free; `c.req.raw`'s own stream is consumed.
 */
const utf8 = new TextDecoder('utf-8', { fatal: false });

export function jsonBodyGuard(options: JsonBodyGuardOptions): MiddlewareHandler {
  const mediaTypes = options.mediaTypes ?? ['application/json'];
  return async (c, next) => {
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!mediaTypes.includes(contentType)) {
      throw new AppError('unsupported-media-type', {
        detail: `Send the body as ${mediaTypes.join(' or ')} (got ${contentType || 'no content type'}).`,
      });
    }
    const encoding = (c.req.header('content-encoding') ?? '').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity') {
      // Bodies are a few KiB: nothing is decoded, and an undecoded body must not be read as JSON (RFC 9110 §15.5.16).
      throw new AppError('unsupported-media-type', {
        detail: `Content-Encoding ${encoding.slice(0, 40)} is not supported: send the body uncompressed.`,
        headers: { 'accept-encoding': 'identity' },
      });
    }
    const declared = Number(c.req.header('content-length') ?? '0');
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      throw tooLarge(options.maxBytes);
    }
    // A declared length within the cap is what the server's HTTP framing reads, so the runtime's
    // own arrayBuffer() is safe (and, in workerd, far cheaper than a stream reader); without one
    // (chunked) the bytes are counted as they arrive.
    const bytes = c.req.header('content-length') !== undefined && Number.isInteger(declared) && declared >= 0 ? await readWhole(c.req.raw, options.maxBytes) : await readCapped(c.req.raw, options.maxBytes);
    const text = utf8.decode(bytes);
    if (contentType === 'application/json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new AppError('malformed-json', { detail: 'The request body is not valid JSON.' });
      }
      // Every JSON body of the API is an object; null, arrays, strings and numbers are valid JSON but not a request.
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new AppError('validation-failed', {
          detail: 'The body must be a JSON object.',
          extensions: { errors: [{ path: '(body)', message: 'must be a JSON object' }] },
        });
      }
    }
    // Downstream readers (validators, c.req.text/json/arrayBuffer) get the bytes read here from
    // Hono's body cache; the raw stream stays consumed (no second Request per request: on the
    // edge's hit path its allocation and external memory showed as GC pauses).
    // Hono keeps promises there (its .d.ts types the settled values).
    const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
    cache.arrayBuffer = Promise.resolve(bytes.buffer);
    cache.text = Promise.resolve(text);
    await next();
  };
}

const tooLarge = (maxBytes: number) => new AppError('payload-too-large', { detail: `Bodies are limited to ${maxBytes} bytes.` });
const cutShort = (cause: unknown) => new AppError('malformed-request', { detail: 'The request body could not be read to its end.', cause });

async function readWhole(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  let buffer: ArrayBuffer;
  try {
    buffer = await request.arrayBuffer();
  } catch (error) {
    throw cutShort(error);
  }
  // In-process callers (app.request) are not held to their Content-Length by any framing.
  if (buffer.byteLength > maxBytes) throw tooLarge(maxBytes);
  return new Uint8Array(buffer);
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!request.body) return new Uint8Array(new ArrayBuffer(0));
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The client went away mid-body (workerd: "Network connection lost"): an expected 400, not an unexpected error to log.
      throw cutShort(error);
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  // The usual small body arrives in one chunk that owns its buffer: no copy.
  const only = chunks.length === 1 ? chunks[0]! : undefined;
  if (only && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength && only.buffer instanceof ArrayBuffer) return only as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
