import type { KnowledgeDocument } from '../ports/document.ts';
import type { Passage, WorkedFigure } from '../ports/generator.ts';
import { findDocumentsById } from '../indexing/document-table-bytes.ts';

/** Per loaded version's documents table: the rule documents looked up so far (undefined: not in the index). */
const ruleDocumentCache = new WeakMap<readonly KnowledgeDocument[], Map<string, KnowledgeDocument | undefined>>();

/**
 * Adds, as cited passages, the documents that state the rules of worked figures when retrieval
 * did not bring them (score 0, numbered after the retrieved ones), so every figure's rule is
 * cited. A rule document is found by one scan of the loaded version's documents table the first
 * time a figure names it (comparing id bytes, decoding none), and remembered for that version: a handful of rule documents, not an
 * id map of the whole corpus (6.8 MB and 100,000 decoded ids at 100k documents, rebuilt on the
 * first request with a figure after every swap). A rule document missing from the index is
 * simply not cited.
 */
export function addRulePassages(passages: Passage[], documents: readonly KnowledgeDocument[], figures: readonly WorkedFigure[]): void {
  const wanted = figures.map((figure) => figure.sourceDocumentId).filter((id) => !passages.some((passage) => passage.id === id));
  if (wanted.length === 0) return;
  let found = ruleDocumentCache.get(documents);
  if (!found) {
    found = new Map();
    ruleDocumentCache.set(documents, found);
  }
  lookUp(documents, wanted, found);
  for (const id of new Set(wanted)) {
    const document = found.get(id);
    if (document) passages.push({ citation: passages.length + 1, id: document.id, title: document.title, text: document.text, score: 0 });
  }
}

/** Records every id of `ids` not yet looked up, with its document or undefined, in one scan ({@link findDocumentsById}: id bytes compared, none decoded). */
function lookUp(documents: readonly KnowledgeDocument[], ids: readonly string[], found: Map<string, KnowledgeDocument | undefined>): void {
  const missing = new Set(ids.filter((id) => !found.has(id)));
  if (missing.size === 0) return;
  const located = findDocumentsById(documents, missing);
  for (const id of missing) found.set(id, located.get(id));
}
