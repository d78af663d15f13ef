import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getToken, startCore, type StartedCore } from '../../support/start-core.ts';

/**
 * The OpenAPI document is the contract: every operation is complete (id, tag, description, body
 * limit), live responses match it (Ajv 2020-12 compiling each response schema), and every query
 * and path parameter of every operation, at its schema's extreme values, gets a 2xx or a
 * problem+json 4xx — never a 5xx. Generated from the document, so new routes are covered.
 */
type Schema = Record<string, unknown>;
type Parameter = { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema?: Schema };
type Operation = {
  operationId?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, unknown>; 'x-max-body-bytes'?: number };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};
type Document = { openapi: string; servers?: unknown[]; tags?: Array<{ name: string; description?: string }>; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
// Long-lived streams and third-party UIs: not request/response operations.
const NOT_REQUEST_RESPONSE = [/^\/admin\/ws$/, /^\/admin\/events$/, /^\/admin\/dashboard/, /^\/docs/];
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) => METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method]! })));

/** Extreme and hostile values for a parameter, from its schema. */
function extremes(schema: Schema = {}): string[] {
  const values = new Set<string>(['', 'x'.repeat(5000), 'not-a-number', '-1', '0', '9999999999999999999', '1e309', '-0', '%00', '../../etc/passwd', '<script>']);
  const numeric = schema.type === 'integer' || schema.type === 'number';
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    const bound = schema[key];
    if (typeof bound === 'number') for (const value of [bound - 1, bound, bound + 1, bound + 0.5]) values.add(String(value));
  }
  if (typeof schema.maxLength === 'number') {
    values.add('a'.repeat(schema.maxLength));
    values.add('a'.repeat(schema.maxLength + 1));
  }
  if (Array.isArray(schema.enum)) for (const value of [...schema.enum, 'not-in-the-enum']) values.add(String(value));
  if (typeof schema.example === 'string' || typeof schema.example === 'number') values.add(String(schema.example));
  if (numeric) values.add('1.5');
  return [...values];
}

/** A plausible value for a required path parameter when another parameter is being varied. */
const plausible = (parameter: Parameter) => String(parameter.schema?.example ?? (parameter.schema?.enum as unknown[] | undefined)?.[0] ?? 'x');

describe('core conforms to its OpenAPI document', () => {
  let core: StartedCore;
  let token: string;
  let document: Document;
  let ajv: Ajv2020;
  const validators = new Map<string, ValidateFunction>();

  beforeAll(async () => {
    core = await startCore();
    token = await getToken(core.url, 'admin', core.adminPassword);
    document = (await (await fetch(`${core.url}/openapi.json`)).json()) as Document;
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    // One schema holding the components, so "#/components/schemas/X" refs resolve.
    ajv.addSchema(JSON.parse(JSON.stringify({ components: document.components }).replaceAll('"#/components/', '"apfa-openapi#/components/')), 'apfa-openapi');
  }, 180_000);
  afterAll(async () => core?.stop());

  const validatorFor = (key: string, schema: Schema): ValidateFunction => {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"apfa-openapi#/components/')) as Schema);
      validators.set(key, validate);
    }
    return validate;
  };

  /** Checks a live response against the operation's documented responses; returns the status. */
  async function conforms(label: string, operation: Operation, response: Response): Promise<number> {
    const status = response.status;
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = await response.text();
    expect(status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
    if (status >= 400) expect(type, `${label}: a ${status} must be problem+json`).toBe('application/problem+json');
    const documented = operation.responses[String(status)] ?? operation.responses.default;
    expect(documented, `${label}: status ${status} is not documented`).toBeDefined();
    const schema = documented?.content?.[type]?.schema;
    if (schema && type.endsWith('json')) {
      const validate = validatorFor(`${label}|${status}|${type}`, schema);
      const valid = validate(JSON.parse(text));
      expect(valid, `${label} ${status}: ${ajv.errorsText(validate.errors)} in ${text.slice(0, 300)}`).toBe(true);
    }
    return status;
  }

  it('is complete: servers, described tags, and on every operation a unique camelCase id, a tag, a description and stated body limits', () => {
    expect(document.servers?.length).toBeGreaterThan(0);
    const tags = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    const ids = new Set<string>();
    for (const { path, method, operation } of operations(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(ids.has(operation.operationId!), `${where}: duplicate operationId`).toBe(false);
      ids.add(operation.operationId!);
      expect(operation.tags?.length, where).toBeGreaterThan(0);
      for (const tag of operation.tags!) expect(tags.get(tag), `${where}: tag ${tag} has no top-level description`).toBeTruthy();
      expect(operation.description?.length ?? 0, `${where}: description`).toBeGreaterThan(20);
      if (operation.requestBody) {
        expect(operation.requestBody['x-max-body-bytes'], where).toBeGreaterThanOrEqual(4096);
        expect(operation.responses['413'], `${where}: 413`).toBeDefined();
      }
    }
    expect(ids.size).toBeGreaterThanOrEqual(38);
    expect(ids).toContain('deleteAdminDocumentsById');
  });

  it('refuses an undocumented body on POST /admin/index/build (422), and builds without one', async () => {
    const authorization = `Bearer ${token}`;
    const withBody = await core.runtime.app.request('/admin/index/build', { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: '{"force":false}' });
    expect(withBody.status).toBe(422);
    expect(((await withBody.json()) as { detail: string }).detail).toMatch(/takes no request body/);
    expect((await core.runtime.app.request('/admin/index/build', { method: 'POST', headers: { authorization } })).status).toBe(202);
  });

  it('compiles every schema in the document with Ajv (JSON Schema 2020-12)', () => {
    for (const [name, schema] of Object.entries(document.components.schemas)) expect(() => validatorFor(`component ${name}`, schema), name).not.toThrow();
  });

  it('answers every GET operation as documented (super_admin, no parameters)', async () => {
    for (const { path, method, operation } of operations(document)) {
      if (method !== 'get' || path.includes('{') || NOT_REQUEST_RESPONSE.some((pattern) => pattern.test(path))) continue;
      const response = await core.runtime.app.request(path, { headers: { authorization: `Bearer ${token}` } });
      await conforms(`GET ${path}`, operation, response);
    }
  }, 120_000);

  it('answers every query and path parameter at its extremes with a 2xx or a problem+json 4xx, never a 5xx', async () => {
    let calls = 0;
    for (const { path, method, operation } of operations(document)) {
      if (NOT_REQUEST_RESPONSE.some((pattern) => pattern.test(path))) continue;
      const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query' || parameter.in === 'path');
      for (const varied of parameters) {
        for (const value of extremes(varied.schema)) {
          if (varied.in === 'path' && value === '') continue; // an empty segment is another route
          let url = path;
          for (const parameter of parameters.filter((candidate) => candidate.in === 'path')) {
            url = url.replace(`{${parameter.name}}`, encodeURIComponent(parameter === varied ? value : plausible(parameter)));
          }
          if (varied.in === 'query') url += `?${new URLSearchParams({ [varied.name]: value }).toString()}`;
          const body = operation.requestBody ? JSON.stringify({}) : undefined;
          const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) };
          const response = await core.runtime.app.request(url, { method: method.toUpperCase(), headers, ...(body ? { body } : {}) });
          await conforms(`${method.toUpperCase()} ${url.slice(0, 120)}`, operation, response);
          calls += 1;
        }
      }
    }
    expect(calls).toBeGreaterThan(100);
  }, 300_000);
});
