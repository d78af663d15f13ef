import { OpenAPIHono } from '@hono/zod-openapi';
import { MAX_BODY_BYTES } from '../shared/contracts/advice.ts';
import { drainUnreadBody } from '../shared/http/drain-unread-body.ts';
import { createErrorHandler, notFoundHandler } from '../shared/http/error-handler.ts';
import { validationHook } from '../shared/http/validation-hook.ts';
import type { AnswerQuestionDeps } from './advice/answer-question.ts';
import type { LiveIndex } from './advice/live-index.ts';
import { adminRoutes, type AdminRouteDeps } from './admin/admin-routes.ts';
import { protectRoutes } from './admin/protect-routes.ts';
import type { AuditLog } from './audit/audit-log.ts';
import { clientIp } from './audit/client-ip.ts';
import type { AdviceHistory } from './history/advice-history.ts';
import { historyRoutes } from './history/history-routes.ts';
import { accessLog } from './http/access-log.ts';
import type { AccessTokenVerifier, ActiveUserCheck } from './http/authenticate.ts';
import { requireAuthorized } from './http/authorize-route.ts';
import { requireEdgeSignature } from './http/edge-signature.ts';
import { createMemoryNonceStore, type NonceStore } from './http/signature-nonces.ts';
import { adviceStreamObservers, metricsMiddleware, type CoreMetrics } from './http/metrics.ts';
import { requestId } from './http/request-id.ts';
import { traceRequests } from './http/trace-requests.ts';
import type { Tracing } from './tracing/tracing.ts';
import { completeCoreOpenApi } from './openapi-completion.ts';
import { serveOpenApiDocument, type OpenApiDocument } from '../shared/http/openapi-document.ts';
import type { Logger } from './logger.ts';
import { apiReferenceRoutes } from './routes/api-reference-routes.ts';
import { consoleRoutes } from './routes/console-routes.ts';
import { consoleSessionRoutes, type ConsoleSessionGrants } from './routes/console-session-routes.ts';
import { adviceRoutes, type AdviceRouteDeps } from './routes/advice-routes.ts';
import { registerAdviceStreamRoutes } from './routes/advice-stream-routes.ts';
import { authRoutes, type TokenGrants } from './routes/auth-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { createAccessRecheck } from './http/access-recheck.ts';
import { createTrafficRates, readTrafficTotals } from './metrics/traffic-rates.ts';

export interface CoreAppDeps {
  logger: Logger;
  metrics: CoreMetrics;
  /** When enabled: a span per request continuing the caller's traceparent, and one per advice stage. */
  tracing?: Tracing | undefined;
  live: LiveIndex;
  pipeline: Omit<AnswerQuestionDeps, 'live' | 'observeStage'>;
  /** Token grants, and revoking a session (the console's sign-out). */
  tokens: TokenGrants & Pick<ConsoleSessionGrants, 'revokeRefreshToken'>;
  jwks: () => Promise<{ keys: Record<string, unknown>[] }>;
  verifier: AccessTokenVerifier;
  isUserActive?: ActiveUserCheck;
  /** When set, POST routes accept only requests signed by the edge. */
  edgeSignatureSecret?: string | undefined;
  /** Where edge-signature nonces are remembered (Redis with REDIS_URL); default this process's memory. */
  edgeSignatureNonces?: NonceStore | undefined;
  describeRuntime: () => Record<string, string>;
  /** The management API (users, audit, signing keys, live feed) and borrowers' history. */
  admin: Omit<AdminRouteDeps, 'audit' | 'maxBodyBytes'> & {
    audit: AuditLog;
    history: AdviceHistory;
    /** Take audit client IPs from X-Forwarded-For (only behind a proxy that sets it). */
    trustForwardedFor?: boolean;
  };
}

