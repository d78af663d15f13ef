import type { AuditVariables } from '../audit/audit-mutations.ts';
import type { AuthorizeVariables } from '../http/authorize-route.ts';

/** Context variables admin handlers see: the caller (set by authorizeRoutes) and the audit note. */
export type AdminVariables = AuthorizeVariables & AuditVariables;
export type AdminEnv = { Variables: AdminVariables };
