import { withAskerPossessive } from './asker-possessive.ts';
import { tokenize } from './tokenize.ts';
import { APPRAISAL_DISCRIMINATION, CREDIT_DISCRIMINATION } from './unequal-treatment.ts';

/**
 * The lending vocabulary, in one place: each loan program and lending concept with the names
 * that mean the same thing (full name and abbreviation: "PMI" and "private mortgage insurance")
 * and the pattern that finds a mention of it. Retrieval expands a query with the other names of
 * what it mentions ({@link lendingQueryExpansion}); the extractive generator reads which programs
 * and concepts a question and a sentence are about from the same table
 * (core/generation/lending-entities.ts).
 *
 * `pattern` runs on lower-cased NFKC text with dashes normalised to '-'; it may be broader than
 * `names` (plurals, "turned down" for an adverse action). Only `names` are added to a query, so
 * an expansion never adds a word that does not name the same thing.
 */
export const LENDING_VOCABULARY = [
  // Programs: the loan products a borrower chooses between.
  { id: 'fha', kind: 'program', names: ['FHA', 'Federal Housing Administration'], pattern: /\bfha\b|federal housing administration/ },
  { id: 'va', kind: 'program', names: ['VA', 'Veterans Affairs'], pattern: /\bva\b|veterans affairs|\bveterans?\b/ },
  { id: 'usda', kind: 'program', names: ['USDA', 'Department of Agriculture'], pattern: /\busda\b|department of agriculture|\brural\b/ },
  // "a regular home loan", "a normal mortgage": not a government-backed one.
  { id: 'conventional', kind: 'program', names: ['conventional'], pattern: /\bconventional\b|\bconforming\b|\b(?:regular|normal|ordinary|standard) (?:home |house )?(?:loans?|mortgages?)\b/ },
  // A loan "above the conforming limit" is what jumbo means.
  {
    id: 'jumbo',
    kind: 'program',
    names: ['jumbo'],
    pattern:
      /\bjumbo\b|\b(?:above|over|exceeds?|exceeding|bigger than|larger than|too (?:big|large|high) for) (?:the )?(?:normal |usual |regular |conforming |standard )?(?:loan )?limits?\b|\b(?:really |very |super |extra )(?:big|large|huge) (?:home |house )?(?:loans?|mortgages?)\b/,
  },
  { id: 'heloc', kind: 'program', names: ['HELOC', 'home equity line of credit'], pattern: /\bhelocs?\b|home equity lines?\b|\bequity lines? of credit/ },
  { id: 'home-equity-loan', kind: 'program', names: ['home equity loan'], pattern: /home equity loans?\b/ },
  {
    id: 'reverse-mortgage',
    kind: 'program',
    names: ['reverse mortgage', 'HECM', 'home equity conversion mortgage'],
    pattern: /reverse mortgages?|\bhecms?\b|home equity conversion mortgages?/,
  },
  { id: 'cash-out-refinance', kind: 'program', names: ['cash-out refinance'], pattern: /cash[- ]out/ },
  { id: 'student-loan', kind: 'program', names: ['student loan'], pattern: /student loans?\b/ },
  {
    id: 'auto-loan',
    kind: 'program',
    names: ['auto loan', 'car loan'],
    pattern: /\bauto loans?\b|\bcar loans?\b|\b(?:car |auto )?dealerships?\b|\bcar dealers?\b|\bfinanc(?:e|ing) (?:a|my|the) (?:car|truck|vehicle)\b|\bbuy(?:ing)? a (?:new |used )?(?:car|truck|vehicle)\b/,
  },
  {
    id: 'manufactured-home',
    kind: 'program',
    names: ['manufactured home', 'mobile home'],
    pattern: /\bmanufactured homes?\b|\bmobile homes?\b|\bhud code\b|\bchattel loans?\b/,
  },
  { id: 'payday-loan', kind: 'program', names: ['payday loan'], pattern: /\bpayday\b/ },
  // "pawning my car title", "a title pawn": the same short loan against a car.
  { id: 'title-loan', kind: 'program', names: ['title loan'], pattern: /\btitle loans?\b|\bcar titles?\b|\bpawn\w* (?:my |the |a |your )?(?:car |truck |vehicle )?title\b|\btitle pawns?\b/ },
  { id: 'personal-loan', kind: 'program', names: ['personal loan'], pattern: /\bpersonal loans?\b/ },
  { id: 'credit-card', kind: 'program', names: ['credit card'], pattern: /\bcredit cards?\b/ },
  // Products the guide does not cover, named so that a question about one is known to be about
  // something the passages never mention (the refusal decision's entityMissing), not answered
  // with quotes about the loans that share its everyday words.
  { id: 'sba-loan', kind: 'program', names: ['SBA loan'], pattern: /\bsba\b|small business administration/ },
  { id: 'business-loan', kind: 'program', names: ['business loan'], pattern: /\bbusiness (?:loans?|lines? of credit)\b|\bcommercial (?:mortgages?|loans?|real estate loans?)\b/ },
  { id: 'bridge-loan', kind: 'program', names: ['bridge loan'], pattern: /\bbridge loans?\b|\bswing loans?\b/ },
  { id: 'hard-money-loan', kind: 'program', names: ['hard money loan'], pattern: /\bhard[- ]money\b|\bfix[- ]and[- ]flip loans?\b/ },
  { id: 'construction-loan', kind: 'program', names: ['construction loan'], pattern: /\bconstruction(?:[- ]to[- ]perm(?:anent)?)? loans?\b/ },
  { id: 'land-loan', kind: 'program', names: ['land loan'], pattern: /\b(?:land|lot) loans?\b/ },
  { id: 'itin-loan', kind: 'program', names: ['ITIN loan'], pattern: /\bitin\b/ },
  { id: 'recreational-vehicle-loan', kind: 'program', names: ['boat or RV loan'], pattern: /\b(?:boat|rv|motorcycle|jet ski) loans?\b/ },
  { id: '1031-exchange', kind: 'program', names: ['1031 exchange'], pattern: /\b1031\b|like[- ]kind exchange/ },
  {
    id: 'crypto-backed-loan',
    kind: 'program',
    names: ['crypto-backed loan'],
    pattern: /\bcrypto[- ]?(?:backed|secured|collateral\w*)\b|\b(?:bitcoin|crypto|ethereum)[- ](?:loans?|lenders?|lending)\b|\bborrow(?:ing)? against (?:my |our )?(?:bitcoin|crypto\w*|ethereum|btc)\b/,
  },
  {
    id: 'securities-backed-loan',
    kind: 'program',
    names: ['securities-backed line of credit'],
    pattern:
      /\bmargin (?:loans?|calls?|accounts?)\b|\bsecurities[- ](?:based|backed)\b|\bpledged[- ]asset\b|\b(?:secured|backed) by (?:my |our |a )?(?:stocks?|stock portfolio|portfolio|brokerage account|investments?)\b|\bborrow(?:ing)? against (?:my |our )?(?:stocks?|portfolio|brokerage|investments?)\b/,
  },
  { id: 'health-savings-account', kind: 'program', names: ['health savings account'], pattern: /\bhsas?\b|health savings accounts?/ },
  {
    id: 'life-insurance-loan',
    kind: 'program',
    names: ['life insurance policy loan'],
    pattern: /\b(?:whole|universal|permanent) life\b|\bpolicy loans?\b|\bcash value\b|\bborrow(?:ing)? (?:against|from) (?:my |a |the )?(?:life insurance|policy)\b/,
  },
  { id: 'rent-to-own', kind: 'program', names: ['rent-to-own'], pattern: /\brent[- ]to[- ]own\b|\blease[- ]to[- ]own\b|\blease[- ](?:option|purchase) (?:agreements?|contracts?|deals?)\b/ },
  // Concepts: what the rules are about.
  // "mortgage insurance on a regular home loan" is PMI, as an FHA loan's is its MIP (below).
  {
    id: 'pmi',
    kind: 'concept',
    names: ['PMI', 'private mortgage insurance'],
    pattern: /\bpmi\b|private mortgage insurance|\bmortgage insurance\b[^?!]{0,60}?\b(?:conventional|regular|normal|ordinary|standard) (?:home |house )?(?:loans?|mortgages?)\b|\b(?:conventional|regular|normal) (?:home |house )?(?:loans?|mortgages?)\b[^?!]{0,60}?\bmortgage insurance\b/,
  },
  // An FHA loan's "mortgage insurance" is its MIP, whatever the borrower calls it.
  {
    id: 'mortgage-insurance-premium',
    kind: 'concept',
    names: ['MIP', 'mortgage insurance premium'],
    pattern: /\bu?f?mip\b|mortgage insurance premium|\bfha\b[^?!]{0,100}?\bmortgage insurance\b|\bmortgage insurance\b[^?!]{0,100}?\bfha\b/,
  },
  // "My debts plus the house payment would eat up 48% of my pay": the ratio in a borrower's words.
  {
    id: 'dti',
    kind: 'concept',
    names: ['DTI', 'debt-to-income'],
    pattern: /\bdti\b|debt[- ]to[- ]income|\b(?:share|percent(?:age)?|portion|part|fraction) of (?:my |our |your )?(?:monthly |gross |take[- ]home )?(?:income|pay|paycheck|salary)\b|\bdebts?\b[^.?!]{0,60}?\d+(?:\.\d+)?\s*%\s*of (?:my |our )?(?:gross |monthly |take[- ]home )?(?:pay|income|paycheck|salary)\b/,
  },
  { id: 'ltv', kind: 'concept', names: ['LTV', 'loan-to-value'], pattern: /\bc?ltv\b|loan[- ]to[- ]value/ },
  // A borrower's "yearly interest rate" on a loan with fees is what the APR states.
  { id: 'apr', kind: 'concept', names: ['APR', 'annual percentage rate'], pattern: /\baprs?\b|annual percentage rate|\b(?:yearly|annual|annualized) (?:interest )?rate\b/ },
  { id: 'discount-points', kind: 'concept', names: ['discount points'], pattern: /\bpoints?\b/ },
  { id: 'credit-score', kind: 'concept', names: ['credit score', 'FICO'], pattern: /\bcredit scores?\b|\bfico\b|\bscores?\b/ },
  { id: 'down-payment', kind: 'concept', names: ['down payment'], pattern: /\bdown ?payments?\b|(?<!\bearnest money\b[^.?!]{0,40})\bput(?:ting)? down\b|\b\d+(?:\.\d+)?% down\b/ },
  { id: 'closing-costs', kind: 'concept', names: ['closing costs'], pattern: /\bclosing costs?\b/ },
  { id: 'escrow', kind: 'concept', names: ['escrow'], pattern: /\bescrow\b/ },
  { id: 'rate-lock', kind: 'concept', names: ['rate lock'], pattern: /\brate locks?\b|\block(?:ed|ing)? (?:in )?(?:the |my |a )?rate\b|\block periods?\b|\brate (?:we|i|you) locked\b|\b(?:hold|holds|holding|guarantee) (?:my |our |the |your )?(?:interest )?rate\b/ },
  { id: 'bankruptcy', kind: 'concept', names: ['bankruptcy'], pattern: /\bbankrupt|\bbk\b|\bch(?:apter|\.)? ?(?:7|13)\b/ },
  // "Two months behind on my mortgage", "missed two house payments": the road to foreclosure, which the counselling guide answers.
  {
    id: 'foreclosure',
    kind: 'concept',
    names: ['foreclosure'],
    pattern:
      /\bforeclos|\bbehind on (?:my |our |the )?(?:mortgage|house|home)(?: payments?)?\b|\b(?:\w+ )?months? behind on (?:my |our |the )?(?:mortgage|house|home|payments)\b|\bmissed (?:\w+ ){0,2}(?:mortgage|house|home) payments?\b|\blos(?:e|ing) (?:my|our|the|your) (?:house|home)\b/,
  },
  { id: 'appraisal', kind: 'concept', names: ['appraisal'], pattern: /\bappraisals?\b|\bappraised\b/ },
  { id: 'preapproval', kind: 'concept', names: ['preapproval', 'pre-approval'], pattern: /\bpre-?approv|\bpre-?qual(?:if|\b|s\b)/ },
  { id: 'arm', kind: 'concept', names: ['ARM', 'adjustable-rate mortgage'], pattern: /\barms?\b|adjustable[- ]rate/ },
  { id: 'refinance', kind: 'concept', names: ['refinance'], pattern: /\brefinanc|\brefis?\b/ },
  { id: 'funding-fee', kind: 'concept', names: ['funding fee'], pattern: /\bfunding fee\b/ },
  { id: 'gift-funds', kind: 'concept', names: ['gift funds', 'gift money', 'gift letter'], pattern: /\bgifts?\b|\bgifted\b/ },
  { id: 'credit-report', kind: 'concept', names: ['credit report', 'credit bureau'], pattern: /\bcredit reports?\b|\bcredit bureaus?\b|\bdisput|\b(?:experian|equifax|transunion)\b|\bcollection accounts?\b|\b(?:went|gone|sent) to collections?\b/ },
  // "will all those credit pulls tank my score?": hard inquiries, and shopping for a rate counting as one.
  {
    id: 'credit-inquiry',
    kind: 'concept',
    names: ['credit inquiry', 'hard inquiry'],
    pattern: /\binquir(?:y|ies)\b|\bcredit (?:pulls?|checks?)\b|\b(?:pull|pulls|pulled|pulling|run|runs|ran|check|checks|checked) (?:my |our |your )?credit\b|\brate shopping\b/,
  },
  // "how much of my credit card limits should I be using?": utilization.
  {
    id: 'credit-utilization',
    kind: 'concept',
    names: ['credit utilization'],
    pattern: /\butiliz|\b(?:how much|what (?:share|part|percent(?:age)?)) of (?:my |our |the |your )?(?:credit )?(?:card )?(?:limits?|credit lines?|available credit)\b|\bbalance[- ]to[- ]limit\b/,
  },
  { id: 'earnest-money', kind: 'concept', names: ['earnest money'], pattern: /\bearnest money\b|\bgood[- ]faith deposit\b/ },
  { id: 'condo', kind: 'concept', names: ['condo', 'condominium'], pattern: /\bcondo(?:minium)?s?\b/ },
  { id: 'hoa', kind: 'concept', names: ['HOA', 'homeowners association'], pattern: /\bhoa\b|homeowners(?:'|’)? association/ },
  { id: 'cfpb', kind: 'concept', names: ['CFPB', 'Consumer Financial Protection Bureau'], pattern: /\bcfpb\b|consumer financial protection bureau/ },
  { id: 'loan-estimate', kind: 'concept', names: ['Loan Estimate'], pattern: /\bloan estimate\b|\bclosing disclosure\b|\btrid\b|\b(?:cost|fee|closing cost) estimate\b/ },
  // "TIP" only beside the form it is on: "tip" is otherwise an everyday word.
  {
    id: 'total-interest-percentage',
    kind: 'concept',
    names: ['Total Interest Percentage'],
    pattern: /\btotal interest percentage\b|\btip\b(?=[^.?!]*\b(?:loan estimate|closing disclosure|le|cd)\b)|\b(?:loan estimate|closing disclosure)\b[^.?!]*\btip\b/,
  },
  {
    id: 'adverse-action',
    kind: 'concept',
    names: ['adverse action'],
    pattern: /\badverse action\b|\b(?:turned|turn|turns|turning) (?:me |us |them |you |my \w+ |our \w+ )?down\b|\b(?:denied|denial|declined|rejected)\b/,
  },
  // Service members' protections (SCRA, MLA) in a borrower's words: "deployed", "called up", "enlisted".
  {
    id: 'military-service',
    kind: 'concept',
    names: ['active duty', 'service member'],
    pattern: /\bactive[- ]duty\b|\bservice ?members?\b|\bdeploy(?:ed|ment|ing)?\b|\benlist(?:ed|ing)?\b|\bcalled up\b|\bmilitary\b|\bscra\b|\b(?:got|been|was|were|just|being) (?:re)?activated\b(?! (?:my|the|a|an|it|this|that)\b)|\breservists?\b|\bthe reserves\b|\bnational guard\b|\bmobiliz(?:ed|ation)\b|\bin the (?:army|navy|air force|marines|marine corps|coast guard|national guard|reserves?)\b/,
  },
  // And the signs in a borrower's words: paying in gift cards, approval "no matter my credit", a fee wired to stop a foreclosure.
  {
    id: 'fraud',
    kind: 'concept',
    names: ['fraud', 'scam'],
    pattern:
      /\bfraud(?:ulent|ster)?s?\b|\bscam(?:s|mer|mers|med)?\b|\b(?:pay|paid|send|sent|fee|fees)\b[^.?!]{0,40}\bin gift cards?\b|\bguaranteed (?:approval|to (?:approve|stop|fix|remove))\b|\bno matter (?:my|your|our) credit\b|\b(?:stop|save|fix) (?:it|the foreclosure|my credit|your credit) if (?:we|you|i) (?:pay|wire|send)\b/,
  },
  // Reg B's "alimony, child support, or separate maintenance": one income, whatever a state calls it.
  { id: 'alimony', kind: 'concept', names: ['alimony', 'spousal support', 'separate maintenance'], pattern: /\balimony\b|\bspousal (?:support|maintenance)\b|\bseparate maintenance\b/ },
  { id: 'cosigner', kind: 'concept', names: ['co-signer', 'co-borrower'], pattern: /\bco-?sign(?:er|ers|ing|ed)?\b|\bco-?borrowers?\b/ },
  { id: 'self-employed', kind: 'concept', names: ['self-employed'], pattern: /\bself[- ]employ(?:ed|ment)\b|\bown (?:my|our|a) (?:own )?business\b|\b1099\b|\bfreelanc/ },
  { id: 'first-time-buyer', kind: 'concept', names: ['first-time homebuyer', 'first-time buyer'], pattern: /\bfirst[- ]time (?:home ?)?buyers?\b|\bfirst[- ]time homebuyers?\b|\bfirst (?:home|house)\b/ },
  {
    id: 'down-payment-assistance',
    kind: 'concept',
    names: ['down payment assistance'],
    pattern: /\bdown payment (?:assistance|help|grants?)\b|\bhelp with (?:a |the |my )?down payment\b|\bdpa\b/,
  },
  // "Somebody opened a card using my name" is identity theft, whatever word the borrower has for it.
  { id: 'identity-theft', kind: 'concept', names: ['identity theft'], pattern: /\bidentity theft\b|\bstole my identity\b|\bidentity (?:was |got )?stolen\b|\b(?:in|using|under) my name\b|\bfraud alerts?\b|\bcredit freezes?\b|\bfreeze my credit\b/ },
  { id: 'debt-consolidation', kind: 'concept', names: ['debt consolidation'], pattern: /\bconsolidat/ },
  // "…told me to put my income as higher than it really is": a loan officer encouraging you to overstate income.
  { id: 'predatory-lending', kind: 'concept', names: ['predatory lending'], pattern: /\bpredatory\b|\bloan flipping\b|\bequity stripping\b|\b(?:inflat|overstat|exaggerat|fudg|pad)\w* (?:my |our |the |your )?(?:income|salary|pay)\b|\b(?:income|salary|pay) (?:down )?(?:as )?(?:higher|more) than (?:it |i |we )?(?:really |actually )?(?:is|make|earn)\b|\blie about (?:my |our )?(?:income|salary)\b|\b(?:put|list|write|report) (?:down )?(?:a |my |our )?(?:higher|bigger) (?:income|salary)\b|\brefinanc\w* [^.?!]{0,40}\b(?:three|four|five|six|several|many|\d) times\b/ },
  { id: 'housing-counselor', kind: 'concept', names: ['housing counselor', 'HUD-approved counselor'], pattern: /\bhousing counsel(?:or|ors|ing)\b|\bhud[- ]approved\b/ },
  // A question about being treated differently for a protected basis ("…turn me down because of my religion?", the
  // neutraliser's form of "…because I'm Muslim?") is about the law that forbids it, for every kind of credit.
  {
    id: 'ecoa',
    kind: 'concept',
    names: ['Equal Credit Opportunity Act', 'ECOA', 'Regulation B'],
    pattern: new RegExp(`\\becoa\\b|equal credit opportunity|\\bregulation b\\b|\\breg b\\b|${CREDIT_DISCRIMINATION.source}`, 'u'),
  },
  // An appraiser's treatment for a protected basis ("lowballed it because of our national origin") is one the Fair Housing Act forbids.
  { id: 'fair-housing', kind: 'concept', names: ['Fair Housing Act'], pattern: new RegExp(`\\bfair housing\\b|\\bhousing discrimination\\b|${APPRAISAL_DISCRIMINATION.source}`, 'u') },
  { id: 'interest-only', kind: 'concept', names: ['interest-only', 'negative amortization'], pattern:
      /\binterest[- ]only\b|\bnegative amortization\b|\bpayment[- ]option arms?\b|\bow(?:e|es|ing) more than (?:i|we|you|they) (?:originally )?borrow(?:ed)?\b|\b(?:loan )?balance (?:grows|grew|growing|go up|goes up|going up|went up|increases|rises)\b/ },
  { id: 'qualified-mortgage', kind: 'concept', names: ['qualified mortgage', 'ability-to-repay'], pattern: /\bqualified mortgages?\b|\bability[- ]to[- ]repay\b|\bnon-?qm\b|\bsafe[- ]harbor\b/ },
  // "How much should I set aside each year for home repairs?": the upkeep budget the homeownership guide estimates.
  { id: 'home-maintenance', kind: 'concept', names: ['maintenance and repairs'], pattern: /\bmaintenance and repairs\b|\b(?:set aside|budget|save|put away)\b[^.?!]{0,40}\b(?:repairs?|maintenance|upkeep)\b|\b(?:repairs?|maintenance|upkeep)\b[^.?!]{0,20}\b(?:budget|each year|per year|a year|every year)\b/ },
  { id: 'home-inspection', kind: 'concept', names: ['home inspection'], pattern: /\b(?:home )?inspections?\b|\binspectors?\b/ },
  { id: 'income-driven-repayment', kind: 'concept', names: ['income-driven repayment', 'IDR'], pattern: /\bincome[- ]driven\b|\bidr\b|\bincome[- ]based repayment\b|\bpslf\b|public service loan forgiveness/ },
  { id: 'lender-credits', kind: 'concept', names: ['lender credits'], pattern: /\blender credits?\b/ },
  { id: 'rule-28-36', kind: 'concept', names: ['28/36 rule'], pattern: /\b28\s*\/\s*36\b/ },
  { id: 'negative-equity', kind: 'concept', names: ['negative equity', 'underwater'], pattern: /\bnegative equity\b|\bunderwater\b|\bupside[- ]down\b/ },
  // "my mortgage company", "the company I pay my mortgage to": who collects the payments.
  { id: 'servicer', kind: 'concept', names: ['servicer'], pattern: /\bservic(?:er|ers|ing)\b|\bmortgage compan(?:y|ies)\b|\bcompany (?:i|we) pay (?:my |our |the )?mortgage to\b/ },
  // "Some other company takes over collecting my payments", "my loan was sold": a servicing transfer.
  {
    id: 'servicing-transfer',
    kind: 'concept',
    names: ['servicing transfer'],
    pattern: /\bservicing transfers?\b|\btransfer(?:red|s)? (?:of )?(?:the |my |our )?(?:servicing|loan|mortgage)\b|\b(?:takes?|taking|took) over (?:collecting|servicing|my (?:loan|mortgage)|our (?:loan|mortgage))\b|\b(?:loan|mortgage) (?:was|got|is being|has been) sold\b|\bsold my (?:loan|mortgage)\b/,
  },
  // The most a program lends or finances, however asked ("the most an FHA loan will go up to", "a cap on how much I can borrow").
  {
    id: 'loan-limit',
    kind: 'concept',
    names: ['loan limit'],
    pattern:
      /\bloan limits?\b|\b(?:limits?|caps?|ceiling|maximum) on (?:how much|what (?:the )?(?:house|home)|the (?:loan|amount|price|purchase price))\b|\bmax(?:imum)? (?:loan amount|purchase price)\b|\bmost (?:an?|the|my) (?:[\w-]+ ){0,2}(?:loan|mortgage) (?:will|can|could|would) (?:go|be|cover|lend)\b/,
  },
  { id: 'amortization', kind: 'concept', names: ['amortization'], pattern: /\bamortiz/ },
  { id: 'forbearance', kind: 'concept', names: ['forbearance'], pattern:
      /\bforbearance\b|\bloan modification\b|\b(?:skip|pause|postpone|suspend)(?:s|ped|ping|d|ing)? (?:making )?(?:my |our |a few |some |the )?(?:mortgage |monthly |house |home )?payments?\b/ },
] as const satisfies readonly LendingTermEntry[];

/** One entry of {@link LENDING_VOCABULARY}. */
export interface LendingTermEntry {
  id: string;
  kind: 'program' | 'concept';
  /** Names meaning the same thing (full name, abbreviation); a query mentioning one gets the others' words. */
  names: readonly string[];
  /** Finds a mention in lower-cased text (may be broader than `names`). */
  pattern: RegExp;
}

type Entry = (typeof LENDING_VOCABULARY)[number];
/** A loan program a borrower chooses between ('fha', 'heloc', …). */
export type LendingProgram = Extract<Entry, { kind: 'program' }>['id'];
/** A lending concept ('pmi', 'dti', …). */
export type LendingConcept = Extract<Entry, { kind: 'concept' }>['id'];

/** Lower case, NFKC, dashes as '-': the form {@link LendingTermEntry.pattern} runs on. */
export function normaliseLendingText(text: string): string {
  return withAskerPossessive(text.normalize('NFKC').toLowerCase().replace(/[\u2010-\u2013]/g, '-'));
}

/** Each entry with its pattern made global once, for matchAll (which works on a copy, so the shared one keeps no state). */
const GLOBAL_PATTERNS: readonly (readonly [Entry, RegExp])[] = LENDING_VOCABULARY.map((entry) => [entry, new RegExp(entry.pattern.source, `${entry.pattern.flags}g`)]);

/**
 * The vocabulary entries `text` mentions, each with the words of its first mention, run on through
 * mentions that follow it directly ("FICO score" is one mention of the credit score, not "FICO").
 */
export function findLendingTerms(text: string): { entry: Entry; mention: string }[] {
  const lower = normaliseLendingText(text);
  const found: { entry: Entry; mention: string }[] = [];
  for (const [entry, everywhere] of GLOBAL_PATTERNS) {
    const matches = lower.matchAll(everywhere);
    const first = matches.next();
    if (first.done) continue;
    const start = first.value.index;
    let end = start + first.value[0].length;
    for (const next of matches) {
      if (!/^[\s-]?$/.test(lower.slice(end, next.index))) break;
      end = next.index + next[0].length;
    }
    found.push({ entry, mention: lower.slice(start, end) });
  }
  return found;
}

const nameTerms = new Map<string, readonly string[]>(
  LENDING_VOCABULARY.map((entry) => [entry.id, [...new Set(entry.names.flatMap((name) => tokenize(name)))]]),
);

/**
 * Query expansion for lending text: the retrieval terms (shared/text/tokenize.ts) of the other
 * names of every program and concept the query mentions, minus the terms the query already has.
 * "How do I drop PMI?" gets "privat", "mortgag", "insur"; a query naming nothing gets nothing.
 */
export function lendingQueryExpansion(query: string): string[] {
  const own = new Set(tokenize(query));
  const extra = new Set<string>();
  for (const { entry } of findLendingTerms(query)) {
    for (const term of nameTerms.get(entry.id) ?? []) if (!own.has(term)) extra.add(term);
  }
  return [...extra];
}
