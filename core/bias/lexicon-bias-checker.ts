import type { BiasFlag, BiasReason, BiasReport, BorrowerProfile, ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import type { BiasCheckInput, BiasChecker } from '../ports/bias-checker.ts';
import { sentences } from '../../shared/text/sentences.ts';
import { findConditioningPhrases } from './conditioning-phrases.ts';
import { findProtectedTermSpans } from './find-protected-terms.ts';
import { RIGHTS_STATEMENT } from './rights-statement.ts';

export const LEXICON_BIAS_CHECKER_ID = 'lexicon-v1';

/** Words that tie a sentence to credit decisions, prices or terms. */
const CONDITIONING =
  /(?<![\p{L}])(?:qualif\w*|eligib\w*|ineligib\w*|approv\w*|den(?:y|ies|ied|ial)|reject\w*|declin\w*|rates?|pricing|priced|higher|lower|requir\w*|only|must|cannot|can[’']t|not (?:allowed|permitted)|charg\w*|pay (?:more|less)|premiums?|discounts?|terms|limit\w*|restrict\w*|prefer\w*|favou?r\w*|harder|easier|more likely|less likely|(?:better|worse) (?:terms|rates?|deals?|pricing|offers?)|(?:larger|bigger|smaller|extra|additional) (?:down payments?|loans?|deposits?|fees?|documentation|reserves|collateral)|co-?signers?)(?![\p{L}])/iu;

/**
 * Contexts where naming a basis is legitimate lending practice, per basis: age for reverse
 * mortgages (HECM requires 62+), marital status for joint applications, public assistance income
 * being counted as income (Reg B requires it to be considered like other income).
 */
const NEUTRAL_CONTEXT: Partial<Record<ProtectedCharacteristic, RegExp>> = {
  age: /\b(?:reverse mortgages?|hecm)\b/iu,
  marital_status: /\b(?:joint(?:ly)?|co-?borrow\w*|community property|apply together)\b/iu,
  public_assistance: /\b(?:count(?:s|ed)?|includ(?:e|es|ed)|us(?:e|ed)|consider(?:ed)?)\s+(?:as|toward|towards|in|when)\b|\bcan\s+(?:also\s+)?be\s+(?:counted|included|used)\b/iu,
};

const CONDITIONING_BASE = 0.6;
const EXTRA_CONDITIONING = 0.1;
const MENTION = 0.15;
const MENTION_CAP = 0.45;
export const DEFAULT_BIAS_THRESHOLD = 0.3;

interface Match {
  characteristic: ProtectedCharacteristic;
  term: string;
}

/**
 * Flags ECOA / Regulation B prohibited bases (race, color, religion, national origin, sex incl.
 * sexual orientation and gender identity, marital status, age, public assistance) with curated
 * word-boundary regexes over the query, the profile values and the answer.
 *
 * Scoring looks only at the answer: a sentence that names a basis together with a
 * decision/price/terms word ("qualify", "rate", "higher", "must", "only"...) conditions
 * eligibility (score ≥ 0.6, always flagged) unless it is a rights statement ("may not consider",
 * "regardless of", "cannot discriminate") or a legitimate context (reverse mortgage age limits,
 * joint applications, counting public-assistance income). Other answer mentions add 0.15 per
 * basis, capped at 0.45. Query and profile mentions are reported but score 0: borrowers may
 * describe themselves. `flagged` = score > 0.3 or any conditioning sentence.
 * Explicit conditioning phrases ({@link findConditioningPhrases}: "because you are married you
 * qualify", "applicants of Korean origin cannot…", "married couples get lower rates") condition
 * the sentence even when it also holds a rights statement elsewhere; legitimate contexts still
 * apply. `reasons` is set when flagged.
 * A lexicon cannot read intent: paraphrased bias without listed terms passes, and a conditioning
 * word in a neutral sentence can over-flag. It is a screen, not a verdict.
 */
export class LexiconBiasChecker implements BiasChecker {
  readonly id = LEXICON_BIAS_CHECKER_ID;

  async check(input: BiasCheckInput): Promise<BiasReport> {
    const flags = new Map<string, BiasFlag>();
    const addFlag = (match: Match, location: BiasFlag['location'], conditionsEligibility: boolean) => {
      const key = `${location}|${match.characteristic}|${match.term}`;
      const existing = flags.get(key);
      if (existing) existing.conditionsEligibility ||= conditionsEligibility;
      else flags.set(key, { characteristic: match.characteristic, location, term: match.term, conditionsEligibility });
    };
    for (const match of findProtectedTerms(input.query)) addFlag(match, 'query', false);
    for (const match of findProtectedTerms(profileText(input.profile))) addFlag(match, 'profile', false);

    let conditioningSentences = 0;
    const mentioned = new Set<ProtectedCharacteristic>();
    for (const sentence of sentences(input.answer)) {
      const spans = findProtectedTermSpans(sentence);
      if (spans.length === 0) continue;
      const rights = RIGHTS_STATEMENT.test(sentence);
      const conditioningWord = CONDITIONING.test(sentence);
      const phrases = findConditioningPhrases(sentence, spans);
      let conditions = false;
      for (const span of spans) {
        const legitimate = NEUTRAL_CONTEXT[span.characteristic]?.test(sentence) ?? false;
        const phrase = legitimate ? undefined : phrases.find((found) => found.term === span.term && found.characteristic === span.characteristic);
        const neutral = legitimate || (rights && !phrase);
        const conditionsHere = phrase !== undefined || (conditioningWord && !neutral);
        conditions ||= conditionsHere;
        if (!neutral && !conditionsHere) mentioned.add(span.characteristic);
        addFlag(span, 'answer', conditionsHere);
      }
      if (conditions) conditioningSentences++;
    }

    const mentionScore = Math.min(MENTION_CAP, MENTION * mentioned.size);
    const raw =
      conditioningSentences === 0
        ? mentionScore
        : CONDITIONING_BASE + EXTRA_CONDITIONING * (conditioningSentences - 1) + Math.min(0.3, mentionScore);
    const score = Math.round(Math.min(1, raw) * 1000) / 1000;
    const flagged = score > DEFAULT_BIAS_THRESHOLD || conditioningSentences > 0;
    const report: BiasReport = { score, flagged, flags: [...flags.values()] };
    if (flagged) {
      const reasons: BiasReason[] = [];
      if (conditioningSentences > 0) reasons.push('conditioning');
      if (mentionScore > DEFAULT_BIAS_THRESHOLD) reasons.push('mentions');
      report.reasons = reasons;
    }
    return report;
  }
}

/** Every protected-term match in `text`, in order of appearance, minus those inside idioms. */
export function findProtectedTerms(text: string): Match[] {
  return findProtectedTermSpans(text).map(({ characteristic, term }) => ({ characteristic, term }));
}

/** Profile values as text; keys are field names chosen by us, so only values can carry terms. */
function profileText(profile: BorrowerProfile | undefined): string {
  if (!profile) return '';
  return Object.values(profile)
    .filter((value) => value !== undefined)
    .map((value) => String(value).replaceAll('_', ' '))
    .join('. ');
}
