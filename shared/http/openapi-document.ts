import type { OpenAPIHono } from '@hono/zod-openapi';

/** The parts of an OpenAPI 3.x document this module reads and fills in. */
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers?: Array<{ url: string; description?: string }>;
  tags?: Array<{ name: string; description?: string }>;
  paths?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  requestBody?: { description?: string; content?: Record<string, unknown>; [extension: `x-${string}`]: unknown };
  responses?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface OpenApiCompletion {
  servers: Array<{ url: string; description: string }>;
  /** A description for every tag an operation uses; a tag without one is an error. */
  tagDescriptions: Readonly<Record<string, string>>;
  /** The body limit (bytes) of an operation with a request body. */
  bodyLimit: (method: string, path: string) => number;
  /** Extra sentences for an operation's description (who may call it, …). */
  describe?: (method: string, path: string) => string | undefined;
  /** The schema of the 413 problem response to add where missing. */
  problemSchema: Record<string, unknown>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `post /admin/jobs/{queue}/{id}/retry` → `postAdminJobsByQueueByIdRetry`: unique per method and path. */
export function operationIdFor(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment);
      const parts = (parameter ? parameter[1]! : segment).split(/[^A-Za-z0-9]+/).filter(Boolean);
      return parameter ? ['by', ...parts] : parts;
    });
  return [method.toLowerCase(), ...words].map((word, index) => (index === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
}

/**
 * Completes a generated OpenAPI document with what generators leave out and clients and
 * reviewers need: `servers`; top-level `tags` with descriptions; on every operation a unique
 * camelCase `operationId`, at least one tag and a description (the summary, plus `describe`'s
 * sentences); on every request body its size limit and that it must be a JSON object, and a 413
 * response. Returns a new document; throws when a tag has no description or two operations
 * would share an id.
 */
export function completeOpenApiDocument(document: OpenApiDocument, options: OpenApiCompletion): OpenApiDocument {
  const out = structuredClone(document);
  const seen = new Map<string, string>();
  const used = new Set<string>();
  for (const [path, item] of Object.entries(out.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${path}`;
      operation.operationId ??= operationIdFor(method, path);
      const clash = seen.get(operation.operationId);
      if (clash) throw new Error(`operationId ${operation.operationId} of ${where} is also ${clash}'s`);
      seen.set(operation.operationId, where);
      if (!operation.tags || operation.tags.length === 0) throw new Error(`${where} has no tag`);
      for (const tag of operation.tags) used.add(tag);
      const sentences: string[] = [];
      if (operation.description) sentences.push(operation.description);
      else if (operation.summary) sentences.push(`${operation.summary.replace(/\.$/, '')}.`);
      const extra = options.describe?.(method, path);
      if (extra) sentences.push(extra);
      if (operation.requestBody) {
        const limit = options.bodyLimit(method, path);
        const rule = `The body must be a JSON object (or a form where listed) of at most ${limit} bytes, sent uncompressed: a larger body is refused with 413, another Content-Encoding with 415.`;
        sentences.push(rule);
        operation.requestBody.description = operation.requestBody.description ? `${operation.requestBody.description} ${rule}` : rule;
        operation.requestBody['x-max-body-bytes'] = limit;
        operation.responses ??= {};
        operation.responses['413'] ??= {
          description: `Body larger than ${limit} bytes`,
          content: { 'application/problem+json': { schema: options.problemSchema } },
        };
      }
      operation.description = sentences.join('\n\n');
    }
  }
  const missing = [...used].filter((tag) => !options.tagDescriptions[tag]);
  if (missing.length > 0) throw new Error(`tags without a description: ${missing.join(', ')}`);
  out.tags = [...used].sort().map((name) => ({ name, description: options.tagDescriptions[name]! }));
  out.servers = options.servers;
  return out;
}

/**
 * Serves an app's OpenAPI document at GET /openapi.json, with the bearer-token security scheme its
 * routes name registered: the document is generated (and completed) on the first request, once
 * every route is registered, and kept. The one copy of this for core and the edge.
 */
export function serveOpenApiDocument(app: OpenAPIHono<any>, generate: () => OpenApiDocument): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  let document: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => c.json((document ??= generate())));
}
