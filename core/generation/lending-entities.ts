import { findLendingTerms, type LendingConcept, type LendingProgram } from '../../shared/text/lending-vocabulary.ts';

export type { LendingConcept, LendingProgram } from '../../shared/text/lending-vocabulary.ts';

/**
 * The lending subjects a question or a sentence can be about, found by their names and common
 * abbreviations ("DTI" and "debt-to-income" are one subject) from the one lending vocabulary
 * (shared/text/lending-vocabulary.ts), which retrieval's query expansion reads too. Programs are
 * the loan products a borrower chooses between: a sentence about one program is a tangent in an
 * answer about another.
 */
export interface LendingEntities {
  programs: ReadonlySet<LendingProgram>;
  concepts: ReadonlySet<LendingConcept>;
  /** The words naming each one, as written ("private mortgage insurance", "PMI"). */
  mentions: ReadonlyMap<LendingProgram | LendingConcept, string>;
}

/** Finds the programs and concepts named in `text` (case-insensitive; abbreviations and full names alike). */
export function findLendingEntities(text: string): LendingEntities {
  const programs = new Set<LendingProgram>();
  const concepts = new Set<LendingConcept>();
  const mentions = new Map<LendingProgram | LendingConcept, string>();
  for (const { entry, mention } of findLendingTerms(text)) {
    if (entry.kind === 'program') programs.add(entry.id);
    else concepts.add(entry.id);
    mentions.set(entry.id, mention);
  }
  return { programs, concepts, mentions };
}
