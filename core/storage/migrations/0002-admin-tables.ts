import type { Migration } from './migration.ts';

/**
 * Admin API tables: the audit log becomes append-only at the database (a trigger refuses UPDATE,
 * DELETE and TRUNCATE whoever asks), with indexes for the audit queries; borrowers' advice history.
 */
export const adminTables: Migration = {
  version: 2,
  name: 'admin-tables',
  up: `
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target, id DESC);

CREATE TABLE advice_history (
  id bigserial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  asked_at timestamptz NOT NULL DEFAULT now(),
  question text NOT NULL,
  question_redacted boolean NOT NULL,
  index_version text NOT NULL,
  generator text NOT NULL,
  bias_flagged boolean NOT NULL,
  bias_score double precision NOT NULL,
  sources jsonb NOT NULL DEFAULT '[]'::jsonb
);
CREATE INDEX advice_history_user_idx ON advice_history (user_id, id DESC);
CREATE INDEX advice_history_asked_at_idx ON advice_history (asked_at);
`,
};
