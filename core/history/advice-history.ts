import type { AdviceResponse } from '../../shared/contracts/advice.ts';
import type { SqlClient } from '../ports/sql-client.ts';

/** One answered question as kept for its borrower. */
export interface AdviceHistoryEntry {
  id: string;
  askedAt: Date;
  /** As typed, with personal data replaced by the redactor when one is configured. */
  question: string;
  questionRedacted: boolean;
  indexVersion: string;
  generator: string;
  bias: { flagged: boolean; score: number };
  sources: Array<{ id: string; title: string }>;
}

export interface RecordAdviceInput {
  userId: string;
  question: string;
  response: Pick<AdviceResponse, 'indexVersion' | 'generator' | 'bias' | 'sources'>;
}

export interface AdviceHistoryPage {
  items: AdviceHistoryEntry[];
  nextCursor: string | null;
}

export interface AdviceHistory {
  /** Days an entry is kept; 0 keeps nothing (recordAdvice does nothing). */
  readonly retentionDays: number;
  /** Stores one answered question (the borrower profile is never stored). */
  recordAdvice(input: RecordAdviceInput): Promise<void>;
  /** A user's own entries, newest first; entries past retention are never returned, purged or not. */
  list(userId: string, page: { limit: number; before?: string | undefined }): Promise<AdviceHistoryPage>;
  /** Deletes entries older than the retention; returns how many. */
  purgeExpired(): Promise<number>;
}

export interface AdviceHistoryOptions {
  sql: Pick<SqlClient, 'query'>;
  /** Replaces personal data in the question before it is stored (e.g. `(text) => redactPersonalData(text).text`). */
  redact?: ((text: string) => string) | undefined;
  retentionDays?: number;
  now?: () => number;
}

type HistoryRow = {
  id: string;
  asked_at: Date;
  question: string;
  question_redacted: boolean;
  index_version: string;
  generator: string;
  bias_flagged: boolean;
  bias_score: number;
  sources: Array<{ id: string; title: string }> | null;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d{1,19}$/;
const DAY_MS = 24 * 3600 * 1000;

const toEntry = (row: HistoryRow): AdviceHistoryEntry => ({
  id: row.id,
  askedAt: row.asked_at,
  question: row.question,
  questionRedacted: row.question_redacted,
  indexVersion: row.index_version,
  generator: row.generator,
  bias: { flagged: row.bias_flagged, score: Number(row.bias_score) },
  sources: row.sources ?? [],
});

/** Borrowers' advice history in `advice_history`, with a retention in days. */
export function createAdviceHistory(options: AdviceHistoryOptions): AdviceHistory {
  const { sql, redact, retentionDays = 90, now = Date.now } = options;
  if (!Number.isInteger(retentionDays) || retentionDays < 0) throw new Error('retentionDays must be a non-negative integer');
  const cutoff = () => new Date(now() - retentionDays * DAY_MS);

  return {
    retentionDays,
    async recordAdvice({ userId, question, response }) {
      if (retentionDays === 0) return;
      if (!UUID.test(userId)) throw new Error('recordAdvice needs the user id (a UUID) from the verified token');
      const stored = redact ? redact(question) : question;
      const sources = response.sources.map((source) => ({ id: source.id, title: source.title }));
      await sql.query(
        `INSERT INTO advice_history (user_id, asked_at, question, question_redacted, index_version, generator, bias_flagged, bias_score, sources)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
        [userId, new Date(now()), stored, stored !== question, response.indexVersion, response.generator, response.bias.flagged, response.bias.score, JSON.stringify(sources)],
      );
    },
    async list(userId, page) {
      if (!UUID.test(userId)) return { items: [], nextCursor: null };
      if (page.before !== undefined && !DIGITS.test(page.before)) return { items: [], nextCursor: null };
      const limit = Math.max(1, Math.min(100, Math.floor(page.limit)));
      const params: unknown[] = [userId, cutoff(), limit + 1];
      let before = '';
      if (page.before !== undefined) {
        params.push(page.before);
        before = 'AND id < $4::bigint';
      }
      const { rows } = await sql.query<HistoryRow>(
        `SELECT id::text AS id, asked_at, question, question_redacted, index_version, generator, bias_flagged, bias_score, sources
         FROM advice_history WHERE user_id = $1 AND asked_at >= $2 ${before} ORDER BY advice_history.id DESC LIMIT $3`,
        params,
      );
      const items = rows.slice(0, limit).map(toEntry);
      return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
    },
    async purgeExpired() {
      const { rows } = await sql.query('DELETE FROM advice_history WHERE asked_at < $1 RETURNING id', [cutoff()]);
      return rows.length;
    },
  };
}
