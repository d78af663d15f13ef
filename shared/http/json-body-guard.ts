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
 * unexpected error. The text stays cached on the request, so validators read it again for free.
 */
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
      throw new AppError('payload-too-large', { detail: `Bodies are limited to ${options.maxBytes} bytes.` });
    }
    const bytes = await readCapped(c.req.raw, options.maxBytes);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
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
    // Replace the consumed stream so downstream readers (validators, proxies) see the same bytes.
    c.req.raw = new Request(c.req.raw, { body: bytes });
    await next();
  };
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
      throw new AppError('malformed-request', { detail: 'The request body could not be read to its end.', cause: error });
    }
    const { done, value } = chunk;
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new AppError('payload-too-large', { detail: `Bodies are limited to ${maxBytes} bytes.` });
    }
    chunks.push(value);
  }
  const out = new Uint8Array(new ArrayBuffer(total));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
