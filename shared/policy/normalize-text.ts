/** NFKC, runs of spaces/tabs collapsed, trimmed. Newlines are kept as single spaces. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}
