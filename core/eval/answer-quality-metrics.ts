import { sentences } from '../../shared/text/sentences.ts';

/**
 * Pure scoring of one answer against a question's expectations, for the answer-quality eval.
 * Facts are matched on normalised text: lower case, `$` dropped, thousands separators removed
 * ("$2,520" = "2520"), whitespace collapsed ("3.5 %" = "3.5%"), and a number only matches whole
 * ("62" does not match inside "1,620").
 */

/** How the pipeline treated a question. */
export type AnswerOutcome = 'answered' | 'refused' | 'refusal-with-sources';

/** What the eval needs from a response (an AdviceResponse, or a problem turned into one). */
export interface ScoredResponse {
  advice: string;
  sources: ReadonlyArray<{ id: string }>;
}

const NOT_COVERED = /\b(?:does not|doesn't|do not|don't|cannot|can't) (?:cover|answer)\b|\bnot covered\b|\bno sourced answer\b/i;
const CITATION = /\[(\d+)\]/g;

/** Text as facts are matched against it. */
export function normaliseForMatch(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\$/g, '')
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/\s+%/g, '%')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when one of the alternatives occurs in `text` (a number not as part of a longer number). */
export function containsFact(text: string, alternatives: readonly string[]): boolean {
  const haystack = normaliseForMatch(text);
  return alternatives.some((alternative) => {
    const needle = normaliseForMatch(alternative);
    if (needle === '') return false;
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
      const before = haystack.slice(Math.max(0, at - 2), at);
      const after = haystack.slice(at + needle.length, at + needle.length + 2);
      const joinsBefore = /\d/.test(needle[0]!) && /(?:\d|\d[.,])$/.test(before);
      const joinsAfter = /\d$/.test(needle) && /^(?:\d|[.,]\d)/.test(after);
      if (!joinsBefore && !joinsAfter) return true;
    }
    return false;
  });
}

/** The fact groups (lists of alternatives) not found in `text`. */
export function missingFacts(text: string, facts: readonly (readonly string[])[]): string[][] {
  return facts.filter((alternatives) => !containsFact(text, alternatives)).map((alternatives) => [...alternatives]);
}

/** Share of fact groups found in `text` (1 when there are none). */
export function factRecall(text: string, facts: readonly (readonly string[])[]): number {
  if (facts.length === 0) return 1;
  return (facts.length - missingFacts(text, facts).length) / facts.length;
}

/**
 * The answer's first `count` sentences after any fixed heading. A heading is a first paragraph
 * (up to the first blank line) whose first line ends with a colon or is a Markdown heading, as
 * the extractive answer's "Here is what the sources say about your question:" and the profile
 * line under it; it restates nothing the borrower did not say, so it does not count as the lead.
 */
export function leadSentences(text: string, count = 2): string[] {
  let body = text.trim();
  const firstLine = body.split('\n', 1)[0] ?? '';
  const paragraphEnd = body.search(/\n[ \t]*\n/);
  if (paragraphEnd !== -1 && (/:\s*$/.test(firstLine) || /^#{1,6}\s/.test(firstLine))) body = body.slice(paragraphEnd).trim();
  return sentences(body).slice(0, count);
}

/** True when a key fact appears in the first two sentences after the heading. */
export function leadsWithFact(text: string, facts: readonly (readonly string[])[]): boolean {
  const lead = leadSentences(text).join(' ');
  return facts.some((alternatives) => containsFact(lead, alternatives));
}

/** Ids of the sources the answer cites with [n] markers (n is 1-based into `sources`). */
export function citedDocumentIds(response: ScoredResponse): string[] {
  const ids = new Set<string>();
  for (const match of response.advice.matchAll(CITATION)) {
    const source = response.sources[Number(match[1]) - 1];
    if (source) ids.add(source.id);
  }
  return [...ids];
}

/** True when one of `documents` is among the sources the answer cites. */
export function citesExpectedDocument(response: ScoredResponse, documents: readonly string[]): boolean {
  const cited = citedDocumentIds(response);
  return documents.some((id) => cited.includes(id));
}

/**
 * A refusal is the not-covered answer (or the other-language notice, or a problem) with no
 * sources; a not-covered text that still lists sources is counted apart, as neither a refusal
 * nor an answer.
 */
export function classifyOutcome(response: ScoredResponse): AnswerOutcome {
  if (response.sources.length === 0) return 'refused';
  return NOT_COVERED.test(response.advice) ? 'refusal-with-sources' : 'answered';
}

/** True when a notice names the language(s) answered (English), in English or Spanish. */
export function namesAnsweredLanguage(text: string): boolean {
  return /\b(?:english|ingl[eé]s)\b/i.test(text);
}

export interface RefusalScores {
  /** Questions refused that should have been (null when none was refused). */
  precision: number | null;
  /** Questions that should have been refused that were (null when none should have been). */
  recall: number | null;
  /** Share of questions answered when they should be and refused when they should be ("correct both ways"). */
  correct: number | null;
}

/** Refusal precision, recall and accuracy over (expected, outcome) pairs. */
export function refusalScores(rows: ReadonlyArray<{ expected: 'answer' | 'refuse'; outcome: AnswerOutcome }>): RefusalScores {
  const refused = rows.filter((row) => row.outcome === 'refused');
  const shouldRefuse = rows.filter((row) => row.expected === 'refuse');
  const rightlyRefused = refused.filter((row) => row.expected === 'refuse').length;
  const correct = rows.filter((row) => (row.expected === 'refuse' ? row.outcome === 'refused' : row.outcome === 'answered')).length;
  return {
    precision: refused.length === 0 ? null : rightlyRefused / refused.length,
    recall: shouldRefuse.length === 0 ? null : rightlyRefused / shouldRefuse.length,
    correct: rows.length === 0 ? null : correct / rows.length,
  };
}
