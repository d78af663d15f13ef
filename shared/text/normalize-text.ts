/** NFKC, every run of whitespace (newlines and tabs included) collapsed to one space, trimmed. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}
