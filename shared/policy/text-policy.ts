import { AppError } from '../errors/app-error.ts';
import { normalizeText } from '../text/normalize-text.ts';
import { containsProfanity } from './profanity.ts';
import { classifyRelevance } from './relevance.ts';
import { findUnsafeText } from './unsafe-text.ts';

/** The policy's answer: the normalised text, or the problem code and a detail to show the borrower. */
export type QueryVerdict =
  | { ok: true; text: string }
  | { ok: false; code: 'unsafe-text' | 'profanity' | 'off-topic'; detail: string };

const UNSAFE_DETAIL = {
  'control-character': 'The question contains control characters. Send plain text.',
  'invisible-character': 'The question contains invisible or direction-changing Unicode characters. Send plain text.',
  markup: 'The question contains HTML or script markup. Send plain text.',
} as const;

const OFF_TOPIC_DETAIL =
  "APFA answers questions about loans, mortgages, credit and borrowing. Try asking, for example, 'What credit score do I need for an FHA loan?' or 'How do I calculate my debt-to-income ratio?'";

/**
 * The text policy both tiers apply to a borrower's question: unsafe characters and markup,
 * at least one word (two letters in a row, any script), profanity, then relevance. Returns the normalised text or the reason for refusing.
 */
export function evaluateQuery(text: string): QueryVerdict {
  const unsafe = findUnsafeText(text);
  if (unsafe) return { ok: false, code: 'unsafe-text', detail: UNSAFE_DETAIL[unsafe] };
  const normalized = normalizeText(text);
  const unsafeAfterNormalizing = findUnsafeText(normalized);
  if (unsafeAfterNormalizing) return { ok: false, code: 'unsafe-text', detail: UNSAFE_DETAIL[unsafeAfterNormalizing] };
  // Relevance scores a text without words near zero, which passes; a question needs at least one word.
  if (!/\p{L}{2,}/u.test(normalized)) return { ok: false, code: 'off-topic', detail: `The question has no words. ${OFF_TOPIC_DETAIL}` };
  if (containsProfanity(normalized)) return { ok: false, code: 'profanity', detail: 'Please rephrase the question without profanity.' };
  if (!classifyRelevance(normalized).relevant) return { ok: false, code: 'off-topic', detail: OFF_TOPIC_DETAIL };
  return { ok: true, text: normalized };
}

/** Applies the policy; throws AppError (422) with a helpful detail, else returns the normalised text. */
export function assertQueryAllowed(text: string): string {
  const verdict = evaluateQuery(text);
  if (!verdict.ok) throw new AppError(verdict.code, { detail: verdict.detail });
  return verdict.text;
}
