import type { ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import type { ProtectedTermSpan } from './find-protected-terms.ts';
import { RIGHTS_STATEMENT } from './rights-statement.ts';

/**
 * - `causal`: the basis is given as the reason or condition for an outcome ("Because you are
 *   married, you qualify", "As a woman, you will pay a higher rate", "If you are Muslim, you cannot…").
 * - `group-denial`: a group named by the basis is said not to get credit ("Immigrants cannot qualify",
 *   "Applicants of Korean origin are not eligible").
 * - `group-effect`: a group named by the basis gets different terms ("Married couples get lower rates").
 * - `exclusive`: a product is reserved for, or closed to, a group ("only available to married couples").
 */
export type ConditioningRule = 'causal' | 'group-denial' | 'group-effect' | 'exclusive';

export interface ConditioningPhrase {
  rule: ConditioningRule;
  characteristic: ProtectedCharacteristic;
  term: string;
}

/** Outcome words after a causal clause: eligibility, approval, price or terms. */
const OUTCOME =
  /\b(?:qualif\w*|(?:in)?eligib\w*|approv\w*|den(?:y|ies|ied|ial)|reject\w*|declin\w*|cannot|can[’']t|won[’']t|will not|(?:are|is|am|aren[’']t|isn[’']t) not|must|ha(?:ve|s) to|need(?:s)? (?:a|an|to|more|extra|larger|bigger|higher)|pay(?:s)? (?:more|less|a higher|a lower|extra|higher|lower)|(?:higher|lower|better|worse|special|reduced|increased) (?:rates?|terms|pricing|apr|down payments?|fees?|interest)|(?:your|the|their) (?:rate|apr|pricing|terms|down payment) (?:is|will be|would be|goes up|goes down)|get(?:s)? (?:a |the )?(?:loan|mortgage|approved|credit|(?:higher|lower|better|worse))|not (?:allowed|permitted|available))\b/iu;

/** A comparative or negative effect for a group ("get lower rates", "pay more", "are denied"). */
const GROUP_EFFECT =
  /^(?:\s+\p{L}+){0,2}?\s+(?:get|gets|pay|pays|receive|receives|are (?:charged|offered|given|quoted|approved|denied|declined|rejected|turned down)|is (?:charged|offered|given|quoted|approved|denied|declined|rejected|turned down)|qualify for|qualifies for|must (?:pay|put|have|provide)|need|needs|have to|has to)\b[^,;:.]{0,40}?\b(?:higher|lower|better|worse|more|less|extra|larger|bigger|smaller|additional|denied|declined|rejected|a co-?signer|only)\b/iu;

/** A group said not to get credit: "… cannot qualify", "… are not eligible", "… won't be approved". */
const GROUP_DENIAL =
  /^(?:\s+\p{L}+){0,2}?\s+(?:cannot|can[’']t|can not|do not|don[’']t|does not|doesn[’']t|will not|won[’']t|are not|aren[’']t|is not|isn[’']t|may not|are never|is never|never)\s+(?:\p{L}+\s+)?(?:qualify|be approved|get approved|be eligible|eligible|get (?:a|an|the)? ?(?:loan|mortgage|credit|approved)|obtain|borrow|apply)\b/iu;

/** Text right before the term that makes it a reason or condition. */
const CAUSAL_BEFORE =
  /(?:\b(?:because|since|given that|due to|owing to|on account of|if|when|unless)\s+(?:of\s+)?(?:(?:you|they|he|she|i|we)\s+(?:are|is|am|were|was|receive|receives|get|gets|collect|collects|rely on|relies on|live on|lives on|are on|is on)\s+|(?:you|they|we)[’']re\s+|i[’']m\s+|(?:your|their|his|her|my)\s+(?:being\s+)?|the (?:applicant|borrower)(?:[’']s)?\s+(?:is\s+|being\s+)?|being\s+)?(?:an?\s+|the\s+)?(?:\p{L}+\s+)?|(?<!such\s)\bas\s+an?\s+(?:\p{L}+\s+)?)$/iu;

/** Text right before the term that reserves or closes a product to a group. */
const EXCLUSIVE_BEFORE =
  /\b(?:only(?:\s+(?:available|open|offered|for|to))*|exclusively(?:\s+for)?|reserved for|(?<!not\s)(?:restricted|limited) to|not (?:available|open|offered) to|unavailable to|closed to)\s+(?:(?:for|to)\s+)?(?:\p{L}+\s+){0,2}$/iu;

/**
 * Phrases that condition eligibility or terms on a protected basis, found by the shape of the
 * text around each protected-term span of `sentence` (spans are offsets into `sentence`).
 * Unlike the lexicon's sentence-level test, these are not excused by a rights statement
 * elsewhere in the sentence ("Because you are married you qualify, regardless of income"); only
 * a rights statement in the outcome clause itself ("…, lenders cannot treat you differently")
 * clears a causal match. Legitimate contexts (HECM age limits, joint applications) are the
 * caller's to apply.
 */
export function findConditioningPhrases(sentence: string, spans: readonly ProtectedTermSpan[]): ConditioningPhrase[] {
  const found: ConditioningPhrase[] = [];
  for (const span of spans) {
    const before = sentence.slice(Math.max(0, span.start - 80), span.start);
    const after = sentence.slice(span.end);
    const rule = matchRule(before, after);
    if (rule) found.push({ rule, characteristic: span.characteristic, term: span.term });
  }
  return found;
}

function matchRule(before: string, after: string): ConditioningRule | undefined {
  if (CAUSAL_BEFORE.test(before)) {
    const outcome = OUTCOME.exec(after);
    if (outcome && !RIGHTS_STATEMENT.test(clauseAround(after, outcome.index))) return 'causal';
  }
  if (GROUP_DENIAL.test(after)) return 'group-denial';
  const effect = GROUP_EFFECT.exec(after);
  if (effect && !RIGHTS_STATEMENT.test(effect[0])) return 'group-effect';
  if (EXCLUSIVE_BEFORE.test(before) && !/\bnot\s+only\b/iu.test(before)) return 'exclusive';
  return undefined;
}

/** The clause of `text` (between , ; : or sentence ends) that contains `index`. */
function clauseAround(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf(',', index), text.lastIndexOf(';', index), text.lastIndexOf(':', index)) + 1;
  const rest = text.slice(index);
  const endOffset = rest.search(/[,;:.!?]/u);
  return text.slice(start, endOffset === -1 ? text.length : index + endOffset);
}
