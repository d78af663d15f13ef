import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KnowledgeDocument } from '../ports/document.ts';
import type { RejectedRow } from '../ports/document-source.ts';
import { KnowledgeDocumentSchema } from './document-schema.ts';
import type { SourceRow } from './source-rows.ts';

/**
 * Which columns of a table hold a document's fields. Defaults fit a table with columns
 * id, title, text (url and tags are read when present). `title: null` derives the title from the
 * text; `idFrom: 'content-hash'` derives the id from title and text, for tables without an id column.
 */
export const ColumnMappingSchema = z
  .object({
    id: z.string().min(1).default('id'),
    title: z.string().min(1).nullable().default('title'),
    text: z.string().min(1).default('text'),
    url: z.string().min(1).nullable().default('url'),
    tags: z.string().min(1).nullable().default('tags'),
    idFrom: z.enum(['column', 'content-hash']).default('column'),
  })
  .strict();

export type ColumnMapping = z.input<typeof ColumnMappingSchema>;
export type ResolvedColumnMapping = z.output<typeof ColumnMappingSchema>;

const TITLE_FROM_TEXT_CHARS = 80;

/** Maps rows to validated documents; invalid and duplicate rows are rejected with their row number. */
export function mapRowsToDocuments(rows: SourceRow[], mapping: ResolvedColumnMapping): { documents: KnowledgeDocument[]; rejected: RejectedRow[] } {
  const documents: KnowledgeDocument[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Set<string>();
  for (const { row, values, origin } of rows) {
    const reject = (reason: string) => rejected.push({ row, reason: origin ? `${origin}: ${reason}` : reason });
    const parsed = KnowledgeDocumentSchema.safeParse(documentInput(values, mapping));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      reject(issue ? `${columnOf(String(issue.path[0] ?? ''), mapping)}: ${issue.message}` : 'invalid document');
      continue;
    }
    if (seen.has(parsed.data.id)) {
      reject(`duplicate id ${parsed.data.id}`);
      continue;
    }
    seen.add(parsed.data.id);
    documents.push(parsed.data);
  }
  return { documents, rejected };
}

/** A row's document fields as the mapping picks them (not yet validated: KnowledgeDocumentSchema does that). */
export function documentInput(values: Record<string, unknown>, mapping: ResolvedColumnMapping): Record<string, unknown> {
  const text = scalarText(values[mapping.text]);
  const title = mapping.title === null ? titleFromText(text) : scalarText(values[mapping.title]);
  const id = mapping.idFrom === 'content-hash' ? contentId(title, text) : scalarText(values[mapping.id]);
  const url = mapping.url === null ? undefined : emptyToUndefined(scalarText(values[mapping.url]));
  const tags = mapping.tags === null ? undefined : tagList(values[mapping.tags]);
  return { id, title, text, url, tags };
}

/** Names the source column behind a document field, so a reject says which column to fix. */
function columnOf(field: string, mapping: ResolvedColumnMapping): string {
  if (field === 'id') return mapping.idFrom === 'content-hash' ? 'id (from content)' : `id (column ${mapping.id})`;
  if (field === 'title') return mapping.title === null ? 'title (from text)' : `title (column ${mapping.title})`;
  if (field === 'text') return `text (column ${mapping.text})`;
  if (field === 'url' && mapping.url !== null) return `url (column ${mapping.url})`;
  if (field === 'tags' && mapping.tags !== null) return `tags (column ${mapping.tags})`;
  return field || 'row';
}

/** Strings as they are; numbers, bigints and booleans as text; dates as ISO; anything else is missing. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return undefined;
}

const emptyToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

/** A list column, or a comma-separated string. */
function tagList(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value.map(scalarText) : scalarText(value)?.split(',');
  const tags = items?.map((tag) => tag?.trim() ?? '').filter((tag) => tag !== '');
  return tags && tags.length > 0 ? tags : undefined;
}

function titleFromText(text: string | undefined): string | undefined {
  const firstLine = text?.trim().split('\n')[0]?.trim();
  if (!firstLine) return undefined;
  if (firstLine.length <= TITLE_FROM_TEXT_CHARS) return firstLine;
  const cut = firstLine.slice(0, TITLE_FROM_TEXT_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_FROM_TEXT_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function contentId(title: string | undefined, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return `doc-${createHash('sha256').update(`${title ?? ''}\n${text}`).digest('hex').slice(0, 16)}`;
}
