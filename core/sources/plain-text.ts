/** Elements whose content is code or hidden, not prose: dropped with their content. */
const HIDDEN_BLOCKS = /<(script|style|iframe|object|embed|noscript|template|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?(?:\]\]>|$)/g;
// A tag name must follow "<" directly, as in HTML, so "DTI < 43%" and "rate<apr" stay.
const TAGS = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/gi;

/**
 * Turns text that may hold HTML into plain text: comments, script/style/iframe/… blocks with their
 * content, and every tag are removed (repeatedly, so `<scr<script>ipt>` does not reassemble),
 * runs of spaces collapse, line breaks stay. Entities are left as they are: decoding `&lt;`
 * would make markup. What is left is text a client must still render as text, never as HTML.
 */
export function toPlainText(text: string): string {
  let out = text;
  for (let pass = 0; pass < 5; pass++) {
    const next = out.replace(HIDDEN_BLOCKS, ' ').replace(COMMENTS, ' ').replace(TAGS, ' ');
    if (next === out) break;
    out = next;
  }
  return out.replace(/[ \t]{2,}/g, ' ').replace(/ *\n */g, '\n').trim();
}
