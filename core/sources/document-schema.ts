import { z } from 'zod';

export const MAX_DOCUMENT_TEXT_CHARS = 20_000;
/** Largest single source file (CSV, JSONL, Parquet, one Delta data or log file) read into memory. */
export const MAX_SOURCE_FILE_BYTES = 512 * 1024 * 1024;
/** Most rows one source may hold; past it the read is refused, not truncated. */
export const MAX_SOURCE_ROWS = 2_000_000;

/** What a knowledge-base document must look like to be indexed. */
export const KnowledgeDocumentSchema = z
  .object({
    id: z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9._:/-]+$/, 'id may contain letters, digits and . _ : / - only'),
    title: z.string().trim().min(1).max(300),
    text: z.string().trim().min(20).max(MAX_DOCUMENT_TEXT_CHARS),
    url: z.string().url().optional(),
    tags: z.array(z.string().max(50)).max(20).optional(),
  })
  .strip();
