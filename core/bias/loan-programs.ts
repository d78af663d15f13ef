/** A named loan program or product an answer can recommend. */
export type LoanProgram =
  | 'fha' | 'fha-203k' | 'va' | 'usda' | 'conventional' | 'jumbo' | 'arm' | 'fixed-rate' | 'homeready' | 'home-possible'
  | 'heloc' | 'home-equity-loan' | 'cash-out-refinance' | 'rate-and-term-refinance' | 'streamline-refinance'
  | 'reverse-mortgage' | 'down-payment-assistance' | 'interest-only' | 'balloon' | 'non-qm' | 'personal-loan';

/** Acronyms are matched case-sensitively ("VA", "ARM"), so "arm" the limb and "va" in a place name do not match. */
const PROGRAMS: readonly (readonly [LoanProgram, RegExp])[] = [
  ['fha-203k', /\b(?:FHA\s+)?203\s?\(?k\)?/giu],
  ['fha', /\bFHA\b(?!\s+203)/gu],
  ['va', /\bVA\b/gu],
  ['va', /\bveterans affairs\b/giu],
  ['usda', /\bUSDA\b/gu],
  ['usda', /\brural development\b/giu],
  ['conventional', /\bconventional\b|\bconforming\b(?!\s+loan\s+limit)/giu],
  ['jumbo', /\bjumbo\b|\bnon-?conforming\b/giu],
  ['arm', /\bARMs?\b/gu],
  ['arm', /\badjustable[- ]rate\b/giu],
  ['fixed-rate', /\bfixed[- ]rate\b/giu],
  ['homeready', /\bhome\s?ready\b/giu],
  ['home-possible', /\bhome possible\b/giu],
  ['heloc', /\bHELOCs?\b/gu],
  ['heloc', /\bhome equity lines? of credit\b/giu],
  ['home-equity-loan', /\bhome equity loans?\b/giu],
  ['cash-out-refinance', /\bcash[- ]out refinanc\w*/giu],
  ['rate-and-term-refinance', /\brate[- ]and[- ]term\b/giu],
  ['streamline-refinance', /\bstreamline\w*\b/giu],
  ['streamline-refinance', /\bIRRRL\b/gu],
  ['reverse-mortgage', /\breverse mortgages?\b/giu],
  ['reverse-mortgage', /\bHECMs?\b/gu],
  ['down-payment-assistance', /\bdown[- ]payment assistance\b/giu],
  ['down-payment-assistance', /\bDPA\b/gu],
  ['interest-only', /\binterest[- ]only\b/giu],
  ['balloon', /\bballoon (?:loans?|mortgages?|payments?)\b/giu],
  ['non-qm', /\bnon-?QM\b/gu],
  ['non-qm', /\bbank[- ]statement loans?\b/giu],
  ['personal-loan', /\bpersonal loans?\b/giu],
];

/** A negation shortly before a program name turns the mention into a non-recommendation. */
const NEGATION_BEFORE = /\b(?:not|cannot|can[’']t|ineligible|won[’']t|unable|isn[’']t|aren[’']t|don[’']t|doesn[’']t|avoid|instead of|rather than|no)\b[^.;!?,]{0,40}$/iu;

/**
 * Programs `text` names, each as `program` or `not:program` when the mention is negated
 * ("you are not eligible for a VA loan"). Order-free; a program named both ways yields both.
 */
export function namedLoanPrograms(text: string): Set<string> {
  const found = new Set<string>();
  for (const [program, pattern] of PROGRAMS) {
    for (const match of text.matchAll(pattern)) {
      const before = text.slice(Math.max(0, match.index - 60), match.index);
      // "FHA 203(k)" is the 203(k) program, not a second FHA mention.
      if (program === 'va' && /\bFHA\s*$/u.test(before)) continue;
      found.add(NEGATION_BEFORE.test(before) ? `not:${program}` : program);
    }
  }
  return found;
}
