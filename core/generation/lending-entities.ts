/**
 * The lending subjects a question or a sentence can be about, found by their names and common
 * abbreviations ("DTI" and "debt-to-income" are one subject). Programs are the loan products a
 * borrower chooses between: a sentence about one program is a tangent in an answer about another.
 */
export type LendingProgram =
  | 'fha'
  | 'va'
  | 'usda'
  | 'conventional'
  | 'jumbo'
  | 'heloc'
  | 'home-equity-loan'
  | 'reverse-mortgage'
  | 'cash-out-refinance'
  | 'student-loan'
  | 'auto-loan'
  | 'payday-loan'
  | 'title-loan'
  | 'personal-loan'
  | 'credit-card';

export type LendingConcept =
  | 'pmi'
  | 'mortgage-insurance-premium'
  | 'dti'
  | 'ltv'
  | 'apr'
  | 'discount-points'
  | 'credit-score'
  | 'down-payment'
  | 'closing-costs'
  | 'escrow'
  | 'rate-lock'
  | 'bankruptcy'
  | 'foreclosure'
  | 'appraisal'
  | 'preapproval'
  | 'arm'
  | 'refinance'
  | 'funding-fee'
  | 'gift-funds'
  | 'credit-report'
  | 'condo'
  | 'hoa'
  | 'cfpb'
  | 'loan-estimate'
  | 'adverse-action'
  | 'servicer'
  | 'amortization'
  | 'forbearance';

const PROGRAMS: readonly (readonly [LendingProgram, RegExp])[] = [
  ['fha', /\bfha\b|federal housing administration/],
  ['va', /\bva\b|veterans affairs|\bveterans?\b/],
  ['usda', /\busda\b|department of agriculture|\brural\b/],
  ['conventional', /\bconventional\b|\bconforming\b/],
  ['jumbo', /\bjumbo\b/],
  ['heloc', /\bhelocs?\b|home equity lines? of credit/],
  ['home-equity-loan', /home equity loans?\b/],
  ['reverse-mortgage', /reverse mortgages?|\bhecms?\b/],
  ['cash-out-refinance', /cash[- ]out/],
  ['student-loan', /student loans?\b/],
  ['auto-loan', /\bauto loans?\b|\bcar loans?\b/],
  ['payday-loan', /\bpayday\b/],
  ['title-loan', /\btitle loans?\b/],
  ['personal-loan', /\bpersonal loans?\b/],
  ['credit-card', /\bcredit cards?\b/],
];

const CONCEPTS: readonly (readonly [LendingConcept, RegExp])[] = [
  ['pmi', /\bpmi\b|private mortgage insurance/],
  ['mortgage-insurance-premium', /\bu?f?mip\b|mortgage insurance premium/],
  ['dti', /\bdti\b|debt[- ]to[- ]income/],
  ['ltv', /\bc?ltv\b|loan[- ]to[- ]value/],
  ['apr', /\baprs?\b|annual percentage rate/],
  ['discount-points', /\bpoints?\b/],
  ['credit-score', /\bcredit scores?\b|\bfico\b|\bscores?\b/],
  ['down-payment', /\bdown ?payments?\b|\bput(?:ting)? down\b|\b\d+(?:\.\d+)?% down\b/],
  ['closing-costs', /\bclosing costs?\b/],
  ['escrow', /\bescrow\b/],
  ['rate-lock', /\brate locks?\b|\block(?:ed|ing)? (?:in )?(?:the |my |a )?rate\b/],
  ['bankruptcy', /\bbankrupt/],
  ['foreclosure', /\bforeclos/],
  ['appraisal', /\bappraisals?\b|\bappraised\b/],
  ['preapproval', /\bpre-?approv|\bpre-?qualif/],
  ['arm', /\barms?\b|adjustable[- ]rate/],
  ['refinance', /\brefinanc/],
  ['funding-fee', /\bfunding fee\b/],
  ['gift-funds', /\bgifts?\b|\bgifted\b/],
  ['credit-report', /\bcredit reports?\b|\bcredit bureaus?\b|\bdisput/],
  ['condo', /\bcondo(?:minium)?s?\b/],
  ['hoa', /\bhoa\b|homeowners(?:'|’)? association/],
  ['cfpb', /\bcfpb\b|consumer financial protection bureau/],
  ['loan-estimate', /\bloan estimate\b|\bclosing disclosure\b|\btrid\b/],
  ['adverse-action', /\badverse action\b|\b(?:turned|turn) (?:me |us )?down\b|\bdenied\b|\bdenial\b/],
  ['servicer', /\bservic(?:er|ers|ing)\b/],
  ['amortization', /\bamortiz/],
  ['forbearance', /\bforbearance\b|\bloan modification\b/],
];

/** The programs and concepts a text names. */
export interface LendingEntities {
  programs: ReadonlySet<LendingProgram>;
  concepts: ReadonlySet<LendingConcept>;
  /** The words naming each one, as written ("private mortgage insurance", "PMI"). */
  mentions: ReadonlyMap<LendingProgram | LendingConcept, string>;
}

/** Finds the programs and concepts named in `text` (case-insensitive; abbreviations and full names alike). */
export function findLendingEntities(text: string): LendingEntities {
  const lower = text.normalize('NFKC').toLowerCase().replace(/[\u2010-\u2013]/g, '-');
  const mentions = new Map<LendingProgram | LendingConcept, string>();
  const found = <T extends LendingProgram | LendingConcept>(lexicon: readonly (readonly [T, RegExp])[]): Set<T> => {
    const names = new Set<T>();
    for (const [name, pattern] of lexicon) {
      const match = pattern.exec(lower);
      if (match === null) continue;
      names.add(name);
      mentions.set(name, match[0]);
    }
    return names;
  };
  return { programs: found(PROGRAMS), concepts: found(CONCEPTS), mentions };
}
