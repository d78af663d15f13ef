import type { BorrowerProfile } from '../../shared/contracts/advice.ts';
import { formatMoney, MAX_AMOUNT, MAX_RATE_PERCENT, MAX_TERM_YEARS } from './calculation.ts';
import { MAX_POINTS } from './discount-points.ts';

/** What a figure in the question is about. */
export type FigureRole =
  | 'monthlyIncome'
  | 'annualIncome'
  | 'monthlyDebt'
  | 'housingPayment'
  | 'loanAmount'
  | 'propertyValue'
  /** An appraisal ("appraised at $400,000"): the lender values the home at the lower of price and appraisal. */
  | 'appraisedValue'
  /** A lender's loan-to-value cap ("caps combined loan-to-value at 85%"). */
  | 'ltvCap'
  | 'downPayment'
  | 'secondLien'
  | 'closingCosts'
  | 'monthlySavings'
  /** Paid on top of the scheduled payment each month ("an extra $200 a month"). */
  | 'extraPayment'
  /** The payment a refinance would bring ("drop it to $1,910"), beside the current one. */
  | 'newPayment'
  | 'rate'
  | 'downPaymentPercent'
  | 'points'
  | 'termYears'
  | 'creditScore'
  /** A dollar amount or percentage whose role the words around it do not say (not used in calculations). */
  | 'amount'
  | 'percent';

export interface Figure {
  role: FigureRole;
  value: number;
  /** As written in the question ("9k/month", "$1.2 million"), or the profile field. */
  text: string;
  source: 'question' | 'profile';
}

export interface FigureProblem {
  /** As written. */
  text: string;
  reason: 'negative' | 'implausible' | 'ambiguous';
  /** One plain sentence for the borrower. */
  message: string;
}

/** The borrower's figures, merged from the question and the profile. */
export interface BorrowerFigures {
  monthlyIncome?: number;
  /** Sum of the monthly debt payments named. */
  monthlyDebts?: number;
  housingPayment?: number;
  loanAmount?: number;
  /** The value a lender uses: the lower of the price and the appraisal when both are given. */
  propertyValue?: number;
  /** Both figures, when the question gives a price and an appraisal. */
  priceAndAppraisal?: { price: number; appraised: number };
  /** A combined loan-to-value cap the question states, in percent. */
  ltvCapPercent?: number;
  downPayment?: number;
  downPaymentPercent?: number;
  secondLiens?: number[];
  closingCosts?: number;
  monthlySavings?: number;
  /** Extra principal paid each month. */
  extraPayment?: number;
  /** Interest rates in the order written (the current one first, then a new one, in a refinance question). */
  rates?: number[];
  /** Loan terms in years in the order written (two when the question compares terms); `termYears` is the first. */
  terms?: number[];
  points?: number;
  termYears?: number;
  creditScore?: number;
  veteran?: boolean;
}

export interface ReadFiguresResult {
  figures: Figure[];
  problems: FigureProblem[];
  merged: BorrowerFigures;
}

const MULTIPLIERS: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, million: 1e6, b: 1e9, billion: 1e9 };
const FRACTIONS: Record<string, number> = {
  'a half': 0.5, 'one half': 0.5, '1/2': 0.5, 'a quarter': 0.25, 'one quarter': 0.25, '1/4': 0.25, '3/4': 0.75, 'three quarters': 0.75,
  'an eighth': 0.125, '1/8': 0.125, '3/8': 0.375, '5/8': 0.625, '7/8': 0.875,
};
const NUMBER_WORDS: Record<string, number> = { a: 1, one: 1, half: 0.5, two: 2, three: 3, four: 4, five: 5 };
/** The least a bare amount must be to be read as a home price beside a stated down payment. */
const MIN_BARE_PRICE = 10_000;