/** Builds core's HTTP app from injected dependencies (no I/O at construction). */
export function createCoreApp(deps: CoreAppDeps) {
  const app = new OpenAPIHono<{ Variables: { requestId: string } }>({ defaultHook: validationHook });
  app.onError(createErrorHandler({ onUnexpected: (error, c) => deps.logger.error({ err: error, path: new URL(c.req.url).pathname }, 'unexpected error') }));
  app.notFound(notFoundHandler);
  app.use('*', requestId());
  const tracing = deps.tracing?.enabled ? deps.tracing : undefined;
  if (tracing) app.use('*', traceRequests(tracing));
  app.use('*', drainUnreadBody({ maxBytes: MAX_BODY_BYTES }));
  app.use('*', metricsMiddleware(deps.metrics));
  app.use('*', accessLog(deps.logger));
  // Before every route: audit rows for admin mutations, then the one authorisation middleware (core/http/route-permissions.ts).
  protectRoutes(app, {
    verifier: deps.verifier,
    isUserActive: deps.isUserActive,
    audit: deps.admin.audit,
    trustForwardedFor: deps.admin.trustForwardedFor ?? false,
    onAuditWriteError: (error, c) => deps.logger.error({ err: error, requestId: c.get('requestId') }, 'audit write failed'),
  });

  const guard = deps.edgeSignatureSecret
    ? requireEdgeSignature({
        secret: deps.edgeSignatureSecret,
        nonces: deps.edgeSignatureNonces ?? createMemoryNonceStore(),
        onRefused: (reason) => deps.logger.warn({ reason }, 'edge signature refused'),
      })
    : undefined;
  // One advice pipeline and its observers, shared by /v1/advice and /v1/advice/stream.
  const advice: AdviceRouteDeps = {
    pipeline: {
      ...deps.pipeline,
      live: deps.live,
      observeStage: (stage, seconds) => deps.metrics.pipelineStage.observe({ stage }, seconds),
      ...(tracing ? { traceStage: (stage, run) => tracing.span(`advice ${stage}`, { attributes: { 'apfa.advice.stage': stage } }, run) } : {}),
    },
    authorize: requireAuthorized(),
    clientIp: (c) => clientIp(c, { trustForwardedFor: deps.admin.trustForwardedFor ?? false }),
    ...(guard ? { guard } : {}),
    onAnswered: ({ flaggedCharacteristics, response }) => {
      for (const characteristic of flaggedCharacteristics) deps.metrics.biasFlags.inc({ characteristic });
      deps.metrics.advice.observeAnswer(response);
    },
    // History must never fail or slow the answer: written after it, failures logged.
    recordAnswer: ({ userId, query, response }) => {
      deps.admin.history
        .recordAdvice({ userId, question: query, response })
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not record advice history'));
    },
  };
  app.route('/', healthRoutes({ live: deps.live, metrics: deps.metrics, describeRuntime: deps.describeRuntime }));
  app.route('/', authRoutes({ tokens: deps.tokens, jwks: deps.jwks, maxBodyBytes: MAX_BODY_BYTES, ...(guard ? { guard } : {}) }));
  app.route('/', consoleSessionRoutes({ tokens: deps.tokens, maxBodyBytes: MAX_BODY_BYTES }));
  app.route('/', adviceRoutes(advice));
  app.route('/', historyRoutes({ history: deps.admin.history }));
  // Open feed connections re-run the token and user check on a bound (a disabled or demoted admin is cut off).
  const recheck = createAccessRecheck({ verifier: deps.verifier, isUserActive: deps.isUserActive });
  const traffic = createTrafficRates(() => readTrafficTotals(deps.metrics.registry));
  app.route('/admin', adminRoutes({ ...deps.admin, feedOptions: { recheck, ...deps.admin.feedOptions }, traffic, maxBodyBytes: MAX_BODY_BYTES }));

  registerAdviceStreamRoutes(app, { ...advice, ...adviceStreamObservers(deps.metrics) });

  // The generated document, completed once (operation ids, tags, servers, descriptions, body limits).
  serveOpenApiDocument(app, () =>
    completeCoreOpenApi(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'APFA core', version: '0.1.0', description: 'Grounded loan advice: retrieval, generation, fairness check, auth.' },
      }) as unknown as OpenApiDocument,
    ),
  );
  app.route('/', apiReferenceRoutes({ openapiUrl: '/openapi.json', title: 'APFA core API reference' }));
  app.route('/', consoleRoutes());
  return app;
}

export type CoreApp = ReturnType<typeof createCoreApp>;
