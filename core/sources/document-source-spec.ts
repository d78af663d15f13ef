import { z } from 'zod';
import { AppError } from '../../shared/errors/app-error.ts';
import { ColumnMappingSchema } from './column-mapping.ts';

/**
 * Where documents come from, as config or an admin request gives it:
 * `{ kind, path }` for a local file (jsonl, csv, parquet) or table folder (delta), or
 * `{ kind, key }` for an object key (a file) or key prefix (a delta table) in the configured
 * object store. `columns` maps table columns to document fields (default id, title, text).
 */
export const DocumentSourceSpecSchema = z
  .object({
    kind: z.enum(['jsonl', 'csv', 'parquet', 'delta']),
    path: z.string().min(1).optional(),
    key: z
      .string()
      .min(1)
      .regex(/^[^/\\]/, 'key is relative to the bucket')
      .optional(),
    /** Name recorded in index manifests; default the file's or table's location. */
    name: z.string().min(1).max(300).optional(),
    columns: ColumnMappingSchema.partial().optional(),
    /** CSV field delimiter (default ','). */
    delimiter: z.string().length(1).optional(),
  })
  .strict()
  .refine((spec) => (spec.path === undefined) !== (spec.key === undefined), { message: 'give exactly one of path (local) or key (object storage)', path: ['path'] })
  .refine((spec) => spec.delimiter === undefined || spec.kind === 'csv', { message: 'delimiter applies to csv only', path: ['delimiter'] });

export type DocumentSourceSpec = z.input<typeof DocumentSourceSpecSchema>;

/** Parses a spec object, or its JSON text (e.g. from an env variable); AppError 'validation-failed' with the issues otherwise. */
export function parseDocumentSourceSpec(input: unknown): z.output<typeof DocumentSourceSpecSchema> {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new AppError('validation-failed', { detail: 'document source spec is not valid JSON' });
    }
  }
  const parsed = DocumentSourceSpecSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('validation-failed', {
      detail: 'invalid document source spec',
      extensions: { errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  return parsed.data;
}
