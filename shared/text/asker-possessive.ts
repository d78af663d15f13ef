/**
 * `text` (lower case) with the asker's possessive said one way: "their", "your", "his", "one's" → "my".
 * A borrower asks about "my credit", a question rewritten around a third person about "their credit"
 * (core/bias/neutralize-question.ts turns "her credit" into "their credit"), a question copied from a
 * form about "your credit"; the phrase tables (lending-vocabulary.ts, everyday-synonyms.ts) read
 * them alike, so "pull their credit" is the hard inquiry "pull my credit" is.
 */
export function withAskerPossessive(text: string): string {
  return text.replace(/\b(?:their|your|his|one['’]s)\b/gu, 'my');
}
