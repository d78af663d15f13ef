import { MAX_BODY_BYTES } from '../../shared/contracts/advice.ts';
import { completeOpenApiDocument, type OpenApiDocument } from '../../shared/http/openapi-document.ts';

/** What each tag of the edge's API groups. */
export const EDGE_TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  advice: 'Grounded loan advice, answered from the edge cache when the same question was asked against the live index, else by core.',
  auth: 'Tokens, passed to core under the edge rate limit.',
  operations: 'Liveness of the edge.',
};

/** The edge's OpenAPI document with operation ids, tags, servers, descriptions and body limits filled in. */
export function completeEdgeOpenApi(document: OpenApiDocument): OpenApiDocument {
  const secured = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if ((operation as { security?: unknown[] }).security?.length) secured.add(`${method} ${path}`);
    }
  }
  return completeOpenApiDocument(document, {
    servers: [{ url: '/', description: 'The edge serving this document (npm run dev: http://127.0.0.1:8787)' }],
    tagDescriptions: EDGE_TAG_DESCRIPTIONS,
    bodyLimit: () => MAX_BODY_BYTES,
    describe: (method, path) =>
      secured.has(`${method} ${path}`)
        ? 'Needs an access token (checked here, then by core) whose role holds `advice:generate`; rate limited per caller.'
        : 'Public: no access token needed; rate limited per client address where it sends anything to core.',
    problemSchema: { $ref: '#/components/schemas/Problem' },
  });
}
