import { z } from 'zod';
import { findUnsafeText } from '../../shared/policy/unsafe-text.ts';
import { toPlainText } from './plain-text.ts';

export const MAX_DOCUMENT_TEXT_CHARS = 20_000;
/** Largest single source file (CSV, Parquet, one Delta data or log file) read into memory. */
export const MAX_SOURCE_FILE_BYTES = 512 * 1024 * 1024;
/**
 * Largest JSON Lines file: read into memory too, but decoded a line at a time (jsonl-rows.ts), so
 * it is not bound by V8's longest string; a million ~70-word documents take ~720 MB.
 */
export const MAX_JSONL_FILE_BYTES = 2 * 1024 * 1024 * 1024;
/** Most rows one source may hold; past it the read is refused, not truncated. */
export const MAX_SOURCE_ROWS = 2_000_000;

/** The characters a document id may hold. */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9._:/-]{1,200}$/;

/** A document id: what the index, citations and `DELETE /admin/documents/{id}` use. */
export const DocumentIdSchema = z.string().trim().min(1).max(200).regex(DOCUMENT_ID_PATTERN, 'id may contain letters, digits and . _ : / - only');

/**
 * Title and text are stored and indexed as plain text: markup is stripped at ingestion
 * (plain-text.ts), and what still looks like markup, script URLs, inline handlers, control or
 * invisible characters (the borrower text policy's check) refuses the document.
 */
const plainText = (min: number, max: number) =>
  z
    .string()
    .max(max * 4)
    .transform(toPlainText)
    .pipe(z.string().min(min).max(max))
    .refine((value) => findUnsafeText(value) === null, 'must be plain text: no markup, script URLs, event handlers, control or invisible characters');

/** What a knowledge-base document must look like to be indexed. */
export const KnowledgeDocumentSchema = z
  .object({
    id: DocumentIdSchema,
    title: plainText(1, 300),
    text: plainText(20, MAX_DOCUMENT_TEXT_CHARS),
    url: z.url({ protocol: /^https?$/ }).optional(),
    tags: z.array(z.string().max(50)).max(20).optional(),
  })
  .strip();
