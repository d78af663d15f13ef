import { z } from '@hono/zod-openapi';

/** The largest value of a PostgreSQL `bigint` (identity columns the row cursors point into). */
export const BIGINT_MAX = 9223372036854775807n;

/**
 * A page cursor that is a row id of a `bigint` identity column (`nextCursor` of the previous page):
 * 1–19 digits and at most {@link BIGINT_MAX}, so a larger value is a 400 problem, never a database
 * error turned into a 500.
 */
export const RowCursorSchema = z
  .string()
  .regex(/^\d{1,19}$/, 'nextCursor of the previous page')
  .refine((value) => !/^\d+$/.test(value) || BigInt(value) <= BIGINT_MAX, { message: `nextCursor of the previous page (at most ${BIGINT_MAX})` })
  .openapi({ type: 'string', pattern: '^\\d{1,19}$', maxLength: 19, description: `nextCursor of the previous page: a row id, at most ${BIGINT_MAX}.`, example: '42' });
