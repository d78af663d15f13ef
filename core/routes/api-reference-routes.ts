import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

/**
 * The API reference at `/docs`: Swagger UI served from the pinned `swagger-ui-dist` package in
 * node_modules, so the page renders with no network beyond this server. The page has no inline
 * script (its init code is `/docs/assets/init.js`) and is sent under a CSP that allows only this
 * origin's scripts, styles and fetches.
 */
export const API_REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Files of swagger-ui-dist served under /docs/assets/, with their media types. */
const PACKAGE_ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const INIT_SCRIPT = `// APFA: starts Swagger UI on the OpenAPI document this server publishes.
window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.openapiUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    validatorUrl: 'none'
  });
});
`;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

function pageHtml(options: { title: string; openapiUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body data-openapi-url="${escapeHtml(options.openapiUrl)}">
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;
}

/** The folder of the installed swagger-ui-dist package. */
function swaggerUiDistFolder(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/**
 * Routes for `/docs` (the page) and `/docs/assets/*` (Swagger UI's files and the init script).
 * Package files are read on first request and kept in memory.
 */
export function apiReferenceRoutes(options: { openapiUrl: string; title: string; packageFolder?: string }): Hono {
  const app = new Hono();
  const cache = new Map<string, Uint8Array>();
  const securityHeaders = {
    'content-security-policy': API_REFERENCE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
  const html = pageHtml(options);

  app.get('/docs', (context) => context.body(html, 200, { ...securityHeaders, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/docs/assets/init.js', (context) =>
    context.body(INIT_SCRIPT, 200, { ...securityHeaders, 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/docs/assets/:file', (context) => {
    const file = context.req.param('file');
    const type = PACKAGE_ASSETS[file];
    if (type === undefined) return context.notFound();
    let bytes = cache.get(file);
    if (bytes === undefined) {
      bytes = new Uint8Array(readFileSync(join(options.packageFolder ?? swaggerUiDistFolder(), file)));
      cache.set(file, bytes);
    }
    return context.body(bytes as Uint8Array<ArrayBuffer>, 200, { ...securityHeaders, 'content-type': type, 'cache-control': 'public, max-age=3600' });
  });
  return app;
}