// One pass over the question finds every figure; the order of alternatives matters (scores and terms before plain numbers).
const FIGURE = new RegExp(
  [
    String.raw`(?<score>(?:credit |fico )?score (?:of |is |is only |around |about )?(?<scoreValue>-?\d{2,5})|(?<scoreValue2>-?\d{2,5}) (?:credit |fico )?score)`,
    // Not an age or a time ago: "70 years old", "5 years ago", "years of age".
    String.raw`(?<term>(?<termValue>-?\d{1,3})[- ](?:year|yr)s?\b(?![- ](?:old|of age|ago|young))|(?:over|for) (?<termValue2>-?\d{1,3}) years\b(?![- ](?:old|of age|ago)))`,
    String.raw`(?<points>(?<pointsValue>-?\d+(?:\.\d+)?|one|two|three|four|five|half a|a) (?:discount )?points?\b)`,
    // "6 and 3/4 percent", "7 and a half percent": a whole number and a spelled fraction.
    String.raw`(?<percent>(?<percentValue>-?\d+(?:\.\d+)?)(?: and (?<percentFraction>a half|one half|1\/2|a quarter|one quarter|1\/4|3\/4|three quarters|an eighth|1\/8|3\/8|5\/8|7\/8))?\s?(?:%|percent\b))`,
    String.raw`(?<money>(?<minus1>-)?\$\s?(?<minus2>-)?(?<moneyValue>\d[\d,]*(?:\.\d+)?)(?:\s?(?<moneyScale>k|mm|m|million|thousand|b|billion)\b)?|\b(?<kValue>\d+(?:\.\d+)?)\s?(?<kScale>k)\b)`,
  ].join('|'),
  'gi',
);

/** An amount "in"/"of" a debt at least this large, with no "a month", is a balance, not a payment. */
const DEBT_BALANCE_FLOOR = 5_000;

const MONTHLY = /^\s*(?:a|per|\/|each|every|\bin\b)?\s*(?:month|mo)\b|^\s*monthly\b/i;
const YEARLY = /^\s*(?:a|per|\/|each|every)\s*(?:year|yr)\b|^\s*(?:annually|yearly)\b/i;

