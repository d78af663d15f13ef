import { boundedMemo } from '../../shared/memo/bounded-memo.ts';
import { sentences } from '../../shared/text/sentences.ts';
import { tokenize } from '../../shared/text/tokenize.ts';
import { findLendingEntities, type LendingEntities } from './lending-entities.ts';

/** What extractive scoring needs of one sentence of a passage, independent of the question. */
export interface SentenceAnalysis {
  /** The sentence, verbatim. */
  text: string;
  terms: ReadonlySet<string>;
  /** Adjacent term pairs ("down payment"). */
  pairs: ReadonlySet<string>;
  /** The programs and concepts the sentence itself names. */
  entities: LendingEntities;
}

/** A passage text split into analysed sentences. */
export interface TextAnalysis {
  sentences: readonly SentenceAnalysis[];
  /** The terms of the passage's title and this text together, as `tokenize(\`${title} ${text}\`)` gives them (memoised per title). */
  termsWithTitle(title: string): ReadonlySet<string>;
}

/** A passage title's terms and the programs and concepts it names. */
export interface TitleAnalysis {
  terms: ReadonlySet<string>;
  entities: LendingEntities;
}

/**
 * How many passage texts and titles keep their analysis: a few hundred answers' worth of distinct
 * passages (8 to 12 each). Keyed by the text itself, so a document whose text changes in a new
 * index version is analysed afresh and nothing can go stale.
 */
const MAX_PASSAGES = 4096;

/**
 * The passage texts kept, in characters: an analysis takes 13–21 bytes of heap per character of its
 * text (measured on a serving instance: 8.65 KB for a 660-character synthetic passage, about 36 KB
 * for one of the guide's ~1,700-character documents), so 4,096 of the guide's documents would hold
 * about 150 MB of heap — and a larger heap makes every garbage-collection mark, a version swap's
 * included, slower. A million characters (about 600 such documents, 70 answers' worth) bound it at
 * 13–21 MB.
 */
const MAX_PASSAGE_CHARACTERS = 1_000_000;

const analyzeText = boundedMemo((text: string): TextAnalysis => {
  const withTitle = new Map<string, ReadonlySet<string>>();
  return {
    termsWithTitle: (title) => {
      let terms = withTitle.get(title);
      if (terms === undefined) withTitle.set(title, (terms = new Set(tokenize(`${title} ${text}`))));
      return terms;
    },
    sentences: sentences(text).map((sentence) => {
      const tokens = tokenize(sentence);
      return { text: sentence, terms: new Set(tokens), pairs: new Set(adjacent(tokens)), entities: findLendingEntities(sentence) };
    }),
  };
}, MAX_PASSAGES, { maxTotalKeyLength: MAX_PASSAGE_CHARACTERS });

const analyzeTitle = boundedMemo((title: string): TitleAnalysis => ({ terms: new Set(tokenize(title)), entities: findLendingEntities(title) }), MAX_PASSAGES);

/**
 * The sentences of a passage text with their terms, term pairs and named entities: the part of
 * sentence scoring that depends only on the retrieved text, computed once per distinct text and
 * shared by every request that retrieves it. The results are read-only.
 */
export function analyzePassageText(text: string): TextAnalysis {
  return analyzeText(text);
}

/** A passage title's terms and entities (memoised like {@link analyzePassageText}). */
export function analyzePassageTitle(title: string): TitleAnalysis {
  return analyzeTitle(title);
}

function adjacent(tokens: readonly string[]): string[] {
  return tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`);
}
