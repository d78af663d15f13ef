import type { KnowledgeDocument } from '../ports/document.ts';

/** The text embedded for a document: its title, then its body. IDF fitting must use the same text. */
export function documentEmbeddingText(document: KnowledgeDocument): string {
  return `${document.title}\n\n${document.text}`;
}
