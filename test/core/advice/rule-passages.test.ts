import { describe, expect, it } from 'vitest';
import { addRulePassages } from '../../../core/advice/rule-passages.ts';
import type { KnowledgeDocument } from '../../../core/ports/document.ts';
import type { Passage, WorkedFigure } from '../../../core/ports/generator.ts';

/** Documents whose `id` reads are counted, as a loaded version's table decodes each id it is asked for. */
function countingDocuments(ids: readonly string[]) {
  const reads = { count: 0 };
  const documents: KnowledgeDocument[] = ids.map((id) => ({
    get id() {
      reads.count++;
      return id;
    },
    title: `Title of ${id}`,
    text: `Rule text of ${id}.`,
  }));
  return { documents, reads };
}

const figure = (sourceDocumentId: string): WorkedFigure => ({ id: 'f', label: 'f', text: 'A figure.', inputs: {}, result: {}, sourceDocumentId });
const retrieved = (): Passage[] => [{ citation: 1, id: 'dti', title: 'DTI', text: 'DTI text.', score: 3 }];

describe('addRulePassages', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `doc-${i}`).concat(['fha-rules', 'pmi-rules']);

  it('cites each figure’s rule document once, after the retrieved passages, and never one already retrieved', () => {
    const { documents } = countingDocuments(ids);
    const passages = retrieved();
    addRulePassages(passages, documents, [figure('fha-rules'), figure('dti'), figure('fha-rules'), figure('pmi-rules')]);
    expect(passages.map((passage) => [passage.citation, passage.id, passage.score])).toEqual([
      [1, 'dti', 3],
      [2, 'fha-rules', 0],
      [3, 'pmi-rules', 0],
    ]);
    expect(passages[1]!.text).toBe('Rule text of fha-rules.');
  });

  it('scans a version’s documents once per rule document, not once per request, and cites nothing for a missing one', () => {
    const { documents, reads } = countingDocuments(ids);
    addRulePassages(retrieved(), documents, [figure('fha-rules'), figure('gone')]);
    const afterFirst = reads.count;
    expect(afterFirst).toBeLessThanOrEqual(ids.length + 2);
    for (let i = 0; i < 5; i++) {
      const passages = retrieved();
      addRulePassages(passages, documents, [figure('fha-rules'), figure('gone')]);
      expect(passages.map((passage) => passage.id)).toEqual(['dti', 'fha-rules']);
    }
    // Only the cited passage's own id is read again; the table is not scanned again.
    expect(reads.count - afterFirst).toBeLessThanOrEqual(5);
    // A new version (another documents array) is looked up afresh.
    const next = countingDocuments(['fha-rules']);
    const passages = retrieved();
    addRulePassages(passages, next.documents, [figure('fha-rules')]);
    expect(passages.map((passage) => passage.id)).toEqual(['dti', 'fha-rules']);
  });
});
