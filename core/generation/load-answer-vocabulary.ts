import { readFileSync } from 'node:fs';
import { parseAnswerVocabulary, type AnswerVocabulary } from './answer-vocabulary.ts';

/**
 * Reads the answer vocabulary the extractive generator scores with (ANSWER_VOCABULARY): a file
 * written by `npm run eval -- vocabulary`, or `off` for none. Read once at start; a missing or
 * malformed file stops the start with the path and the problem rather than answering without it.
 */
export function loadAnswerVocabulary(setting: string): AnswerVocabulary | undefined {
  if (setting === 'off') return undefined;
  let text: string;
  try {
    text = readFileSync(setting, 'utf8');
  } catch (error) {
    throw new Error(`ANSWER_VOCABULARY: cannot read ${setting} (${error instanceof Error ? error.message : String(error)}); run npm run eval -- vocabulary, or set ANSWER_VOCABULARY=off`);
  }
  try {
    return parseAnswerVocabulary(text);
  } catch (error) {
    throw new Error(`ANSWER_VOCABULARY: ${setting}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
