import type { SqlClient } from '../ports/sql-client.ts';
import { redactPersonalDataDeep } from '../privacy/log-redaction.ts';
import { redactPersonalData } from '../privacy/personal-data.ts';
import { boundAuditTarget } from './audit-target.ts';

/** How an audited action ended: done, refused by authentication/authorisation, or failed otherwise. */
export type AuditOutcome = 'success' | 'denied' | 'failure';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'failure'];

/**
 * One audit row as written. Details must never hold secrets (passwords, tokens). Personal data in
 * the free-text fields — `target` and every string in `details` — is redacted on append
 * ({@link createAuditLog}); `actorUsername` is the acting account's login name and is kept, so the
 * `actor` filter works (`actorId` is the stable identity).
 */
export interface AuditEntry {
  actorId: string | null;
  actorUsername: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  clientIp: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** A stored audit row. `id` is a decimal string (bigserial), increasing with time. */
export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
}

export interface AuditQuery {
  actorId?: string | undefined;
  actorUsername?: string | undefined;
  action?: string | undefined;
  target?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive lower bound on `at`. */
  from?: Date | undefined;
  /** Exclusive upper bound on `at`. */
  to?: Date | undefined;
  /** Rows with an id below this one (the previous page's `nextCursor`). */
  before?: string | undefined;
  limit: number;
}

export interface AuditPage {
  items: AuditRecord[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The audit log: append and query only. The table refuses UPDATE, DELETE and TRUNCATE by trigger
 * (migration 0002), so rows stay as written whatever code runs.
 */
export interface AuditLog {
  append(entry: AuditEntry): Promise<AuditRecord>;
  query(query: AuditQuery): Promise<AuditPage>;
}

type AuditRow = {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_username: string | null;
  action: string;
  target: string | null;
  outcome: string;
  client_ip: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
};

const COLUMNS = 'id::text AS id, at, actor_id, actor_username, action, target, outcome, client_ip, request_id, details';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d{1,19}$/;

const isOutcome = (value: string): value is AuditOutcome => (AUDIT_OUTCOMES as readonly string[]).includes(value);

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorUsername: row.actor_username,
    action: row.action,
    target: row.target,
    outcome: isOutcome(row.outcome) ? row.outcome : 'failure',
    clientIp: row.client_ip,
    requestId: row.request_id,
    details: row.details ?? {},
  };
}

/**
 * The audit log in the `audit_log` table (PostgreSQL or PGlite). Rows cannot be changed or deleted
 * afterwards, so personal data (emails, phone numbers, SSNs, card and account numbers, street
 * addresses) is replaced by placeholders in `target` and `details` before the row is written,
 * and `target` is cut to 256 characters (core/audit/audit-target.ts): the one place every audit
 * writer goes through.
 */
export function createAuditLog(sql: Pick<SqlClient, 'query'>): AuditLog {
  return {
    async append(entry) {
      // A malformed actor id (never from a verified token) must not lose the row: keep it as text in details.
      const actorId = entry.actorId !== null && UUID.test(entry.actorId) ? entry.actorId : null;
      const details = redactPersonalDataDeep(actorId === entry.actorId ? entry.details : { ...entry.details, actorIdText: entry.actorId });
      const target = entry.target === null ? null : boundAuditTarget(redactPersonalData(entry.target).text);
      const { rows } = await sql.query<AuditRow>(
        `INSERT INTO audit_log (actor_id, actor_username, action, target, outcome, client_ip, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING ${COLUMNS}`,
        [actorId, entry.actorUsername, entry.action, target, entry.outcome, entry.clientIp, entry.requestId, JSON.stringify(details)],
      );
      const row = rows[0];
      if (!row) throw new Error('INSERT ... RETURNING gave no row');
      return toRecord(row);
    },

    async query(query) {
      const conditions: string[] = [];
      const params: unknown[] = [];
      const add = (condition: (placeholder: string) => string, value: unknown) => {
        params.push(value);
        conditions.push(condition(`$${params.length}`));
      };
      if (query.actorId !== undefined) {
        if (!UUID.test(query.actorId)) return { items: [], nextCursor: null };
        add((p) => `actor_id = ${p}`, query.actorId);
      }
      if (query.actorUsername !== undefined) add((p) => `actor_username = ${p}`, query.actorUsername);
      if (query.action !== undefined) add((p) => `action = ${p}`, query.action);
      if (query.target !== undefined) add((p) => `target = ${p}`, query.target);
      if (query.outcome !== undefined) add((p) => `outcome = ${p}`, query.outcome);
      if (query.from !== undefined) add((p) => `at >= ${p}`, query.from);
      if (query.to !== undefined) add((p) => `at < ${p}`, query.to);
      if (query.before !== undefined) {
        if (!DIGITS.test(query.before)) return { items: [], nextCursor: null };
        add((p) => `id < ${p}::bigint`, query.before);
      }
      const limit = Math.max(1, Math.min(500, Math.floor(query.limit)));
      params.push(limit + 1);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
      const { rows } = await sql.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_log ${where} ORDER BY audit_log.id DESC LIMIT $${params.length}`, params);
      const items = rows.slice(0, limit).map(toRecord);
      return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
    },
  };
}
