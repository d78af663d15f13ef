import type { KnowledgeDocument } from '../ports/document.ts';
import type { Passage, WorkedFigure } from '../ports/generator.ts';

const byIdCache = new WeakMap<readonly KnowledgeDocument[], Map<string, KnowledgeDocument>>();

/**
 * Adds, as cited passages, the documents that state the rules of worked figures when retrieval
 * did not bring them (score 0, numbered after the retrieved ones), so every figure's rule is
 * cited. Documents are looked up by id in the loaded version's documents table (an id map built
 * once per loaded version); a rule document missing from the index is simply not cited.
 */
export function addRulePassages(passages: Passage[], documents: readonly KnowledgeDocument[], figures: readonly WorkedFigure[]): void {
  let byId = byIdCache.get(documents);
  if (!byId) {
    byId = new Map(documents.map((document) => [document.id, document]));
    byIdCache.set(documents, byId);
  }
  for (const figure of figures) {
    if (passages.some((passage) => passage.id === figure.sourceDocumentId)) continue;
    const document = byId.get(figure.sourceDocumentId);
    if (document) passages.push({ citation: passages.length + 1, id: document.id, title: document.title, text: document.text, score: 0 });
  }
}
