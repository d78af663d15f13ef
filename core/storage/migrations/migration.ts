/** One schema change: applied once, in version order, inside its own transaction. */
export interface Migration {
  /** Positive integer; strictly increasing through the list. */
  version: number;
  /** Short kebab-case description, recorded in schema_migrations. */
  name: string;
  /** SQL text; may hold several statements. */
  up: string;
}
