import { AppError } from '../../shared/errors/app-error.ts';
import type { KnowledgeDocument } from '../ports/document.ts';
import type { DocumentSource, RejectedRow, SourceSnapshot } from '../ports/document-source.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { contentFingerprint } from './content-fingerprint.ts';
import { KnowledgeDocumentSchema } from './document-schema.ts';

export const UPLOADED_DOCUMENTS_PREFIX = 'documents/uploaded/';

export interface UploadedDocumentStore {
  /** Validates and stores (or replaces) one document; AppError 'validation-failed' with `errors` otherwise. */
  put(input: unknown): Promise<KnowledgeDocument>;
  get(id: string): Promise<KnowledgeDocument | null>;
  /** True when a document was there. */
  delete(id: string): Promise<boolean>;
  /** The uploaded documents as a DocumentSource, to combine with the configured source. */
  source(name?: string): DocumentSource;
}

/**
 * Single documents uploaded by an admin, one JSON object per document under
 * `documents/uploaded/<url-encoded id>.json` in the ObjectStore (local folder or S3), so every
 * worker sees them and a re-sync picks them up.
 */
export function createUploadedDocumentStore(store: ObjectStore, prefix = UPLOADED_DOCUMENTS_PREFIX): UploadedDocumentStore {
  const keyOf = (id: string) => `${prefix}${encodeURIComponent(id)}.json`;
  const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));
  return {
    async put(input) {
      const parsed = KnowledgeDocumentSchema.safeParse(input);
      if (!parsed.success) {
        throw new AppError('validation-failed', {
          detail: 'invalid document',
          extensions: { errors: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
        });
      }
      await store.put(keyOf(parsed.data.id), new TextEncoder().encode(JSON.stringify(parsed.data)), { contentType: 'application/json' });
      return parsed.data;
    },
    async get(id) {
      const bytes = await store.get(keyOf(id));
      return bytes === null ? null : KnowledgeDocumentSchema.parse(decode(bytes));
    },
    async delete(id) {
      const existed = await store.exists(keyOf(id));
      if (existed) await store.delete(keyOf(id));
      return existed;
    },
    source(name = 'uploaded-documents') {
      return {
        async read(): Promise<SourceSnapshot> {
          const keys = await store.list(prefix);
          const documents: KnowledgeDocument[] = [];
          const rejected: RejectedRow[] = [];
          const parts: Array<string | Uint8Array> = [];
          for (const [index, key] of keys.entries()) {
            const bytes = await store.get(key);
            if (bytes === null) continue; // deleted while listing
            parts.push(key, bytes);
            let parsed;
            try {
              parsed = KnowledgeDocumentSchema.safeParse(decode(bytes));
            } catch {
              rejected.push({ row: index + 1, reason: `${key}: not valid JSON` });
              continue;
            }
            if (parsed.success) documents.push(parsed.data);
            else rejected.push({ row: index + 1, reason: `${key}: ${parsed.error.issues[0]?.message ?? 'invalid document'}` });
          }
          return { name, snapshot: contentFingerprint('uploaded', ...parts), documents, rejected };
        },
      };
    },
  };
}
