import { TREATMENT } from '../../shared/text/unequal-treatment.ts';
import type { ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import { distinctSpans, removeTerms } from './attribute-variants.ts';
import { findProtectedTermSpans } from './find-protected-terms.ts';

/**
 * A basis the neutraliser removes: the ECOA / Regulation B ones the lexicon flags, plus the Fair
 * Housing Act's familial status and disability, and the good-faith exercise of consumer credit
 * rights (Reg B 1002.2(z)). Sexual orientation and gender identity count as sex.
 */
export type NeutralizedCategory = ProtectedCharacteristic | 'familial_status' | 'disability' | 'credit_rights';

/** Why a mention is kept: it bears on a lending rule the answer should state. */
export const RULE_BEARING_REASONS = ['hecm-age', 'public-assistance-income', 'service-connected-disability', 'household-size'] as const;

/** Why a mention was kept: it bears on a lending rule the answer should state. */
export type RuleBearingReason = (typeof RULE_BEARING_REASONS)[number];

export interface NeutralizedQuestion {
  /** The text for retrieval, sentence selection and generation. */
  text: string;
  /** True when `text` differs from the question. */
  changed: boolean;
  /** Bases whose mentions were removed, distinct, in order of first appearance. */
  removed: NeutralizedCategory[];
  /** Mentions kept (in neutral form) because they bear on a lending rule. */
  kept: { category: NeutralizedCategory; term: string; reason: RuleBearingReason }[];
}

interface Span {
  category: NeutralizedCategory;
  term: string;
  start: number;
  end: number;
}

const BEFORE = '(?<![\\p{L}\\p{N}])';
const AFTER = '(?![\\p{L}\\p{N}])';
const pattern = (source: string) => new RegExp(`${BEFORE}(?:${source})${AFTER}`, 'giu');

/**
 * Fair Housing and credit-rights mentions the lexicon does not list (they are not ECOA bases, or
 * are topics as often as traits). Kept small and about the asker: "disability income" is public
 * assistance (the longer span wins), "child support" is income, not family status.
 */
const EXTRA_TERMS: readonly (readonly [NeutralizedCategory, RegExp])[] = [
  ['disability', pattern('disabled|disabilit(?:y|ies)|handicapped|handicap|wheelchair(?: users?)?|blind|deaf|autistic|autism|mental(?:ly)? ill(?:ness)?|chronic(?:ally)? ill(?:ness)?|service[- ]connected disabilit(?:y|ies)')],
  [
    'familial_status',
    pattern(
      'familial status|(?:single )?(?:mother|father|parent|mom|mum|dad) of (?:one|two|three|four|five|six|\\d+)(?: (?:kids|children))?|(?:have|having|with|raising|expecting|adopting|fostering) (?:(?:a|an|one|two|three|four|five|six|\\d+|small|young|little|several|many|my) )?(?:kids?|children|child(?! support)|bab(?:y|ies)|newborns?|toddlers?|dependents?)|expecting a baby|(?:family|household) of (?:\\d+|two|three|four|five|six|seven|eight)|(?:\\d+|two|three|four|five|six|seven|eight)[- ]person household|(?:large|big|growing) family',
    ),
  ],
  [
    'credit_rights',
    pattern(
      '(?:filed|made|submitted|lodged) (?:an? |my )?(?:complaints?|disputes?)(?: (?:with|against) (?:the |my |a )?(?:CFPB|lender|bank|servicer|credit bureau|regulator)s?)?|disputed (?:my |an? |the |some )?(?:credit report|errors?|items?|charges?|debts?|accounts?)|(?:sued|am suing|took legal action against) (?:my |a |the )?(?:lender|bank|servicer|credit bureau)s?|exercised my (?:consumer )?rights',
    ),
  ],
];

/** The question is about a reverse mortgage, where the youngest borrower's age (62) is the rule. */
const HECM_CONTEXT = /\b(?:reverse mortgages?|HECMs?|home equity conversion)\b/iu;
/** The question is about income being counted (Reg B: public assistance counts like any income). */
// "How much could we borrow against the car?" is about the car's value, not income; "qualify for an appraisal
// waiver" about the property, not income.
// "Can an interest-only loan count as a qualified mortgage?" counts a loan, not income.
const INCOME_CONTEXT = /\b(?:income|count(?:s|ed)?(?! as (?:an? |the )?(?:[\w-]+ ){0,3}(?:mortgages?|loans?|QMs?)\b)|afford|qualify(?! for (?:an? |the )?(?:appraisal|inspection) waiver)|borrow(?! against)|debt-to-income|DTI|salary|earn(?:ings)?)\b/iu;
/** VA and service-member rules where a service-connected disability changes the terms (funding fee). */
const SERVICE_CONTEXT = /\b(?:VA|veterans?|service ?members?|military|active[- ]duty|funding fee|SCRA|MLA)\b/u;
/** USDA and other programs with household-size income limits. */
const HOUSEHOLD_CONTEXT = /\b(?:USDA|income (?:limits?|caps?)|household income|rural)\b/iu;

/** Support as income received: "receive support", "get monthly support" (before the word "support"). */
const SUPPORT_RECEIVED = "(?:receiv\\w*|get|gets|getting|got|collect\\w*|draw\\w*|am paid|was awarded|awarded) (?:(?:monthly|regular|court-ordered|some|temporary) )?";

/** Rewrites that keep a mention's meaning without the basis (applied before removal). */
const REWRITES: readonly (readonly [NeutralizedCategory, RegExp, string])[] = [
  // "maternity leave" is parental leave: the leave bears on income, the sex does not.
  ['sex', pattern('(?:maternity|paternity)(?= leave)'), 'parental'],
  ['sex', pattern('maternity|paternity'), 'parental leave'],
  // "Living on my late husband's pension" — a survivor's pension, whoever was married to whom.
  ['marital_status', pattern("(?:my|our) late (?:spouse|husband|wife|partner)['’]s"), "a survivor's"],
  // "My late wife always handled the money", "child support from my ex-husband", "my ex": a former partner, however it ended.
  ['marital_status', pattern('(my|our) (?:(?:late|former|deceased|previous|first) (?:spouse|husband|wife|partner)|ex(?:-| )?(?:spouse|husband|wife|partner)|ex(?![\\p{L}-]))'), '$1 former partner'],
  // "I am legally separated and receive support": support received is spousal support (an income type, as alimony
  // is), which says so once the separation goes. Not child support, nor support that is not paid ("my family supports me").
  ['marital_status', pattern(`(separated|divorced|divorcing|split up)\\b([^.?!]*?\\b${SUPPORT_RECEIVED})support`), '$1$2spousal support'],
  ['marital_status', pattern(`(${SUPPORT_RECEIVED})support([^.?!]*?\\b(?:separated|divorced|divorce|split up))`), '$1spousal support$2'],
  // "My spouse and I" — a second applicant, whoever they are (and "we" below).
  ['marital_status', pattern('(?:my|our) (?:spouse|husband|wife|domestic partner|fianc[ée]e?|partner)'), 'my co-borrower'],
  ['sex', pattern('(?:my|our) (?:girlfriend|boyfriend)'), 'my co-borrower'],
  // "My daughter wants to buy…", "our dad would co-sign": a relative, whichever sex.
  ['sex', pattern('(my|our|his|her|their) (?:daughter|son|stepdaughter|stepson)s'), '$1 children'],
  ['sex', pattern('(my|our|his|her|their) (?:daughter|son|stepdaughter|stepson)'), '$1 child'],
  // (A son- or daughter-in-law is read by the rows above: "my child-in-law".)
  ['sex', pattern('(my|our|his|her|their) (?:mother|father|sister|brother)-in-law'), '$1 in-law'],
  ['sex', pattern('(my|our|his|her|their) (?:mother|father|mom|dad|mum|mommy|daddy|stepmother|stepfather|stepmom|stepdad)(s?)'), '$1 parent$2'],
  ['sex', pattern('(my|our|his|her|their) (?:grandmother|grandfather|grandma|grandpa|granny|grandmom|granddad)(s?)'), '$1 grandparent$2'],
  ['sex', pattern('(my|our|his|her|their) (?:granddaughter|grandson)s'), '$1 grandchildren'],
  ['sex', pattern('(my|our|his|her|their) (?:granddaughter|grandson)'), '$1 grandchild'],
  ['sex', pattern('(my|our|his|her|their) (?:sister|brother|stepsister|stepbrother)(s?)'), '$1 sibling$2'],
  ['sex', pattern('(my|our|his|her|their) (?:aunt|uncle|niece|nephew)(s?)'), '$1 relative$2'],
  // "Just a gal who welds for a living" — someone who does, whoever they are.
  ['sex', pattern('(?:a|an|one) (?:gal|guy|dude|chick|lady|woman|man|girl|boy)(?= who\\b)'), 'someone'],
  // "Since my wedding in June" — the month stays, the event goes.
  ['marital_status', pattern('(?:my|our) (?:wedding|divorce|marriage|separation|honeymoon|engagement) in'), ''],
  // "Folks at my parish say…", "volunteers at our Hindu temple": a community, whose faith it is.
  // (Not where it names a job: "my mosque bookkeeping salary" loses the mosque.)
  // ("Our whole Hindu temple congregation threw him a send-off": one community, with its "whole".)
  ['religion', pattern('(my|our) (?:(?:whole|entire|local|old|new|home|little|big) )?(?:\\p{Lu}[\\p{L}-]* )?(?:parish|mosque|masjid|synagogue|shul|gurdwara|mandir|temple|church|congregation)(?: (?:congregation|community|family))?(?![’\\x27]s)(?!\\s+(?:\\p{L}+\\s+)?(?:salary|job|pay|income|wages?|paycheck|position|work|employer|payroll|office|admin|bookkeeping|daycare|preschool|school|pantry)\\b)'), '$1 community'],
  // "close right before Passover", "during Ramadan": the holidays, whose they are ("before Christmas" is a date to most).
  // (A fast for the day is the observance itself, cut whole: "Fasting today for Yom Kippur, so…".)
  ['religion', pattern('(?<!(?:fasting|observing|celebrating)(?: today| tonight| this week| this month| all day)? )(before|after|during|over|for|around|near) (?:passover|pesach|eid(?: al-fitr| al-adha| ul-fitr)?|ramadan|hanukkah|chanukah|diwali|rosh hashanah|yom kippur|vaisakhi)'), '$1 the holidays'],
  // "Diwali season", "the Christmas season" — a season of spending, whose holiday it is.
  ['religion', pattern('(?:diwali|ramadan|eid|hanukkah|chanukah|passover|christmas|easter|vaisakhi|lunar new year)(?= season)'), 'holiday'],
  // "My skin color has never mattered." — the trait as a subject becomes "it" (in a statement: see below).
  [
    'color',
    // ("My complexion is olive." is a statement of the trait, removed whole below, not made "It is olive.")
    pattern('(?:my|our) (?:skin colou?r|skin tone|complexion)(?! (?:is|was)\\b)'),
    'it',
  ],
  ['race', pattern('(?:my|our) (?:race|ethnicity)'), 'it'],
  // "My faith forbids paying interest" — the borrower's constraint, whatever its reason.
  ['religion', pattern('(?:my|our) (?:religion|faith|religious beliefs?|beliefs?) (?:forbids?|prohibits?|bans?|does(?: not|n[\'’]t) (?:allow|permit))'), 'I cannot accept'],
  ['religion', pattern('(?:my|our) (?:religion|faith)'), 'it'],
  ['national_origin', pattern('(?:my|our) (?:national origin|nationality|citizenship|immigration status)'), 'it'],
  ['sex', pattern('(?:my|our) (?:sex|gender|gender identity|sexual orientation)'), 'it'],
  ['marital_status', pattern('(?:my|our) marital status'), 'it'],
];

/** The rows of {@link REWRITES} that name a relative or partner ("my co-borrower", "my parent", "my relative"). */
const RELATIVE_REWRITES = REWRITES.filter(([, , replacement]) => /co-borrower|child|in-law|parent|sibling|relative/u.test(replacement));

/** Words of degree a cut leaves before the trait it qualified ("very fair skin", "pretty dark-skinned"). */
const DEGREE = '(?:very|quite|pretty|really|fairly|rather)';

const SELF_NOUN = '(?:borrower|applicant|buyer|homebuyer|homeowner|person|individual|customer|client|recipient)s?';
const SELF_NOUN_WORD = new RegExp(`^${SELF_NOUN}$`, 'iu');

/** "Quick question:", "Question from a borrower —", repeated ("Quick question from a woman: quick question: what…"): they say nothing. */
const QUESTION_PREAMBLES = new RegExp(
  `^\\s*(?:(?:(?:a|one|my)\\s+)?(?:(?:quick|simple|short|dumb|silly|random|basic|newbie|general)\\s+)?(?:question|q)(?:\\s+(?:from|by)\\s+(?:an?\\s+)?${SELF_NOUN})?\\s*(?:here)?\\s*(?:[:,—–-]+|\\.(?=\\s+\\p{L}))\\s*)+`,
  'iu',
);

/**
 * Courtesy that closes or opens a post ("Thanks in advance for any help!", "Any advice appreciated.",
 * "I was wondering:"): it says nothing about the question, and its words ("advance", "help") would
 * otherwise pull retrieval towards advance fees and help lines. Only whole sentences, or a preamble
 * ended by punctuation ("I was wondering how much…" is the question itself).
 */
const COURTESY_SENTENCE = new RegExp(
  '(^|[.!?]\\s+)(?:' +
    '(?:thanks|thank you|thx|tia|many thanks|cheers)(?: (?:so|very) much)?(?: (?:in advance|a lot|a bunch|again|everyone|all))?' +
    '(?: for (?:any|your|the|all)(?: the)? (?:help|advice|input|answers?|replies|guidance|insights?|tips|time|thoughts)(?: (?:you can (?:give|offer)|here))?)?' +
    '|(?:any|all) (?:help|advice|input|guidance|tips|insights?|thoughts)(?: (?:is|would be|will be))?(?: (?:much|greatly|really|truly|hugely|very much))? appreciated' +
    '|(?:(?:I|we)(?:[\'’]d| would)? )?(?:really |truly |greatly )?appreciate (?:it|this|any (?:help|advice|input|guidance|tips|thoughts)|your (?:help|advice|time|input))' +
    '|(?:(?:I|we) )?hope (?:you can help|someone can help|this makes sense|that makes sense)' +
    '|sorry (?:for|about) the (?:long|dumb|basic|silly|stupid|newbie) (?:post|question|message|rant)' +
    '|please help(?: me| us)?' +
    ')\\s*(?:[.!]+|$)',
  'giu',
);
const COURTESY_PREAMBLE =
  /^\s*(?:(?:I was|I['’]m|I am|I['’]ve been|I have been|just|been) wondering|I['’]d (?:like|love) to know|I want to know|I have a (?:quick |simple |short )?question|my question is|does anyone know|(?:can|could) (?:you|someone|anyone) (?:please )?(?:tell me|explain))\s*[:,—–-]+\s*/iu;

/**
 * Removes mentions of protected characteristics that do not bear on a lending rule from a
 * borrower's question, so retrieval, sentence selection and generation see the same text whoever
 * asks: "As a Black borrower, what credit score do I need for an FHA loan?" → "What credit score do
 * I need for an FHA loan?"; "As a 35-year-old Catholic woman, can I…" → "Can I…". Mentions that
 * bear on a rule stay, in neutral form, so the answer can state the rule: an age in a reverse-
 * mortgage question (the youngest borrower must be 62), public-assistance income in a question
 * about income ("I receive SSI" → "I receive public assistance income": Reg B requires it to be
 * counted like other income), a service-connected disability in a VA question, household size
 * in a USDA question. Military and veteran status are not protected bases and are never removed.
 * Consumer-rights mentions ("I disputed my credit report") are removed only from statements about
 * the borrower, never from the question itself, where they are the topic.
 *
 * Deterministic and never empty: when nothing but protected terms was asked, the question is
 * returned unchanged (there is nothing else to answer).
 */
export function neutralizeQuestion(question: string): NeutralizedQuestion {
  const kept: NeutralizedQuestion['kept'] = [];
  const removed = new Set<NeutralizedCategory>();
  let text = question;

  // 1. Rule-bearing mentions, rewritten to one neutral form.
  if (INCOME_CONTEXT.test(text)) text = canonicalPublicAssistance(text, kept);
  for (const [category, regex, replacement] of REWRITES) {
    // A basis named in the question is its topic and stays ("Can a lender ask about my religion?"); in a statement it goes.
    const rewritten =
      replacement === 'it'
        ? text.replace(regex, (match: string, ...rest: unknown[]) => (sentenceAt(text, rest.find((value) => typeof value === 'number') as number).trim().endsWith('?') ? match : 'it'))
        : text.replace(regex, replacement);
    if (rewritten !== text) removed.add(category);
    text = rewritten;
  }

  // A first name says the asker's sex (and often their origin): "Hi, I'm Jennifer." goes whole.
  text = withoutOwnName(text, () => removed.add('sex'));

  // 2. Every other protected mention goes — but a trait given as the reason for how a lender treats the borrower
  // ("turn me down because I'm Muslim") is what the question is about: it becomes the basis's name ("because of my
  // religion"), alike for every value, and the name stays.
  let spans = spansToCut(text, kept);
  const reframed = withTraitsAsBases(text, spans);
  if (reframed !== text) {
    for (const span of spans) removed.add(span.category);
    text = reframed;
    spans = spansToCut(text, kept);
  }
  for (const span of spans) removed.add(span.category);
  const beforeCuts = text;
  if (spans.length > 0) text = firstPerson(removeTerms(text, spans), beforeCuts);
  // A relative a trait stood between ("my Muslim partner", "my 81-year-old uncle") is read once the trait is cut.
  if (spans.length > 0) for (const [, regex, replacement] of RELATIVE_REWRITES) text = text.replace(regex, replacement);
  // "Can a stay-at-home mom get a card in her own name?", "she's asking for me": a pronoun says the sex again.
  text = neutralPronouns(text, () => removed.add('sex'));
  text = tidySelfDescription(text);
  // Tidying makes askers too ("Can two women get…" → "Can co-borrowers get…" → "Can we get…").
  if (spans.length > 0) text = withoutCreatedAsAsker(firstPerson(text, beforeCuts), beforeCuts);

  if (!/\p{L}{2,}/u.test(text.replace(/\b(?:I|am|are|is|we|a|an|the|it)\b/giu, ''))) text = question.trim();
  return { text, changed: text !== question, removed: [...removed], kept };
}

/** The protected mentions of `text` to cut: those that bear on no rule (the others are recorded in `kept`). */
function spansToCut(text: string, kept: NeutralizedQuestion['kept']): Span[] {
  return distinctSpans(findSpans(text)).filter((span) => {
    const reason = ruleBearing(span, text);
    if (reason === undefined) return true;
    // The canonical "public assistance income" written in step 1 is already recorded by program.
    const canonical = reason === 'public-assistance-income' && kept.some((entry) => entry.reason === reason);
    if (!canonical && !kept.some((entry) => entry.term === span.term)) kept.push({ category: span.category, term: span.term, reason });
    return false;
  });
}

/** A trait given as the reason for a treatment: "because I'm", "because of my", "based on being", "for being". */
const AS_REASON = /\b(?:(?:because|cuz|cause|bc) (?:I['’]m|I am|we['’]re|we are|I was|we were|(?:I|we) (?:get|receive|collect|use|draw)|(?:I['’]m|I am|we['’]re|we are) on)|(?:because of|cuz of|cause of|bc of|based on|due to|on account of|over) (?:my|our|me being|us being|being)|for being)\s+(?:(?:an?|so|too|very)\s+)?$/iu;
/**
 * A statement that gives the trait as the suspected reason for what was done ("I honestly think it's
 * because I'm Latina."), read up to the reason frame.
 */
const SUSPECTED_REASON = /\b(?:think|suspect|feel|believe|bet|guess|sure|wonder if)\b[^.?!]*\b(?:it['’]?s|it is|it was|that['’]?s|that is|that was|this is|was it)\s+(?:(?:only|just|all|partly|really)\s+)?$/iu;
/**
 * The reason frame at `reasonStart` (ending at `reasonEnd`) is in a statement that suspects it ("I honestly think
 * it's because …") and the text then asks whether that is lawful or what to do about it.
 */
function suspectedReason(text: string, reasonStart: number, reasonEnd: number): boolean {
  return SUSPECTED_REASON.test(text.slice(sentenceStartAt(text, reasonStart), reasonStart)) && RECOURSE_QUESTION.test(text.slice(reasonEnd));
}

/** A question about whether a treatment is lawful, or what to do about it ("Is that steering, and is it illegal?", "Who can I report this to?"). */
const RECOURSE_QUESTION =
  /\b(?:legal|illegal|allowed|lawful|unlawful|discriminat\w*|steering|redlining|report|complain\w*|file|rights?|can (?:they|he|she|it|the \w+) (?:even |really |legally )?do (?:that|this)|what (?:can|should) (?:i|we) do)\b[^.!?]*\?/iu;
/** What lies between two traits of one reason ("a Black woman", "Muslim and Arab", "70-year-old"). */
const BETWEEN_TRAITS = /^[\s-]*(?:(?:and|or)\s+)?(?:an?\s+)?$/iu;
/** The name of each basis, as a question about it says it (and as {@link BASIS_NAME} keeps it). */
const BASIS_NAMES: Readonly<Record<NeutralizedCategory, string | undefined>> = {
  race: 'race', color: 'skin color', religion: 'religion', national_origin: 'national origin', sex: 'sex', marital_status: 'marital status',
  age: 'age', public_assistance: 'receipt of public assistance', familial_status: 'familial status', disability: 'disability', credit_rights: undefined,
};

/**
 * "Can a lender turn me down because I'm Muslim?" → "…because of my religion?"; "charge me more for being a Black
 * woman" → "…because of my race and sex": the question keeps its subject, the treatment and the law on it, and
 * reads the same for every value of the trait.
 */
function withTraitsAsBases(text: string, spans: readonly Span[]): string {
  let out = text;
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  for (let i = ordered.length - 1; i >= 0; i -= 1) {
    // Take the run of traits that ends at span i and starts right after a reason frame.
    let first = i;
    while (first > 0 && BETWEEN_TRAITS.test(text.slice(ordered[first - 1]!.end, ordered[first]!.start))) first -= 1;
    // A span may carry its own "I'm" ("because I'm 70"): the frame reads up to the trait itself.
    const own = /^(?:I['’]m|I am|we['’]re|we are)\s+/iu.exec(text.slice(ordered[first]!.start, ordered[first]!.end));
    const frame = AS_REASON.exec(text.slice(0, ordered[first]!.start + (own?.[0].length ?? 0)));
    // Only the reason for how someone treats the borrower ("turn me down", "charge me more", "lowballed"), not for
    // the borrower's own choice ("Because I'm 67, should I get a 15-year loan?").
    // In a statement the reason goes with its trait ("…talked down to me because I'm divorced. Anyway, …"), unless the
    // statement suspects it and the text asks about it.
    const sentence = sentenceAt(text, ordered[first]!.start);
    if (!frame) continue;
    const asked = sentence.trim().endsWith('?') && TREATMENT.test(sentence);
    // Or a statement giving it as the suspected reason, when the text then asks whether that is lawful or what to do.
    if (!asked && !suspectedReason(text, frame.index, ordered[i]!.end)) continue;
    const names = [...new Set(ordered.slice(first, i + 1).map((span) => BASIS_NAMES[span.category]))];
    if (names.some((name) => name === undefined)) continue;
    const preposition = /^(?:based on|due to|on account of|over)\b/iu.exec(frame[0])?.[0] ?? 'because of';
    const whose = /\b(?:we|we['’]re|us|our)\b/iu.test(frame[0]) ? 'our' : 'my';
    out = `${out.slice(0, frame.index)}${withCaseOf(frame[0], preposition)} ${whose} ${names.join(' and ')}${out.slice(ordered[i]!.end)}`;
    i = first;
  }
  return out;
}

/**
 * Rules where the characteristic decides the answer (a 45-year-old cannot get a HECM; a
 * service-connected disability waives the VA funding fee; USDA's limit grows with the household),
 * unlike public-assistance income, which Reg B says must be counted like any other income.
 */
const ANSWER_DECIDING_RULES: ReadonlySet<RuleBearingReason> = new Set(['hecm-age', 'service-connected-disability', 'household-size']);

/**
 * The question's protected mentions (lower-case terms) whose rule decides the answer, so a
 * counterfactual check must not vary them: different answers for different values are right.
 * Public-assistance income is not among them — the same answer is owed either way.
 */
export function answerDecidingTerms(question: string): ReadonlySet<string> {
  return new Set(neutralizeQuestion(question).kept.filter((entry) => ANSWER_DECIDING_RULES.has(entry.reason)).map((entry) => entry.term));
}

/** An introduction by first name ("Hi, I'm Jennifer.", "My name is Robert and…", "This is Ana here:"), or a signature after thanks. */
const OWN_NAME =
  /(?:^|(?<=[.!?]\s+))(?:(?:[Hh]i|[Hh]ello|[Hh]ey|[Gg]ood (?:morning|afternoon|evening))[,!.]?\s+)?(?:(?:[Mm]y name is|[Mm]y name['’]s|I['’]m|I am|[Tt]his is)\s+)(\p{Lu}\p{Ll}+(?:[- ]\p{Lu}\p{Ll}+)?)(?:\s+here)?(?:\s*[,.!:;—–-]+\s*|\s+(?=and\b)|\s*$)/gu;
// "Thank you,\nJ. Carter", "Best, Dana Lee": initials and a surname sign too.
const SIGNATURE = /(?:^|\s+)(?:[Tt]hanks|[Tt]hank you|[Tt]hx|[Cc]heers|[Rr]egards|[Bb]est|[Ss]incerely)(?: so much| in advance)?\s*[,!.—–-]+\s*(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr)\.?\s+)?(?:\p{Lu}\.\s*)*(\p{Lu}\p{Ll}+)(?:\s+(?:\p{Lu}\.\s*)*\p{Lu}\p{Ll}+)?[.!]?\s*$/u;

function withoutOwnName(text: string, onRemoved: () => void): string {
  // A capitalised word that is a protected term ("I'm Hispanic.", "I am Catholic.") is left to the lexicon, which records its basis.
  const isName = (word: string) => findProtectedTermSpans(word).length === 0 && !/^(?:Not|Just|Also|So|Very|Here|Looking|Trying|Buying|Retired|Self)$/u.test(word);
  let out = text.replace(OWN_NAME, (match: string, name: string) => {
    // ("I'm Native American." is no name: the whole of it is read, not only "Native"; "Mr Okafor" is one.)
    const traits = findProtectedTermSpans(name).filter((span) => !/^(?:mrs?|ms|mx|miss)\.?$/iu.test(span.term));
    if (!isName(name.split(/[- ]/u)[0]!) || traits.length > 0) return match;
    onRemoved();
    // "My name is Robert and I…" keeps "I…"; "Hi, I'm Jennifer. What…" keeps "What…".
    return '';
  });
  out = out.replace(SIGNATURE, (match: string, name: string) => {
    if (!isName(name)) return match;
    onRemoved();
    return '';
  });
  return out.replace(/^\s*and\s+/iu, '');
}

/** "She's asking for me", "my son wants to buy his first home": a third person's pronouns, whichever sex. */
const GENDERED_PRONOUN = /\b(?:she|he)(['’](?:s|ll|d))?\b|\b(?:herself|himself)\b|\b(?:her|him|his|hers)\b/giu;

function neutralPronouns(text: string, onRemoved: () => void): string {
  return text.replace(GENDERED_PRONOUN, (match: string, contraction: string | undefined, offset: number) => {
    onRemoved();
    const lower = match.toLowerCase();
    const upper = /^\p{Lu}/u.test(match);
    let neutral: string;
    if (lower.startsWith('she') || lower.startsWith('he') && !lower.startsWith('her')) {
      const ending = contraction === undefined ? '' : contraction.slice(1).toLowerCase();
      neutral = ending === 's' ? 'they’re' : ending === '' ? 'they' : `they’${ending}`;
      if (contraction !== undefined && /^['’]s$/u.test(contraction) && /^\s+(?:got|been|had)\b/u.test(text.slice(offset + match.length))) neutral = 'they’ve';
    } else if (lower === 'herself' || lower === 'himself') neutral = 'themselves';
    else if (lower === 'hers') neutral = 'theirs';
    else if (lower === 'him') neutral = 'them';
    // "her" before a noun is a possessive ("her first home"), otherwise an object ("I asked her"); "his" is a possessive.
    // ("offered her a loan", "gave her the keys": an object before the thing given.)
    else if (lower === 'her') neutral = /^\s+(?:to|for|with|about|on|in|at|from|by|and|or|if|when|that|as|too|so|out|up|down|back|off|a|an|the|some|any|one|more|less)\b|^\s*(?:[,.;:!?)]|$)/u.test(text.slice(offset + match.length)) ? 'them' : 'their';
    else neutral = 'their';
    return upper ? neutral.charAt(0).toUpperCase() + neutral.slice(1) : neutral;
  });
}

function findSpans(text: string): Span[] {
  const spans: Span[] = findProtectedTermSpans(text).map(({ characteristic, term, start, end }) => ({ category: characteristic, term, start, end }));
  for (const [category, regex] of EXTRA_TERMS) {
    for (const match of text.matchAll(regex)) {
      spans.push({ category, term: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length });
    }
  }
  // Consumer-rights mentions inside the question sentence are its topic ("How do I dispute…?"), and so is
  // the name of a basis ("Can a lender ask about my religion?", "Do we have to answer the race and
  // ethnicity questions?"): it says no value, so every variant of a question keeps it alike.
  const asked = (span: Span) => sentenceAt(text, span.start).trim().endsWith('?');
  const topics: Span[] = [];
  return spans.filter((span) => {
    if (span.category === 'credit_rights') return !asked(span);
    const before = text.slice(0, span.start);
    const named = BASIS_NAME.test(span.term) || (span.term === 'public assistance' && /\breceipt of\s+$/iu.test(before));
    // So is the basis a statement gives as the suspected reason for what was done, when the text asks about it.
    const reason = /\b(?:because of|based on|due to|on account of)\s+(?:my|our)\s+$/iu.exec(before);
    if (!named || !(asked(span) || (reason !== null && suspectedReason(text, reason.index, span.end)))) return true;
    const listed = topics.some((topic) => /^\s*(?:,|or|and|,\s*or|,\s*and)\s+(?:(?:my|our|your|their)\s+)?$/iu.test(text.slice(topic.end, span.start)));
    if (listed || BASIS_TOPIC_BEFORE.test(before) || BASIS_TOPIC_AFTER.test(text.slice(span.end))) {
      topics.push(span);
      return false;
    }
    return true;
  });
}

/** Where a basis named in a question is what it asks about: "ask about my religion", "because of my race", "the race … questions". */
const BASIS_TOPIC_BEFORE =
  /\b(?:about|what(?:['’]s| is| are| was)|receipt of|ask(?:s|ed|ing)?|because of|based on|basis of|consider(?:s|ed|ing)?|us(?:e|es|ed|ing)|answer(?:s|ed|ing)?|discriminat\w*(?: against me)?(?: over| for| on)?|record(?:s|ed)?|collect(?:s|ed)?|disclose|report|share|state|list|include|leave out|skip|want(?:s|ed)?|need(?:s|ed)?|requir(?:e|es|ed)|request(?:s|ed)?)\s+(?:the\s+|my\s+|our\s+|your\s+|their\s+|an?\s+applicant['’]s\s+)?$/iu;
const BASIS_TOPIC_AFTER = /^\s*(?:(?:and|or)\s+\p{L}+\s+)?(?:matters?|affects?|counts?|hurts?|helps?|plays?|factors?|questions?|box(?:es)?|fields?|sections?|information|data)\b/iu;

/** The name of a protected basis, not a value of it ("race", not "Black"; "my age", not "67"). */
const BASIS_NAME = /^(?:races?|ethnicit(?:y|ies)|religions?|national origins?|sex|gender|marital status|(?:(?:my|your|their|his|her|our) )?age|skin colou?r|skin tone|familial status)$/u;

function ruleBearing(span: Span, text: string): RuleBearingReason | undefined {
  if (span.category === 'age' && HECM_CONTEXT.test(text)) return 'hecm-age';
  if (span.category === 'public_assistance' && /^public assistance income$/u.test(span.term)) return 'public-assistance-income';
  if (span.category === 'public_assistance' && span.term === 'public assistance' && /^ income/u.test(text.slice(span.end))) return 'public-assistance-income';
  if (span.category === 'disability' && (/service[- ]connected/u.test(span.term) || SERVICE_CONTEXT.test(text))) return 'service-connected-disability';
  if (span.category === 'familial_status' && /(?:family|household|person)/u.test(span.term) && HOUSEHOLD_CONTEXT.test(text)) return 'household-size';
  return undefined;
}

/**
 * In a question about income, each statement naming public-assistance programs ("I receive SSI and
 * SNAP.") becomes "I receive public assistance income.", and a program named inside the question
 * becomes "public assistance income", whichever program it was.
 */
function canonicalPublicAssistance(text: string, kept: NeutralizedQuestion['kept']): string {
  const spans = findProtectedTermSpans(text).filter((span) => span.characteristic === 'public_assistance');
  if (spans.length === 0) return text;
  for (const span of spans) {
    if (!kept.some((entry) => entry.term === span.term)) kept.push({ category: 'public_assistance', term: span.term, reason: 'public-assistance-income' });
  }
  const sentences = [...text.matchAll(/[^.!?]+[.!?]*\s*/gu)].map((match) => ({ text: match[0], start: match.index, end: match.index + match[0].length }));
  return sentences
    .map((sentence) => {
      const inside = spans.filter((span) => span.start >= sentence.start && span.end <= sentence.end);
      if (inside.length === 0) return sentence.text;
      const trailing = /\s*$/u.exec(sentence.text)?.[0] ?? '';
      if (!sentence.text.trim().endsWith('?')) return `I receive public assistance income.${trailing}`;
      let out = sentence.text;
      for (const span of [...inside].reverse()) {
        const from = span.start - sentence.start;
        const to = span.end - sentence.start;
        // "my SSI income" → "my public assistance income", not "… income income".
        const rest = out.slice(to).replace(/^\s+(?:income|benefits?|payments?|checks?)\b/iu, '');
        // "As a SNAP recipient, …" → "As a public assistance income recipient, …": the person stays a person.
        const person = / (?:recipients?|beneficiar(?:y|ies)|participants?)$/iu.exec(out.slice(from, to))?.[0] ?? '';
        out = `${out.slice(0, from)}public assistance income${person.toLowerCase()}${rest}`;
      }
      return out.replace(/public assistance income(?:\s*(?:,|and|or|&)\s*public assistance income)+/gu, 'public assistance income');
    })
    .join('');
}

const GENERIC_ASKER = new RegExp(`\\b(does|do|can|could|should|would|will|might|may|is|are|for|to)\\s+(?:(?:an?|the|this)\\s+)?(${SELF_NOUN}|couples?|famil(?:y|ies)|co-borrowers|seniors|immigrants)\\b(['’]s\\b)?`, 'giu');

/**
 * "What rate can an elderly borrower get?" is the asker's question: once the attribute is cut,
 * the bare "a borrower" it leaves after an auxiliary becomes "I" ("a couple" becomes "we"), so the
 * question reads as the plain first-person one. Only noun phrases the cut created are rewritten
 * (a question that said "Can a buyer…" to begin with keeps it).
 */
function firstPerson(neutral: string, before: string): string {
  const count = (text: string, phrase: string) => [...text.matchAll(GENERIC_ASKER)].filter((match) => match[0].toLowerCase() === phrase).length;
  return neutral.replace(GENERIC_ASKER, (match: string, auxiliary: string, noun: string, possessive: string | undefined, offset: number) => {
    if (count(neutral, match.toLowerCase()) <= count(before, match.toLowerCase())) return match;
    // "We are a couple…" states who asks; only an auxiliary that opens a question takes "I"/"we".
    if (/\b(?:I|we|they|you|who|that)\s*$/iu.test(neutral.slice(0, offset))) return match;
    // "Our family is a borrower and…" states, it does not ask: "is"/"are" after a noun stays.
    if (/^(?:is|are)$/iu.test(auxiliary) && !/(?:^|[.!?,;:—–-]\s*|\b(?:and|but|or|so|if|when|how|what|why|where|which|whether|who)\s+)$/iu.test(neutral.slice(0, offset))) return match;
    const verb = auxiliary.toLowerCase();
    const object = verb === 'for' || verb === 'to';
    const pronoun = /^(?:couples?|famil(?:y|ies)|co-borrowers)$/iu.test(noun) ? (object ? 'us' : 'we') : object ? 'me' : 'I';
    const agreed = verb === 'does' ? 'do' : verb === 'is' || verb === 'are' ? (pronoun === 'I' ? 'am' : 'are') : auxiliary;
    const cased = withCaseOf(auxiliary, agreed);
    // "Why would a borrower's Loan Estimate…": the asker's own, "Why would my Loan Estimate…".
    if (possessive) return `${auxiliary} ${pronoun === 'I' || pronoun === 'me' ? 'my' : 'our'}`;
    return `${cased} ${pronoun}`;
  });
}

/** "…as a couple?" closing a question: what a cut leaves of "…as a Black couple?", "…as two women?". */
const AS_ASKER_AT_END = /\s+as (?:an? )?(?:couple|family|household|pair|co-borrowers|borrowers?)(?=\s*[?.!]?\s*$)/giu;

/** {@link AS_ASKER_AT_END} goes where the cut made it (a question that said "…apply as a couple?" keeps it). */
function withoutCreatedAsAsker(neutral: string, before: string): string {
  const count = (text: string) => [...text.matchAll(AS_ASKER_AT_END)].length;
  return count(neutral) > count(before) ? neutral.replace(AS_ASKER_AT_END, '') : neutral;
}

/** Cleans what removal leaves around a self-description: "As a borrower, can I…" → "Can I…". */
function tidySelfDescription(text: string): string {
  return (
    text
      // "My wife and I just got…", "me and my Catholic husband are buying…" leave "my co-borrower and I": we, as a
      // couple who asks together says it.
      .replace(/\b(?:my|our) co-borrower and I\b|\bme and my co-borrower\b/giu, (match: string) => withCaseOf(match, 'we'))
      // "a person with light skin here:", "from a person with light skin:" leave "a person with" hanging: one asker, "a borrower".
      .replace(/\b(?:(?:an?|one) )?(?:person|someone|individual|borrower) with(?=\s*(?:[:,.!?;—–-]|here\b|and\b|$))/giu, (match: string) => withCaseOf(match, 'a borrower'))
      .replace(new RegExp(`(^|[.!?]\\s+)(?:(?:Speaking|Asking|Writing) as|As|Being|At)(?:\\s+age|\\s+on)?(?:\\s+an?)?(?:\\s+(?:${SELF_NOUN}|famil(?:y|ies)|household|couple))?\\s*[,:]\\s*`, 'giu'), '$1')
      // "Speaking as a Korean-American, when can I…" leaves "Speaking when can I…".
      .replace(/(^|[.!?]\s+)(?:Speaking|Asking|Writing)\s+(?=(?:when|what|how|can|could|do|does|is|are|should|will|which|who|why|where)\b)(\p{Ll})/gu, capitalised)
      // "Our pastor suggested I ask: what…" leaves "Our suggested I ask: what…" ("The church's pastor asked me:", "The 's asked me:").
      .replace(/(^|[.!?]\s+)(?:My|Our|The)(?: ['’]s)? (?:suggested|says|said|told me|asked me|thinks|recommended|advised|wants)\b[^:,.?!]*[:,]\s*(\p{L})/gu, capitalised)
      // "We turned 30 and the loan has 30 years left" leaves "We and the loan has…".
      // ("We came to this country in 2009 and bought our house…" leaves "We and bought…": the verb keeps its subject.)
      .replace(/\b(I|We|we)\s+(?:just\s+|both\s+)?and\s+(?=(?:\p{L}+ed|bought|got|made|paid|sold|took|went|have|had|want|need|own|rent|live|work)\b)/gu, '$1 ')
      // ("I moved here from Brazil 10 yrs ago — lost a house…" leaves "I — lost a house…".)
      .replace(/(^|[.!?]\s+)(?:I|We)\s*[—–-]+\s*(\p{L})/gu, capitalised)
      .replace(/(^|[.!?]\s+)(?:I|We)\s+(?:just\s+|both\s+)?and\s+(\p{L})/gu, capitalised)
      // "i'm Sikh and wear a turban and i think…" leaves "I'm and and i think…".
      .replace(/(^|[.!?]\s+)(?:I['’]m|I am|We['’]re|We are)\s+(?:and\s+)+(\p{L})/giu, capitalised)
      // "The loan officer heard my accent and told me…" leaves "heard and told me…": heard me.
      .replace(/\b(heard|noticed|mocked|imitated)(?=\s+and\s+(?:then\s+)?(?:told|said|asked|started|laughed|refused|denied|changed|turned|quoted|stopped)\b)/giu, '$1 me')
      // "Millennial here: what is…" leaves "Borrower here: what is…".
      .replace(new RegExp(`(^|[.!?]\\s+)(?:(?:an? )?${SELF_NOUN} )?here\\s*[:,!.—–-]+\\s*`, 'giu'), '$1')
      // "As someone with brown skin, can I…" leaves "As someone with, can I…"; "As someone who is Muslim, are there…" leaves
      // "As someone who is a borrower, are there…"; "…work for someone who is dark-skinned?" leaves "for someone who is?".
      .replace(new RegExp(`(^|[.!?]\\s+)As (?:someone|a person|one) (?:(?:with|who has)(?:\\s+${DEGREE})?|who (?:is|am|are)(?:\\s+an?)?(?:\\s+${SELF_NOUN})?)\\s*,\\s*`, 'giu'), '$1')
      .replace(new RegExp(`\\s+(?:for|as) (?:someone|a person|one) who(?: (?:is|am|are)|['’]s)(?:\\s+${DEGREE})?\\s*(?=[?.!,])`, 'giu'), '')
      // "I'm from Mexico originally but live in Texas now" leaves "I'm originally but live…".
      .replace(/\b(I|we|We)(?:['’](?:m|re)| am| are) originally (?:but|and) /gu, '$1 ')
      // "I'm on SSDI and drowning in debt" leaves "I'm on and drowning…".
      .replace(/\b(I['’]m|I am|we['’]re|we are) on (?:and|but) /giu, '$1 ')
      // "…45% right now — I'm 19, by the way — what should I…" leaves "right now —, by the way — what…": an aside left
      // with nothing but filler goes, and what follows it starts a sentence again.
      .replace(/\s*[—–]\s*[,;]?\s*(?:(?:by the way|btw|fwiw|just so you know|for what it['’]s worth)\s*)?[,;]?\s*[—–]\s*(\p{L})/giu, (_match, letter: string) => `. ${letter.toUpperCase()}`)
      // "Our family is Muslim and we want…" leaves "Our family is and we want…".
      .replace(/(^|[.!?]\s+)(?:our|my) (?:family|household) (?:is|are)\s+(?:and\s+|,\s*)/giu, '$1')
      // "my wife and I (both Catholic)" leaves "(both)".
      .replace(new RegExp(`\\s*\\(\\s*(?:we(?:['’]re| are) )?(?:both|all)(?:\\s+(?:an? )?${SELF_NOUN})?\\s*\\)`, 'giu'), '')
      // "Does being on WIC hurt my chances…" leaves "Does being on hurt…".
      .replace(/\bbeing on\s+(?=(?:hurt|affect|help|count|matter|change|lower|raise|disqualify|stop|prevent)\w*\b)/giu, 'it ')
      // "We're two dads" / "a mom and dad" leave "two borrowers" / "a borrower and borrower".
      .replace(/\b(?:two|2|a couple of) borrowers\b|\ban? borrower and (?:an? )?borrower\b/giu, 'co-borrowers')
      // "…an immigrant from El Salvador - can I…" leaves "I'm a borrower - can I…".
      .replace(new RegExp(`(^|[.!?]\\s+)(?:I am|I['’]m|we are|we['’]re) (?:an? )?${SELF_NOUN}\\s*[-–—,;:]\\s*`, 'giu'), '$1')
      // "Dark-skinned borrower with a quick question — what's…" leaves "Borrower with a quick question — what's…".
      .replace(new RegExp(`(^|[.!?]\\s+)(?:an? )?${SELF_NOUN} with (?:an? )?(?:quick |simple |short )?(?:question|q)\\s*[-–—:,]+\\s*`, 'giu'), '$1')
      // "Quick q from a proud Mexican-American: is it…" leaves "Quick q from a proud: is it…"; "Quick math check from a
      // twentysomething:" leaves "…from a borrower:".
      .replace(/\s+(?:from|by) (?:an?|the) (?:proud|fellow|naturalized|first[- ]generation|second[- ]generation|borrower|person|individual)(?=\s*[,;:.!?—–])/giu, '')
      // "…was denied and I'm Hispanic." with the trait cut leaves "…denied and I'm.".
      .replace(/\s*,?\s*\b(?:and|but)\s+(?:I am|I['’]?m|we are|we['’]re)\s*(?=[.!?,;]|$)/giu, '')
      // "I'm a mom who works part time." → "I'm a borrower who works…" → "I work part time."
      // "I'm a trans guy who's been thinking…" → "I've been thinking…".
      .replace(new RegExp(`\\b(?:I am|I['’]m) (?:an? )?${SELF_NOUN} who(?:['’]s| has) been\\b`, 'gu'), 'I’ve been')
      .replace(new RegExp(`\\b(?:I am|I['’]m) (?:an? )?${SELF_NOUN} who (\\p{L}+?)(s|es)?\\b`, 'gu'), (_match: string, verb: string, ending: string | undefined) =>
        verb === 'ha' && ending === 's' ? 'I have' : verb === 'i' && ending === 's' ? 'I am' : `I ${verb}`,
      )
      .replace(new RegExp(`,\\s*as (?:an? )?${SELF_NOUN},\\s*`, 'giu'), ' ')
      .replace(new RegExp(`\\s+as (?:an? )?${SELF_NOUN}(?=\\s*[?.!]|$)`, 'giu'), '')
      // "…my income if I am?" / "…a USDA loan if I receive?": the condition lost its object.
      .replace(/\s*,?\s*\b(?:if|when|because|since|while)\s+(?:I|we)\s+(?:am|are|was|were|receive|get|use|have|collect)\s*(?=[?.!]|$)/giu, '')
      // "I am a borrower with a 580 credit score." → "I have a 580 credit score."
      .replace(new RegExp(`\\b(?:I am|I['’]m) (?:an? )?${SELF_NOUN} with\\b`, 'gu'), 'I have')
      // "We are a couple with a 650 score" → "We have…"; "We're a couple looking to buy" → "We're looking…".
      .replace(/\b(?:We are|We['’]re) (?:an? )?couple with\b/gu, 'We have')
      .replace(/\b(We are|We['’]re) (?:an? )?(?:couple|household|family|borrowers) (?=\p{L}+ing\b)/gu, '$1 ')
      // "We're a Mormon family and our daughter starts…" leaves "We're a family and our child starts…".
      .replace(/(^|[.!?]\s+)(?:We are|We['’]re) (?:an? )?(?:couple|household|family|borrowers)(?:,\s*|\s+)and\s+(\p{L})/gu, capitalised)
      // "We (a TANF household) locked…" leaves "We (a household) locked…"; "us Hindus" leaves "us borrowers".
      .replace(/\s*\((?:an? )?(?:household|family|couple|borrowers?)\)/giu, '')
      .replace(/\bus borrowers\b/gu, 'us')
      // "Context: trans man, bought…" leaves "Context: borrower, bought…".
      .replace(new RegExp(`(:\\s*|\\s[—–-]\\s*)(?:an? )?${SELF_NOUN},\\s*`, 'giu'), '$1')
      // "(DARK-SKINNED HOMEOWNER HERE)" leaves "(HOMEOWNER HERE)", as a question may say to begin with: it says nothing.
      .replace(new RegExp(`\\s*\\((?:an? )?${SELF_NOUN} here\\)`, 'giu'), '')
      // "(the darkest-skinned one in the family)" leaves "(the one in the family)".
      .replace(/\s*\(the one in (?:the|my|our) family\)/giu, '')
      // "Someone with a really pale complexion asking: how…" leaves "Someone with a asking: how…".
      .replace(/(^|[.!?]\s+)(?:someone|a person|one) with (?:an? )?asking\s*[:,—–-]+\s*/giu, '$1')
      // "Asking for my 72-year-old self" leaves "my self".
      .replace(/\bmy self\b/gu, 'myself')
      // Hashtags and a signature close a post, not a question: "…? #firsthome #justdivorced", "…? — Dana (devout Sikh)".
      .replace(/(?:\s+#[\p{L}\p{N}_]+)+\s*$/u, '')
      .replace(/\s+[—–-]+\s*\p{Lu}[\p{L}'’-]*\s*(?:\([^)]*\))?\s*$/u, '')
      // "Hi! I'm a Nigerian and what's…" leaves "Hi! I'm a borrower and what's…": the created asker goes with the
      // greeting, and "Quick question from a Muslim: what…" loses its preamble, which says nothing ("borrower",
      // "quick" and "question" would change retrieval against the question asked without them).
      .replace(/^\s*(?:(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening))(?: there| all| everyone| everybody| guys| folks| team)?\s*[!,.:;—–-]*\s*)+/iu, '')
      // "Shalom, everyone!" with the greeting cut (a faith's words) leaves "everyone!".
      .replace(/^\s*(?:everyone|everybody|all|folks|friends|y['’]all)\s*[!,.:;—–-]+\s*/iu, '')
      .replace(COURTESY_SENTENCE, '$1')
      .replace(COURTESY_PREAMBLE, '')
      .replace(QUESTION_PREAMBLES, '')
      .replace(/(^|[.!?]\s+)(?:I am|I['’]m|we are|we['’]re) (?:an? )?borrowers? and\s+(?=(\p{L}+))/giu, (_match, before: string, next: string) =>
        // "…and which loan…", "…and i freelance…" go on by themselves; "…and want to buy…" needs its subject back.
        /^(?:what|which|how|when|why|where|who|whose|can|could|do|does|did|is|are|should|would|will|may|might|must|am|i|we|my|our|it|the|a|an|this|that|there|if|since|because|after|before|quick|simple|short|question|q)$/iu.test(next) ||
        /^(?:i|we)['’]/iu.test(next) ||
        SELF_NOUN_WORD.test(next)
          ? before
          : /^\p{L}+ing$/iu.test(next)
            ? `${before}I'm `
            : `${before}I `,
      )
      // "Homeowner, about two months behind…" opens with a label that says nothing, as "Quick question from a woman:
      // homeowner, about…" and "I'm a woman and homeowner, about…" do once the asker goes: it goes wherever it stands.
      .replace(new RegExp(`(^|[.!?]\\s+)(?:an? )?${SELF_NOUN},\\s*`, 'giu'), '$1')
      // "Hi! I'm a Muslim and quick question: what…" leaves "quick question: what…" once the asker goes.
      .replace(QUESTION_PREAMBLES, '')
      // "I'm female, if that matters." and "— asking as a Black person" leave "If that matters." and "— asking": asides about the cut.
      .replace(/(^|[.!?]\s+|,\s*)(?:if (?:that|it) (?:matters|helps|makes a difference|is relevant)|(?:just )?(?:fyi|fwiw|btw|for what it['’]s worth))\s*[.!]*(?=\s*(?:$|[.!?]|\p{Lu}))/gu, (_match, before: string) => (before.startsWith(',') ? '' : before))
      .replace(/\s*[—–-]+\s*(?:asking|writing|speaking)(?:\s+as)?\s*[.!]?\s*$/iu, '')
      // "…? Asking as a trans man." / "…? I'm Native American, by the way." / "Thanks, a Greek Orthodox reader." leave
      // "Asking.", "By the way.", "Thanks, a reader.": a closing line with nothing left to say.
      .replace(/([.!?])\s+(?:(?:just )?asking|by the way|for the record|just saying|if (?:that|it)['’]?s relevant|if (?:that|it) is relevant)\s*[.!]?\s*$/iu, '$1')
      .replace(/([.!?])\s+(?:thanks|thank you|cheers|regards|best)(?: so much)?\s*[,!.]?\s*(?:from\s+)?(?:an?\s+)?(?:\p{L}+\s+)?(?:reader|lurker|borrower|homeowner|buyer|member|person|guy|gal|fan)?\s*[.!]?\s*$/iu, '$1')
      // "…? I'm on SSI" with no stop leaves "I'm on"; "I've been on SSI for years." leaves "I've been on for years.".
      .replace(/([.!?])\s+(?:I['’]m|I am|we['’]re|we are)\s+on\s*$/iu, '$1')
      .replace(/(^|[.!?]\s+)(?:I|we|We)(?:['’]ve| have) been on(?:\s+(?:for|since)\s+[^.!?]*)?\s*[.!]\s*/gu, '$1')
      // "I'm Catholic and go to Mass every Sunday." leaves "I.".
      .replace(/(^|[.!?]\s+)(?:I|We)\s*[.!]\s+/gu, '$1')
      .replace(/\s+(?:fyi|fwiw|btw)\s*[.!]*\s*$/iu, '')
      // "What is PMI? I'm Black btw" leaves "What is PMI? I'm".
      .replace(/([.!?])\s+(?:I['’]m|I am|we['’]re|we are)\s*[.!]?\s*$/iu, '$1')
      // "As a Muslim who…", "As a Black person who…", "As a woman who…": one asker, "someone who".
      .replace(/\b(as|for) (?:an? )?(?:person|borrower|individual) who\b/giu, '$1 someone who')
      // "I'm Guatemalan and I'm financing…" leaves "I I'm financing…".
      .replace(/(^|[.!?]\s+)I\s+(?=I\b|I['’]m\b)/gu, '$1')
      // "I'm on SSI", "while on SNAP", "from someone on SSDI" leave "I'm on,", "while on:", "someone on:"; "I get SSI," leaves "I get,".
      .replace(/(^|[.!?]\s+)(?:(?:since|because|as|and)\s+)?(?:I['’]m|I am|we['’]re|we are)\s+on\s*[,;:—–-]\s*(?:(?:and|but|so)\s+)?(\p{L})/giu, capitalised)
      .replace(/,?\s*\b(?:(?:since|because|as|and|given that|now that|considering(?: that)?|seeing as|if|when)\s+)?(?:I['’]m|I am|we['’]re|we are)\s+on(?=\s*[,;:.!?—–])/giu, '')
      .replace(/\s+(?:from\s+)?(?:someone|anyone)\s+on(?=\s*[,;:.!?—–])|\s+while on(?=\s*[,;:.!?—–])/giu, '')
      .replace(/(^|[.!?]\s+)(?:I|we|We) (?:get|receive|collect)\s*,\s*(?:(?:and|but|so)\s+)?(\p{L})/gu, capitalised)
      .replace(/,\s*(?:I|we) (?:get|receive|collect)(?=\s*[.;:!?])/gu, '')
      // "We're both Mexican-American and we're applying…" leaves "We're both and we're applying…".
      .replace(/\b(?:We['’]re|We are) both and (?=we\b)/gu, '')
      // "I'm a recent immigrant getting…", "I'm a Black borrower house hunting…" leave "I'm a (recent) borrower getting…".
      .replace(/\b(I['’]m|I am) (?:an? )?(?:recent |new |young |proud |first-generation )?borrower (?=\p{L}+ing\b)/gu, '$1 ')
      // "I'm a woman who works construction" → "I'm someone who works…" → "I work construction".
      .replace(/\b(?:I am|I['’]m) someone who (\p{L}+?)(?:s|es)\b/gu, 'I $1')
      // "Couple here: we're…", "Speaking as someone buying my first house:": they say nothing.
      .replace(/(^|[.!?]\s+)(?:(?:an? )?(?:couple|family|household) here)\s*[:,!.—–-]+\s*(\p{L})/giu, capitalised)
      .replace(/(^|[.!?]\s+)(?:Speaking|Asking|Writing) as (?:someone|an? borrower) (\p{L})(?=\p{L}*ing\b)/gu, capitalised)
      // "Can a guy in my spot get…" leaves "Can I in my spot get…".
      .replace(/\b(I|we) in (?:my|our) (?:spot|position|shoes|situation)\b/gu, '$1')
      // "…together 10 years but never married, and…" leaves "…10 years but, and…".
      .replace(/\s+but\s*(?=[,;:.!?])/gu, '')
      // "I'm a Black borrower house hunting…" leaves "I'm a borrower house hunting…".
      .replace(/\b(I['’]m|I am) (?:an? )?borrower (?=(?:\p{L}+ )?\p{L}+ing\b)/gu, '$1 ')
      // What cuts leave inside a sentence: "(67, buying…)" → "(, buying…)"; "Age: 19 | Buying…" → "Age: | Buying…";
      // "At my age (74) I should…" → "At I should…"; "Because I keep Shabbat, I don't…" → "Because I, I don't…";
      // "…is off, I grew up speaking Tagalog." → "…is off, I."; "at the SNAP office" → "at the."; "a mostly Black
      // neighborhood" → "a mostly neighborhood"; "My relatives, who all came here from Haiti, keep…"; "a neighbor,
      // on Medicaid like me, went…"; "When I turned 70 back in March…" → "When I back in March…".
      .replace(/\(\s*,\s*/gu, '(')
      .replace(/(^|\|\s*)\p{Lu}\p{Ll}+:\s*\|\s*/gu, '$1')
      .replace(/^\s*\|\s*/u, '')
      .replace(/(^|[.!?]\s+)At\s+(?=I\b)/gu, '$1')
      .replace(/(^|[.!?]\s+)(?:Because|Since|As) (?:I|we)\s*,\s*(\p{L})/gu, capitalised)
      .replace(/,\s*(?:I|we)\s*(?=[.!?])/gu, '')
      .replace(/\s+(?:at|in|from) the\s*(?=[.,;:!?])/gu, '')
      .replace(/\bmostly\s+(?=(?:neighbou?rhood|area|community|town|block|street|part)s?\b)/gu, '')
      .replace(/,\s*who (?:all |both )?(?:came|moved|immigrated) here\s*,/gu, '')
      .replace(/,\s*on(?: like me)?\s*,/gu, '')
      .replace(/(^|[.!?]\s+)(?:When|Since|After|Once) (?:I|we) (?=(?:back|last|this|in|on|at)\b)(\p{L})/gu, capitalised)
      // "…would a light-skinned borrower like me pay" leaves "…would I like me pay".
      .replace(/\b(I|we) like (?:me|us)\b/gu, '$1')
      // A third person's "he"/"she" became "they": "does he have to…" → "do they have to…", "she is 70" → "they are 70".
      .replace(/\b(does|is|has|was) they\b/giu, (_match, verb: string) => `${withCaseOf(verb, THEY_AGREES[verb.toLowerCase()]!)} they`)
      .replace(/\b(they) (does|is|has|was)\b/giu, (_match, they: string, verb: string) => `${they} ${THEY_AGREES[verb.toLowerCase()]!}`)
      // "(I am a person with light skin)" leaves "(I have )".
      .replace(/\s*\(\s*(?:I have|I am|I['’]m|we are|we['’]re)\s*\)/giu, '')
      // What cuts leave of an aside in brackets: "(fwiw I'm dark-skinned, if that matters)" → "(fwiw I'm, if that
      // matters)", "(asking as a gay man)" → "(asking as a borrower)", "(Vietnamese, female)" → "(, borrower)".
      .replace(
        new RegExp(
          `\\s*\\(\\s*(?:(?:fwiw|fyi|btw|just so you know)\\s*)?(?:(?:asking|writing|speaking) as\\s*)?(?:I am|I['’]m|we are|we['’]re)?\\s*(?:an?\\s+)?(?:${SELF_NOUN})?\\s*[,;]?\\s*(?:borrowers?|if (?:that|it) (?:matters|helps))?\\s*[.!]?\\s*\\)`,
          'giu',
        ),
        '',
      )
      // "Asking for my sister, who's dark-skinned:" leaves "…my sibling, who's:".
      .replace(/,\s*who(?:['’]s| is| are)\s*(?=[:;,.!?—–]|$)/giu, '')
      // "…my debt-to-income, me being an atheist?" leaves "…, me being borrower?".
      .replace(/,?\s+(?:me|us|myself)?\s*being (?:an? )?borrowers?(?=\s*[?.!,;]|$)/giu, '')
      // "im originaly from guatemala" leaves "im originaly"; "for folks my age (68)" leaves "for folks (68)".
      .replace(/,?\s*\b(?:i['’]?m|i am|we['’]?re|we are)\s+(?:originally|originaly|orginally)\s*(?=[.,;!?—–]|$)/giu, '')
      .replace(/(^|[.!?]\s+)(?:[Ff]or|[Aa]mong) (?:folks|people|borrowers|someone)(?: \(\d{2}\))?\s*,\s*(\p{L})/gu, capitalised)
      // "Our imam suggested I ask someone…" leaves "Our suggested I ask…" (the colon case is read above).
      .replace(/(^|[.!?]\s+)(?:My|Our|The)(?: ['’]s)? (?=(?:suggested|says|said|told|asked|thinks|recommended|advised|wants)\b)/gu, '$1Someone ')
      .replace(/,\s*(?=[.!?])/gu, '')
      // "Ever since my divorce went through", "Our wedding isn't until June" leave a possessive before a verb: "it".
      // (Not "will", a noun after "my": "My will leaves the house to my son.")
      .replace(/\b(?:my|our)\s+(?=(?:went|was|wasn['’]t|is|isn['’]t|has|hasn['’]t|had|came|got|shouldn['’]t|doesn['’]t|didn['’]t|won['’]t|would|should|can['’]t|could)\b)/giu, (match: string) => `${withCaseOf(match, 'it')} `)
      // "My coworker and I are both Black and both buying…" leaves "are both and both buying".
      .replace(/\b(are|were)\s+(?:both|all)\s+and\s+(?=(?:both|all)\b)/giu, '$1 ')
      .replace(IT_MATTERS, (match: string, before: string, offset: number, whole: string) =>
        (whole.slice(0, offset) + before + whole.slice(offset + match.length)).includes('?') ? before : match,
      )
      .replace(/\s{2,}/gu, ' ')
      .trim()
      .replace(/(^|(?<!\b(?:U\.S|e\.g|i\.e))[.!?]\s+)(\p{Ll})/gu, capitalised)
  );
}

/**
 * Whether the cut trait matters, asked or said beside the question: "Being Black shouldn't matter, right?", "Does being
 * a practicing Hindu change anything about this? Probably not.", "My ethnicity doesn't matter, I hope." — once the trait
 * is "it" ("It shouldn't matter, right?") they ask nothing the knowledge base answers, and their words ("matter",
 * "right", "change") would move the answer to the question beside them. Removed only where another question remains.
 */
const IT_MATTERS = new RegExp(
  "(^|[.!?]\\s+)(?:(?:does|do|did|will|would|should|could|can|might|may|is)\\s+)?it\\s+" +
    "(?:(?:should|shouldn['’]t|does|doesn['’]t|did|didn['’]t|do|don['’]t|will|won['’]t|would|wouldn['’]t|could|couldn['’]t|might|may|can|can['’]t)(?:\\s+not)?\\s+)?" +
    '(?:(?:really|even|actually|ever)\\s+)?' +
    '(?:matters?|changes? anything|affects? anything|changes?|affects?|makes? (?:a|any) difference|plays? (?:a|any) (?:role|part)|factors? in)' +
    '(?:\\s+(?:at all|much|here|about (?:this|that|it|any of this)|for (?:this|that|me|us)|to (?:you|a lender|lenders|them)|in (?:this|any of this)))*' +
    "(?:\\s*,?\\s*(?:right|I hope|I assume|I guess|I think|though))?\\s*[?.!]+" +
    "(?:\\s+(?:probably not|I hope not|I doubt it|hopefully not|I assume not|I['’]d hope not|it shouldn['’]t|it doesn['’]t|it won['’]t|surely not|of course not)\\s*[.!]+)?" +
    '(?:\\s+(?:anyway|anyways|regardless)\\s*[:,—–-]+)?',
  'giu',
);

/** A `replace` callback for `(before)(first letter)` captures: the text before, then the letter upper-cased. */
function capitalised(_match: string, before: string, letter: string): string {
  return before + letter.toUpperCase();
}

/** The verb "they" takes for the one "he"/"she" took. */
const THEY_AGREES: Readonly<Record<string, string>> = { does: 'do', is: 'are', has: 'have', was: 'were' };

/** `word` capitalised as `like` is. */
function withCaseOf(like: string, word: string): string {
  return /^\p{Lu}/u.test(like) ? word.charAt(0).toUpperCase() + word.slice(1) : word;
}


/** Where the sentence holding `index` starts: after the last ".", "!" or "?" before it. */
function sentenceStartAt(text: string, index: number): number {
  return Math.max(text.lastIndexOf('.', index - 1), text.lastIndexOf('!', index - 1), text.lastIndexOf('?', index - 1)) + 1;
}

function sentenceAt(text: string, index: number): string {
  const start = sentenceStartAt(text, index);
  const end = text.slice(index).search(/[.!?]/u);
  return text.slice(start, end === -1 ? text.length : index + end + 1);
}
