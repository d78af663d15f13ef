import { MAX_BODY_BYTES } from '../shared/contracts/advice.ts';
import { completeOpenApiDocument, type OpenApiDocument } from '../shared/http/openapi-document.ts';
import { MAX_UPLOAD_BODY_BYTES } from './admin/operations-schemas.ts';
import { ruleFor } from './http/route-permissions.ts';

/** What each tag of core's API groups. */
export const CORE_TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  advice: 'Grounded loan advice (JSON and Server-Sent Events) and your own advice history.',
  auth: 'Access and refresh tokens (OAuth2 password and refresh_token grants) and the keys that verify them.',
  operations: 'Liveness, readiness and Prometheus metrics for orchestrators and scrapers.',
  'admin: users': 'Create, disable, enable and change the role or password of users (super_admin).',
  'admin: audit': 'The append-only audit log of admin actions and flagged answers.',
  'admin: signing keys': 'The token signing keys: list and rotate (super_admin).',
  'admin: live feed': 'Job and index events as they happen (WebSocket and Server-Sent Events).',
  'admin: jobs': 'Indexing jobs: sync, re-embed, upload and delete documents, inspect, cancel and retry.',
  'admin: queues': 'The job queues and their workers: depth, pause, resume, clean.',
  'admin: index': 'Index versions: the live one, every stored one, build, activate (swap or roll back) and delete.',
  'admin: stats': 'Dashboard numbers and what this process runs on.',
};

/** `/admin/jobs/{queue}/{id}` → `/admin/jobs/:queue/:id` (the route table's syntax). */
const honoPath = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** Who may call an operation, from the one route table (core/http/route-permissions.ts). */
function describeAccess(method: string, path: string): string | undefined {
  const rule = ruleFor(method, honoPath(path));
  if (!rule) return undefined;
  if (rule.access === 'public') return 'Public: no access token needed.';
  const audit = rule.audit ? ` Every call is audited as \`${rule.audit}\`.` : '';
  return `Needs an access token whose role holds \`${rule.permission}\`.${audit}`;
}

/** Core's OpenAPI document with operation ids, tags, servers, descriptions and body limits filled in. */
export function completeCoreOpenApi(document: OpenApiDocument): OpenApiDocument {
  return completeOpenApiDocument(document, {
    servers: [{ url: '/', description: 'The core instance serving this document (npm start: http://127.0.0.1:8080)' }],
    tagDescriptions: CORE_TAG_DESCRIPTIONS,
    bodyLimit: (method, path) => (method === 'post' && path === '/admin/documents' ? MAX_UPLOAD_BODY_BYTES : MAX_BODY_BYTES),
    describe: describeAccess,
    problemSchema: { $ref: '#/components/schemas/Problem' },
  });
}
