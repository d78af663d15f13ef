import { stem } from '../../shared/text/stem.ts';
import { rewriteEverydayPhrases } from '../../shared/text/everyday-synonyms.ts';
import { tokenize } from '../../shared/text/tokenize.ts';
import { APPRAISAL_DISCRIMINATION, CREDIT_DISCRIMINATION } from '../../shared/text/unequal-treatment.ts';
import { findLendingEntities, type LendingEntities } from './lending-entities.ts';

/**
 * What a question asks for, which decides what its answer's first sentence must hold:
 * - `threshold`: a number, limit, minimum, cost or rate ("What credit score do I need…?");
 * - `deadline`: a time span or a point in time ("How long…?", "When can I…?");
 * - `comparison`: two or more things side by side ("… vs …", "difference between", "options");
 * - `eligibility`: yes or no about the borrower ("Can I…?", "Do I qualify…?");
 * - `how-to`: steps ("How do I dispute…?");
 * - `definition`: what something is ("What is LTV?");
 * - `general`: none of these.
 */
export type QuestionIntent = 'threshold' | 'deadline' | 'comparison' | 'eligibility' | 'how-to' | 'definition' | 'general';

export interface QuestionAnalysis {
  intent: QuestionIntent;
  entities: LendingEntities;
  /**
   * Stemmed content terms (question words such as "need" or "much" and numbers left out), in
   * order, repeats removed. Numbers are the borrower's inputs ("$4,800", "$160 a month"), which
   * the sources rarely repeat, so they count separately.
   */
  terms: readonly string[];
  /**
   * Those of `terms` found only in the statements of the borrower's situation around the asked
   * sentences ({@link withSituationTerms}), which weigh less; none unless marked.
   */
  situationTerms?: ReadonlySet<string> | undefined;
  /** Adjacent content-term pairs ("credit score", "draw period"). */
  pairs: readonly string[];
  /** Numbers the question states ("620", "200000", "28"). */
  numbers: readonly string[];
  /** What a sentence answering the question shows (a number, a time span…), or null when nothing in particular. */
  cue: RegExp | null;
  /** The cue names one kind of fact (an age), so a sentence without it hardly answers. */
  specificCue: boolean;
}