/** Role from the words right after the amount (the noun it qualifies), in order. */
const AFTER: ReadonlyArray<[RegExp, FigureRole]> = [
  [/^(?:#\s*)*(?:down\b|as (?:a|my|the) down payment)/, 'downPayment'],
  [/^(?:#\s*)*(?:in |of )?(?:closing costs?|to close|in fees)/, 'closingCosts'],
  [/^(?:#\s*)*(?:(?:on|in) (?:a|the|my|our) )?(?:home equity loan|heloc|home equity line|second mortgage|second lien)/, 'secondLien'],
  [/^(?:#\s*)*for (?:my|our|the|a|this|that) (?:(?:new|first|starter) )?(?:home|house|condo|townhouse|property|place)\b/, 'propertyValue'],
  [/^(?:#\s*)*(?:(?:a|per) month |monthly |\/month |\/mo )?(?:in |on |for )?(?:a |my |our |the )?(?:car|auto|truck|student|credit card|card|personal loan|child support|alimony)\b/, 'monthlyDebt'],
  [/^(?:#\s*)*(?:(?:a|per) month |monthly )?(?:in )?(?:other )?(?:debts?|minimums|debt payments)\b/, 'monthlyDebt'],
  [/^(?:#\s*)*(?:(?:a|per) month )?(?:(?:house|housing|mortgage) payment|rent)\b/, 'housingPayment'],
  [/^(?:#\s*)*(?:(?:fha|va|usda|conventional|jumbo|fixed|adjustable|arm|home|refinance|cash-out) )*(?:loan|mortgage|balance|heloc)\b/, 'loanAmount'],
  [/^(?:#\s*)*(?:(?:fha|va|usda|new|starter|first) )?(?:home|house|condo|townhouse|property|place)\b/, 'propertyValue'],
  [/^(?:(?:a|per) month |monthly |\/mo |\/month )?(?:extra|more|additional)\b/, 'extraPayment'],
  // "$300k at 6.5%": an amount borrowed at a rate.
  [/^at #/, 'loanAmount'],
];

/** Words before "half a point", "a point" that make it a change in rates. */
const RATE_MOVE = /\b(?:drop(?:s|ped)?|fell|fall(?:s|en)?|dip(?:s|ped)?|rose|rise[sn]?|climb(?:s|ed)?|mov(?:e|es|ed)|(?:go|goes|gone|went) (?:down|up)|came down|come down)(?: by)?(?: about| around| roughly| nearly| almost| like| over| under| only| just)?\s*$/;

/** A hedge right before an amount ("about", "roughly"). */
const HEDGE = /\s*\b(?:about|around|roughly|approximately|approx\.?|nearly|almost|like|some|maybe|close to|just (?:over|under))\s*$/;

/** Words that introduce an amount as the same thing said again ("that's", "which is"). */
const RESTATES = /(?:^|[\s(])(?:that['’]?s|thats|that is|that would be|which is|which would be|it['’]?s|so|or|i\.e\.|=)\s*$/;

/** Role from the words before the amount (the verb or phrase that introduces it), in order. */
const BEFORE: ReadonlyArray<[RegExp, FigureRole]> = [
  [/(?:extra|additional)\s*$/, 'extraPayment'],
  // "A refinance would drop it to $1,910": the payment after, beside the one stated before.
  [/(?:drop|drops|dropping|lower|lowers|lowering|cut|cuts|reduce|reduces|bring|brings|take|takes)(?: it| that| the payment| my payment| our payment| the p&i| my p&i)?(?: down)? to\s*$/, 'newPayment'],
  [/(?:down payment (?:of|is|would be)|put(?:ting)? down|putting|put)\s*$/, 'downPayment'],
  [/(?:closing costs? (?:of|are|is|would be)|cost(?:s)?(?: me| us)?(?: about| around)?|fees? of|to close)\s*$/, 'closingCosts'],
  [/(?:sav(?:e|es|ing)(?: me| us)?(?: about| around)?|savings of|(?:lower|lowers|cut|cuts|drop|drops|reduce|reduces) (?:my|our|the) payment by|by)\s*$/, 'monthlySavings'],
  // "The new house payment with taxes and insurance would be $2,000", "my principal and interest is $2,150".
  [/(?:(?:mortgage|house|housing|new) payment(?: [\w,&]+){0,5}? (?:would be|will be|is|of|comes to|would come to|will come to|is going to be)|principal and interest(?: payment)?(?: [\w,&]+){0,2}? (?:is|of|would be|will be)|\bp&i (?:is|of)|mortgage would be|mortgage will be|rent is|rent of)\s*$/, 'housingPayment'],
  [/(?:make|makes|making|earn|earns|earning|income (?:is|of)|gross(?: pay| income)? (?:is|of)|gross|salary (?:is|of)|paid|bring in|take home|pay is)(?: about| around| roughly)?\s*$/, 'monthlyIncome'],
  [/(?:owe|owes|owed|borrow|borrows|borrowed|borrowing|loan (?:of|for|amount of|amount is|is)|balance (?:of|is)|mortgage (?:of|for)|take out|taking(?: out)?|financ\w*|refinanc\w*)(?: a| an| about| around)?\s*$/, 'loanAmount'],
  [/(?:apprais(?:al|ed|es|e)\w*(?: (?:came|comes|come) (?:back|in))?(?: (?:at|for|of|was|is|only|just))*)\s*$/, 'appraisedValue'],
  [/(?:(?:agreed|offered|contracted|going) to pay|offer(?:ed)?(?: of)?|contract price (?:of|is)|purchase price (?:of|is|was))\s*$/, 'propertyValue'],
  [/(?:worth|valued at|price (?:of|is)|priced at|(?:bought|buy(?:ing)?|purchas(?:e|ed|ing)) (?:(?:it|(?:my|our|the|a|this|that) (?:\w+ )?(?:house|home|place|condo|townhouse|property)) )?for|buy(?:ing)?(?: a| an)?|purchas\w*(?: a| an)?|sells? for|costs)\s*$/, 'propertyValue'],
];

/**
 * Reads the figures in a question — "$9,000 a month", "9k/month", "$275k loan", "$1.2 million",
 * "2 points", "6.5%", "30-year", "620 credit score", "$400 car payment" — with the role the words
 * around each give it, and merges them with the request's profile.
 *
 * The question wins over the profile when both give the same figure: the question is the
 * scenario the borrower is asking about now ("what if I put 10% down?"), the profile their
 * standing data. Negative, implausible (a 900% rate, a 1200 credit score) or ambiguous figures
 * (an income under $20,000 without "a month" or "a year") are returned as problems and left out.
 */
export function readFigures(query: string, profile?: BorrowerProfile): ReadFiguresResult {
  const figures: Figure[] = [];
  const problems: FigureProblem[] = [];
  const lower = query.toLowerCase();
  const matches = [...lower.matchAll(FIGURE)];
  const spans = matches.map((match) => [match.index, match.index + match[0].length] as const);

  matches.forEach((match, i) => {
    const groups = match.groups ?? {};
    const text = query.slice(match.index, match.index + match[0].length);
    const { before, after } = context(lower, spans, i);
    if (groups.score !== undefined) {
      const value = Number(groups.scoreValue ?? groups.scoreValue2);
      if (!Number.isInteger(value) || value < 300 || value > 850) problems.push({ text, reason: 'implausible', message: `“${text}” is not a credit score (scores run from 300 to 850).` });
      else figures.push({ role: 'creditScore', value, text, source: 'question' });
    } else if (groups.term !== undefined) {
      const value = Number(groups.termValue ?? groups.termValue2);
      if (!(value > 0) || value > MAX_TERM_YEARS) problems.push({ text, reason: 'implausible', message: `“${text}” is not a loan term I can use (1 to ${MAX_TERM_YEARS} years).` });
      else figures.push({ role: 'termYears', value, text, source: 'question' });
    } else if (groups.points !== undefined) {
      // "Rates fell about half a point": a move of the rate, not points bought.
      if (RATE_MOVE.test(before)) return;
      const word = groups.pointsValue!.replace(/ a$/, '');
      const value = NUMBER_WORDS[word] ?? Number(word);
      if (!(value > 0) || value > MAX_POINTS) problems.push({ text, reason: 'implausible', message: `“${text}” is not a number of points I can use (above 0, at most ${MAX_POINTS}).` });
      else figures.push({ role: 'points', value, text, source: 'question' });
    } else if (groups.percent !== undefined) {
      readPercent(Number(groups.percentValue) + (FRACTIONS[groups.percentFraction ?? ''] ?? 0), text, before, after, figures, problems);
    } else if (groups.money !== undefined) {
      readMoney(groups, text, before, after, figures, problems);
    }
  });
  if (/\b(?:zero|no|nothing|\$0) (?:money )?down\b/.test(lower) && !figures.some((figure) => figure.role === 'downPayment')) {
    figures.push({ role: 'downPaymentPercent', value: 0, text: 'zero down', source: 'question' });
  }
  return { figures, problems, merged: merge(figures, profile) };
}

function readPercent(value: number, text: string, before: string, after: string, figures: Figure[], problems: FigureProblem[]): void {
  if (value < 0) {
    problems.push({ text, reason: 'negative', message: `“${text}” is negative, which I cannot use.` });
    return;
  }
  let role: FigureRole = 'percent';
  if (/^\s*(?:down\b|as (?:a|the) down payment)/.test(after)) role = 'downPaymentPercent';
  // "caps combined loan-to-value at 85%", "an 80% CLTV limit": a lender's cap, not a rate.
  else if (
    /(?:\bc?ltv|loan[- ]to[- ]value)\b[^#]*\b(?:at|of|to|is)\s*$/.test(before) ||
    /^\s*(?:c?ltv|(?:combined )?loan[- ]to[- ]value)\s*(?:cap|limit|max)/.test(after) ||
    // "capped at 80% loan-to-value"
    (/\b(?:cap(?:s|ped)?|limit(?:s|ed)?|max(?:imum|es out)?)\b[^#]*$/.test(before) && /^\s*(?:c?ltv|(?:combined )?loan[- ]to[- ]value)\b/.test(after)) ||
    // "lets total borrowing go up to 90% of its value"
    /^\s*of (?:its|the|my|our|your|the home['’]s|the house['’]s|the property['’]s) (?:appraised |current |home['’]s )?value\b/.test(after)
  )
    role = 'ltvCap';
  else if (/(?:\bat|rate (?:of|is)|interest (?:of|rate of|rate is)?|apr (?:of|is)|from|to)\s*$/.test(before) || /^\s*(?:(?:interest |mortgage )?rate|interest|apr|fixed)\b/.test(after)) role = 'rate';
  if (role === 'rate' && value > MAX_RATE_PERCENT) {
    problems.push({ text, reason: 'implausible', message: `A ${text} interest rate is implausible (above ${MAX_RATE_PERCENT}%), so I did not use it.` });
    return;
  }
  if (value > 100) {
    problems.push({ text, reason: 'implausible', message: `“${text}” is above 100%, which I cannot use.` });
    return;
  }
  figures.push({ role, value, text, source: 'question' });
}

function readMoney(groups: Record<string, string | undefined>, text: string, before: string, after: string, figures: Figure[], problems: FigureProblem[]): void {
  if (groups.minus1 !== undefined || groups.minus2 !== undefined || /-\s*$/.test(before)) {
    problems.push({ text, reason: 'negative', message: `“${text}” is a negative amount, which I cannot use.` });
    return;
  }
  const digits = (groups.moneyValue ?? groups.kValue ?? '').replace(/,/g, '');
  const scale = MULTIPLIERS[(groups.moneyScale ?? groups.kScale ?? '').toLowerCase()] ?? 1;
  const value = Number(digits) * scale;
  if (!Number.isFinite(value) || digits === '') {
    problems.push({ text, reason: 'implausible', message: `I could not read the amount “${text}”.` });
    return;
  }
  if (value > MAX_AMOUNT) {
    problems.push({ text, reason: 'implausible', message: `${text} is implausibly large, so I did not use it.` });
    return;
  }
  const monthly = MONTHLY.test(after);
  const yearly = YEARLY.test(after) || /(?:annual|yearly|a year)\s+(?:\w+\s+){0,2}$/.test(before) || /salary/.test(before);
  const noun = after.replace(/^\s*(?:(?:a|per|\/)\s*month|monthly|\/mo)\b/, '').trimStart();
  let role: FigureRole = AFTER.find(([pattern]) => pattern.test(noun))?.[1] ?? 'amount';
  // "$45,000 in student loans", "$8,000 of card debt": a balance owed, not a monthly payment ("$250 in student loans" in a list
  // of payments is one): no monthly debt payment is that large.
  if (role === 'monthlyDebt' && !monthly && value >= DEBT_BALANCE_FLOOR && /^(?:#\s*)*(?:in|of)\s/.test(noun)) role = 'amount';
  // "worth about $500,000", "closing costs are around $4,800": a hedge does not change what the amount is.
  const plainBefore = before.replace(HEDGE, '');
  if (role === 'amount') role = BEFORE.find(([pattern]) => pattern.test(plainBefore))?.[1] ?? 'amount';
  // "20% down … that's like $70k": an amount restating the share just stated is its cash, not the price.
  if (role === 'amount' && figures.at(-1)?.role === 'downPaymentPercent' && RESTATES.test(plainBefore)) role = 'downPayment';
  if (role === 'monthlyIncome') {
    if (yearly && !monthly) role = 'annualIncome';
    else if (!monthly && !yearly) {
      if (value >= 20_000) role = 'annualIncome';
      else {
        problems.push({ text, reason: 'ambiguous', message: `I could not tell whether an income of ${formatMoney(value)} is per month or per year; say “a month” or “a year”.` });
        return;
      }
    }
  }
  figures.push({ role, value, text, source: 'question' });
}

/** Words between the previous figure (or a clause break) and this one, and from this one to the next; other figures masked as '#'. */
function context(lower: string, spans: ReadonlyArray<readonly [number, number]>, i: number): { before: string; after: string } {
  const [start, end] = spans[i]!;
  const mask = (from: number, to: number) => {
    let text = lower.slice(from, to);
    for (const [s, e] of spans) if (s >= from && e <= to) text = text.slice(0, s - from) + '#'.padEnd(e - s, ' ') + text.slice(e - from);
    return text;
  };
  const clauseStart = Math.max(lower.lastIndexOf('. ', start), lower.lastIndexOf('? ', start), lower.lastIndexOf('; ', start), lower.lastIndexOf(', ', start - 1), -1) + 1;
  const nextBreak = lower.slice(end).search(/[.?;!](?:\s|$)|,\s/);
  const clauseEnd = nextBreak === -1 ? lower.length : end + nextBreak;
  return { before: mask(clauseStart, start).slice(-60).replace(/\s+/g, ' '), after: mask(end, clauseEnd).slice(0, 60).replace(/\s+/g, ' ') };
}

function merge(figures: readonly Figure[], profile: BorrowerProfile | undefined): BorrowerFigures {
  const merged: BorrowerFigures = {};
  const first = (role: FigureRole) => figures.find((figure) => figure.role === role)?.value;
  const all = (role: FigureRole) => figures.filter((figure) => figure.role === role).map((figure) => figure.value);

  const monthlyIncome = first('monthlyIncome') ?? (first('annualIncome') !== undefined ? first('annualIncome')! / 12 : undefined);
  const debts = all('monthlyDebt');
  const rates = all('rate');
  const terms = all('termYears');
  // A bare amount beside a stated down payment ("zero down, $300,000") is the price the down payment is a share of.
  const bare = all('amount').filter((value) => value >= MIN_BARE_PRICE);
  const statesDown = first('downPayment') !== undefined || first('downPaymentPercent') !== undefined;
  const price = first('propertyValue') ?? (statesDown && bare.length === 1 && first('loanAmount') === undefined && first('appraisedValue') === undefined ? bare[0] : undefined);
  const appraised = first('appraisedValue');
  const liens = all('secondLien');
  assign(merged, 'monthlyIncome', monthlyIncome ?? (profile?.annualIncome !== undefined ? profile.annualIncome / 12 : undefined));
  assign(merged, 'monthlyDebts', debts.length > 0 ? debts.reduce((sum, debt) => sum + debt, 0) : profile?.monthlyDebt);
  const current = first('housingPayment');
  const next = first('newPayment');
  // A payment a refinance replaces is not the housing payment of a purchase (no DTI from it).
  if (next === undefined) assign(merged, 'housingPayment', current);
  assign(merged, 'loanAmount', first('loanAmount') ?? profile?.loanAmount);
  // A lender values the home at the lower of the price and the appraisal (corpus: loan-to-value-ratio).
  const lower = price !== undefined && appraised !== undefined ? Math.min(price, appraised) : (price ?? appraised);
  assign(merged, 'propertyValue', lower ?? profile?.propertyValue);
  if (price !== undefined && appraised !== undefined) merged.priceAndAppraisal = { price, appraised };
  assign(merged, 'ltvCapPercent', first('ltvCap'));
  assign(merged, 'downPayment', first('downPayment') ?? (first('downPaymentPercent') === undefined ? profile?.downPayment : undefined));
  assign(merged, 'downPaymentPercent', first('downPaymentPercent'));
  if (liens.length > 0) merged.secondLiens = liens;
  assign(merged, 'closingCosts', first('closingCosts'));
  assign(merged, 'extraPayment', first('extraPayment'));
  // "$2,150 now … drop it to $1,910": the saving is the difference.
  assign(merged, 'monthlySavings', first('monthlySavings') ?? (current !== undefined && next !== undefined && next < current ? current - next : undefined));
  if (rates.length > 0) merged.rates = rates;
  assign(merged, 'points', first('points'));
  assign(merged, 'termYears', first('termYears') ?? profile?.loanTermYears);
  if (terms.length > 1) merged.terms = terms;
  assign(merged, 'creditScore', first('creditScore') ?? profile?.creditScore);
  if (profile?.veteran !== undefined) merged.veteran = profile.veteran;
  return merged;
}

function assign<K extends keyof BorrowerFigures>(target: BorrowerFigures, key: K, value: BorrowerFigures[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
