/** Why a text was refused as unsafe, or null when it is fine. */
export type UnsafeTextReason = 'control-character' | 'invisible-character' | 'markup';

// C0 controls except tab and newlines, DEL and C1 controls.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
// Zero-width, bidi embeddings/overrides/isolates, word joiners, BOM, soft hyphen, tag characters.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/u;
// Tags (<b>, </div>, <img src=...>, <!--), script URLs, inline handlers, entity-encoded tags. A tag
// name must follow "<" directly, as in HTML, so math such as "DTI < 43%" or "rate < apr" passes.
const MARKUP: readonly RegExp[] = [
  /<\/?[a-z][a-z0-9-]*(\s[^<>]*)?\/?>/i,
  /<!--|<!\[CDATA\[/i,
  /<\/?(script|iframe|img|svg|style|object|embed|link|meta|form|input|body|html)\b/i,
  /\b(javascript|vbscript)\s*:/i,
  /\bdata\s*:\s*[a-z]+\/[a-z0-9.+-]+\s*[;,]/i,
  /\bon[a-z]{3,}\s*=\s*["'`a-z(]/i,
  /&(lt|#0*60|#x0*3c);?\/?[a-z!]/i,
];

/** Finds control characters, invisible formatting characters and HTML/script markup. */
export function findUnsafeText(text: string): UnsafeTextReason | null {
  if (CONTROL.test(text)) return 'control-character';
  if (INVISIBLE.test(text)) return 'invisible-character';
  if (MARKUP.some((pattern) => pattern.test(text))) return 'markup';
  return null;
}