const CUES: Record<QuestionIntent, RegExp | null> = {
  // A number, or that there is none ("no maximum purchase price", "no VA loan limit").
  threshold: /\d|\bno (?:[\w-]+ ){0,2}(?:maximum|minimum|limit|cap|ceiling)s?\b/i,
  deadline:
    /\b(?:\d+|one|two|three|four|five|six|seven|ten|twelve|several|few|many)[- ](?:business |calendar )?(?:days?|weeks?|months?|years?)\b|\b\d+(?:st|nd|rd|th) (?:day|week|month|year)\b|\b\d+ (?:to|or) \d+\b|\bevery (?:day|week|month|year)\b|\b(?:daily|weekly|annually)\b|\bwithin\b|\buntil\b|\bonce\b|\bafter\b/i,
  // Also a comparative, which states one thing against the other ("…a rate roughly half a point lower").
  comparison:
    /\bwhile\b|\bwhereas\b|\bunlike\b|\bthan\b|\bboth\b|\beither\b|\binstead\b|\bcompar|\b(?:lower|higher|cheaper|less|more|fewer|better|worse|faster|sooner|larger|smaller|greater|shorter|longer)\b/i,
  eligibility: /\beligib|\bqualif|\brequire|\bmust\b|\bnot\b|\bno\b|\bneither\b|\bnor\b|\bnever\b|\bonly\b|\ballow|\bcan(?:not|'t)?\b|\bmay\b|\bunless\b|\blimits?\b|\bbans?\b|\bbars?\b|\bprohibit/i,
  // Steps, also after a condition ("If you suspect fraud, call your bank at once…").
  'how-to': /^(?:if you\b[^,]*,\s*)?(?:to |contact|ask|pay|request|file|call|start|check|compare|get|keep|send|submit|report|alert|dispute|write|apply)\b|\byou can\b|\byou may\b|\bcan (?:submit|file|call|request|contact|ask|apply)\b/i,
  definition: /\b(?:is|are|means|refers to|works)\b/i,
  general: null,
};

const DISCRIMINATION_REASONS = [CREDIT_DISCRIMINATION, APPRAISAL_DISCRIMINATION].map((regex) => new RegExp(regex.source, 'gu'));
/** A question about treatment because of a protected basis is answered by what the law forbids. */
const RIGHTS_CUE = /\b(?:illegal|unlawful|prohibit\w*|forbid\w*|discriminat\w*|may not|must not|cannot)\b/i;

/** An age question is answered by an age ("at least 62"), not by any number. */
const AGE_QUESTION = /\bhow old\b|\bages?\b|\bminimum age\b/;
const AGE_CUE = /\bages?\b|\baged\b|\bolder\b|\byoung(?:er|est)\b|\bat least \d{2}\b/i;

/** Words that shape a question but say nothing about its subject (stems). */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(
  [
    'need', 'needs', 'want', 'know', 'tell', 'much', 'many', 'long', 'good', 'best', 'like', 'way', 'ways', 'thing',
    'things', 'take', 'make', 'let', 'go', 'work', 'works', 'happen', 'happens', 'really', 'actually', 'possible',
    'able', 'okay', 'ok', 'please', 'help', 'mean', 'means', 'exactly', 'typical', 'typically', 'usually', 'generally',
    'normally', 'someone', 'anyone', 'one', 'us', 'wonder', 'wondering', 'option', 'options', 'kind', 'kinds', 'type',
    'types', 'difference', 'different', 'between', 'versus', 'vs', 'compare', 'compared', 'explain', 'whether', 'still',
    'ever', 'allowed', 'required', 'require', 'requirement', 'requirements', 'old', 'right', 'now', 'currently', 'today',
    // Everyday filler that carries no subject ("I can't … anymore", "what other ways out", "like 5 weeks").
    'cant', 'cannot', 'dont', 'doesnt', 'wont', 'im', 'ive', 'id', 'anymore', 'other', 'out', 'else', 'get', 'got',
    'getting', 'thing', 'stuff', 'everything', 'something', 'anything', 'lot', 'lots', 'bit', 'just', 'also', 'even',
    'maybe', 'probably', 'pretty', 'kinda', 'sort', 'basically', 'literally', 'guy', 'guys', 'folks', 'hey', 'hi',
    'thanks', 'thank', 'wondering', 'curious', 'question', 'questions', 'quick', 'real', 'sure', 'idea',
    'whats', 'thats', 'theyre', 'youre', 'isnt', 'arent', 'wasnt', 'gotta', 'gonna', 'wanna', 'yeah', 'ok', 'okay',
    'think', 'thought', 'say', 'says', 'said', 'try', 'tried', 'trying', 'go', 'goes', 'going', 'went', 'come', 'came',
    'yesterday', 'tomorrow', 'week', 'ago', 'itself', 'themselves', 'myself', 'ourselves', 'yourself', 'buddy', 'friend',
    'receive', 'received', 'receiving',
    // Hearsay around a claim ("everyone keeps telling me…, is that actually true?").
    'everyone', 'everybody', 'telling', 'told', 'actually', 'true', 'looking',
    // …from a coworker who swears it, lol.
    'lol', 'lmao', 'haha', 'omg', 'tbh', 'idk', 'imo', 'btw', 'pls', 'plz', 'coworker', 'coworkers', 'colleague', 'colleagues',
    'swear', 'swears', 'swore', 'insists', 'claims',
    // Chat spellings that say nothing about the subject ("am i supposed to get it?? lender hasnt sent nothing yet").
    'hasnt', 'havent', 'hadnt', 'didnt', 'wouldnt', 'couldnt', 'shouldnt', 'aint', 'nothing', 'yet', 'supposed', 'b4',
  ].map(stem),
);

/** Words that ask for things side by side ("vs", "difference between", "options"). */
const COMPARISON_WORDS = '(?:vs\\.?|versus|compared? (?:to|with)|difference between|differ|better|cheaper|options?|alternatives?|choices)';

/** First matching rule wins, so "How long…" is a deadline even though it starts with "how". */
const INTENT_RULES: readonly (readonly [QuestionIntent, RegExp])[] = [
  // "What does it mean when…" asks what something is, whatever follows.
  ['definition', /\bwhat (?:does|do) .* mean\b|\bmeaning of\b|\bdefine\b|\bdefinition\b/],
  // "Is it true that…" checks a claim: the answer confirms or corrects it, whatever the claim is about.
  ['general', /^(?:is|isn['’]?t) it (?:true|right|correct|the case)\b/],
  // A verdict asked on the scene described ("…they want a $400 fee first. is that allowed??", "can they
  // even do that"): whether it is permitted, whatever numbers the scene gives…
  ['eligibility', /\b(?:is|are|was) (?:that|this|it) (?:even |really |actually |legally )?(?:allowed|normal|legal|legit|ok|okay|fair)\b|\bcan (?:they|he|she|it|the \w+) (?:even |really |legally )?do (?:that|this)\b/],
  // …or whether a claim holds ("my coworker swears… is he right??", "whats the catch", "something feels off"): no cue.
  ['general', /\b(?:is|are|was) (?:that|this|it|he|she|they) (?:even |really |actually )?(?:true|right|correct|real)\b|\bwhat['’]?s the catch\b|\bfeels? off\b|\bsus\b/],
  // "Which card should I pay off first if I want to pay the least interest?" asks to choose, not for a number.
  ['general', /\bwhich (?:one|card|loan|debt|balance|option|account|score)s? (?:should|do|does|would|will|is|to)\b/],
  // "Any way to not be jumbo??": steps, whatever numbers the scene gives.
  ['how-to', /\b(?:any|some) ways? (?:to|around|out of)\b/],
  // "How soon is my servicer supposed to reach out about options?" asks for a time, whatever it names.
  ['deadline', /\bhow (?:long|soon|quickly)\b/],
  // A yes/no question offering alternatives ("Does the VA set a minimum score, or is that up to the
  // lender?", "Can I use a conventional loan, or do I need another kind?") asks which is true, not
  // for the two side by side: no cue, unless it names a comparison ("…or FHA, which is cheaper?").
  ['general', new RegExp(`^(?:can|could|do|does|am|is|are|will|may|would|should|must)\\b(?!.*\\b${COMPARISON_WORDS}\\b).*\\bor\\b.*\\?$`)],
  ['comparison', new RegExp(`\\b${COMPARISON_WORDS}\\b|\\bways? out\\b|\\bor\\b.*\\?$`)],
  // "When I line up two offers, where…" sets a scene: only a "when" that asks ("When can I…") asks for a time.
  ['deadline', /\bhow (?:long|soon|quickly|often|many (?:days|months|years))\b|\bwhen\b(?! (?:i|we|you|my|our|your|they|he|she|the|a|an)\b| \w+ing\b)|\bdeadline\b|\bwait\b|\bwithin\b/],
  ['threshold', /\bhow (?:much|many|high|low|big|old)\b|\bage\b|\b(?:lowest|highest|least|most)\b|\bwhat (?:credit )?score\b|\bminimum\b|\bmaximum\b|\blimits?\b|\bcaps?\b|\bcosts?\b|\bfees?\b|\bpercent|\bgood\b|\bcalculat|\bafford|\bspend\b|\bborrow\b|\d/],
  ['eligibility', /^(?:can|could|do|does|am|is|are|will|may|would|should|must)\b|\bqualify\b|\beligib/],
  ['how-to', /\bhow (?:do|can|should|would) (?:i|we)\b|\bhow to\b|\bsteps?\b|\bwhat should (?:i|we) do\b/],
  ['definition', /^what(?:['’]?s| is| are| does)\b|\bwhat does .* mean\b|\bmeaning of\b|\bdefin/],
];

/** Reads a question's intent, the lending subjects it names, its content terms and its numbers. */
export function analyzeQuestion(question: string): QuestionAnalysis {
  const lower = question.normalize('NFKC').toLowerCase().trim();
  const intent = readIntent(lower);
  const found = findLendingEntities(question);
  // "I'm not going the FHA route": a program the borrower rules out is not what the answer is about.
  const ruledOut = new Set<string>();
  const programs = new Set(found.programs);
  const mentions = new Map(found.mentions);
  for (const program of found.programs) {
    const mention = found.mentions.get(program);
    if (mention === undefined || !ruledOutMention(lower, mention)) continue;
    programs.delete(program);
    mentions.delete(program);
    for (const term of tokenize(mention)) ruledOut.add(term);
  }
  const unequal = CREDIT_DISCRIMINATION.test(lower) || APPRAISAL_DISCRIMINATION.test(lower);
  // "Can a lender turn me down because of my religion?" asks whether the law allows it, not about adverse-action notices.
  const concepts = unequal ? new Set([...found.concepts].filter((concept) => concept !== 'adverse-action')) : found.concepts;
  const entities: LendingEntities = { ...found, programs, concepts, mentions };
  // The reason for an unequal treatment reads as what it is, discrimination, whichever basis or identity it names.
  const read = DISCRIMINATION_REASONS.reduce((text, reason) => text.replace(reason, ' discrimination '), lower);
  const tokens = tokenize(rewriteEverydayPhrases(read)).filter((term) => !QUESTION_WORDS.has(term) && !ruledOut.has(term));
  const isNumber = (term: string) => /^\d+(?:\.\d+)?$/.test(term);
  // "70k", "1.2m": the borrower's amounts, worked out by the calculators, never words of the guide.
  const isAmount = (term: string) => /^\d+(?:\.\d+)?(?:k|m|mm)$/.test(term);
  const terms = [...new Set(tokens.filter((term) => !isNumber(term) && !isAmount(term)))];
  const pairs = [...new Set(tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`))];
  const numbers = [...new Set(tokens.filter(isNumber))];
  // "Can a card issuer deny me because of my religion?" is answered by the law that forbids it.
  if (unequal) return { intent, entities, terms, pairs, numbers, cue: RIGHTS_CUE, specificCue: true };
  const age = AGE_QUESTION.test(lower);
  return { intent, entities, terms, pairs, numbers, cue: age ? AGE_CUE : CUES[intent], specificCue: age };
}

/**
 * `question` (the analysis of the whole text) with the terms that are not in `asked` — the sentences
 * that ask, when statements of the borrower's situation stand beside them — marked as the
 * situation's. Unchanged when `asked` is undefined.
 */
export function withSituationTerms(question: QuestionAnalysis, asked: string | undefined): QuestionAnalysis {
  if (asked === undefined) return question;
  const own = new Set(analyzeQuestion(asked).terms);
  const situation = new Set(question.terms.filter((term) => !own.has(term)));
  return situation.size === 0 ? question : { ...question, situationTerms: situation };
}

/** Every mention of `mention` in `lower` is ruled out ("not going the FHA route", "instead of an FHA loan", "other than VA"). */
function ruledOutMention(lower: string, mention: string): boolean {
  const escaped = mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const all = lower.match(new RegExp(`\\b${escaped}\\b`, 'g'))?.length ?? 0;
  // Only a plain ruling-out: "without paying what a payday lender charges" asks for the alternatives, which the payday guide gives.
  const negated = lower.match(new RegExp(`\\b(?:not|never|instead of|other than|rather than)\\s+(?:[\\w'’-]+\\s+){0,2}${escaped}\\b`, 'g'))?.length ?? 0;
  return all > 0 && negated === all;
}

/**
 * The intent of the question the borrower asks: read from the last sentence ending in "?" (the
 * statements before it set the scene: "I can't afford my house anymore. What other ways out do I
 * have?" asks for options, not an amount), the whole text when no rule matches it. Tried on the
 * answer eval's dev split: making every yes/no question without a question word 'eligibility' cost
 * a lead, so it is not done.
 */
function readIntent(lower: string): QuestionIntent {
  // "…an ARM?? and…": the second mark of "??" ends no question of its own.
  const questions = lower.match(/[^.?!]*\?/g)?.filter((question) => /\p{L}/u.test(question));
  const asked = (questions?.[questions.length - 1] ?? lower).trim();
  const rule = (text: string) => INTENT_RULES.find(([, pattern]) => pattern.test(text))?.[0];
  return rule(asked) ?? rule(lower) ?? 'general';
}

