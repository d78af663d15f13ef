import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KnowledgeDocument } from '../ports/document.ts';
import type { DocumentSource, RejectedRow, SourceSnapshot } from '../ports/document-source.ts';
import { KnowledgeDocumentSchema } from './document-schema.ts';

/** Reads a JSONL file of `{ id, title, text, url?, tags? }`; bad or duplicate rows are rejected with reasons. */
export function createJsonlDocumentSource(path: string, name = path): DocumentSource {
  return {
    async read(): Promise<SourceSnapshot> {
      const bytes = await readFile(path);
      const documents: KnowledgeDocument[] = [];
      const rejected: RejectedRow[] = [];
      const seen = new Set<string>();
      const lines = bytes.toString('utf8').split('\n');
      lines.forEach((line, index) => {
        const row = index + 1;
        if (line.trim() === '') return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          rejected.push({ row, reason: 'not valid JSON' });
          return;
        }
        const parsed = KnowledgeDocumentSchema.safeParse(value);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          rejected.push({ row, reason: issue ? `${issue.path.join('.') || 'row'}: ${issue.message}` : 'invalid document' });
          return;
        }
        if (seen.has(parsed.data.id)) {
          rejected.push({ row, reason: `duplicate id ${parsed.data.id}` });
          return;
        }
        seen.add(parsed.data.id);
        documents.push(parsed.data);
      });
      return { name, snapshot: createHash('sha256').update(bytes).digest('hex').slice(0, 16), documents, rejected };
    },
  };
}
