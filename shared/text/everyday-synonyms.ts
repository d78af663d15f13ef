import { withAskerPossessive } from './asker-possessive.ts';
import { stem } from './stem.ts';

/**
 * Everyday words a borrower uses for what the guide says another way ("send a complaint" /
 * "submit a complaint", "get rid of PMI" / "cancel PMI", "yearly" / "annual"). Each group is a
 * set of words that mean the same in a lending question; matching is on stems, so "submitted"
 * and "submitting" count too. Kept small and generic: lending terms with a name of their own
 * (PMI, DTI, HELOC…) are in lending-vocabulary.ts, not here.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['send', 'submit', 'file', 'lodge'],
  ['start', 'begin', 'initiate', 'commence'],
  ['remove', 'cancel', 'drop', 'eliminate', 'terminate', 'end'],
  ['cost', 'charge', 'price'],
  ['yearly', 'annual', 'annually', 'annualized'],
  ['money', 'cash', 'funds'],
  ['house', 'home', 'property'],
  ['buy', 'purchase'],
  ['late', 'delinquent', 'behind', 'missed', 'overdue'],
  ['lower', 'reduce', 'cut', 'decrease', 'shrink'],
  ['raise', 'increase', 'hike', 'rise', 'rises', 'rising', 'rose'],
  ['salary', 'wages', 'earnings', 'income'],
  ['owe', 'owed', 'balance'],
  ['kid', 'kids', 'child', 'children'],
  ['job', 'employment', 'employer'],
  ['big', 'large', 'larger', 'bigger'],
  ['rejected', 'denied', 'declined'],
  ['fix', 'repair', 'correct'],
  ['scammer', 'fraudster', 'criminal'],
  ['fast', 'quick', 'quickly', 'soon'],
  ['limit', 'limits', 'cap', 'caps', 'capped', 'ceiling', 'maximum'],
  ['under', 'below', 'beneath'],
  ['deduct', 'deducted', 'deduction', 'deductions', 'writeoff', 'writeoffs'],
  ['sales', 'revenue', 'receipts'],
  ['warning', 'notice', 'notify', 'notified', 'notification'],
  ['rental', 'investment'],
  ['rented', 'leased'],
  ['repay', 'repaid', 'repayment', 'repaying'],
  ['liable', 'liability', 'responsible'],
  ['forgive', 'forgiven', 'forgiveness', 'wipe', 'wiped', 'erase', 'erased'],
  ['realtor', 'realtors', 'agent', 'agents'],
  ['paperwork', 'documents', 'documentation', 'docs', 'papers'],
  ['quote', 'quotes', 'quoted', 'estimate', 'estimates'],
  ['guarantee', 'guaranteed', 'guarantees', 'commit', 'commits', 'committed', 'commitment', 'promise', 'promised'],
];

/**
 * One-way groups: a borrower's specific word also finds the guide's general one, never the
 * reverse. "My mom is giving us money" finds "a relative" or "family member", but "single-family
 * house" must not find every sentence about parents and siblings.
 */
const NARROWER: readonly (readonly [readonly string[], readonly string[]])[] = [
  [['mom', 'dad', 'mother', 'father', 'parent', 'parents', 'sister', 'brother', 'sibling', 'grandparent', 'grandmother', 'grandfather', 'aunt', 'uncle'], ['relative', 'family']],
];

const byStem: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, Set<string>>();
  for (const group of GROUPS) {
    const stems = [...new Set(group.map((word) => stem(word)))];
    for (const one of stems) {
      const others = map.get(one) ?? new Set<string>();
      for (const other of stems) if (other !== one) others.add(other);
      map.set(one, others);
    }
  }
  for (const [narrow, broad] of NARROWER) {
    const broadStems = [...new Set(broad.map((word) => stem(word)))];
    for (const one of new Set(narrow.map((word) => stem(word)))) {
      const others = map.get(one) ?? new Set<string>();
      for (const other of broadStems) if (other !== one) others.add(other);
      map.set(one, others);
    }
  }
  return new Map([...map].map(([key, others]) => [key, [...others]]));
})();

/** The other stems that mean the same as `term` (a stem, as tokenize returns it); empty when none. */
export function everydaySynonyms(term: string): readonly string[] {
  return byStem.get(term) ?? [];
}

/**
 * Everyday phrasal verbs for one word of the guide's ("pay it back" / repay, "get my money back" /
 * refund, "on the hook" / liable): their words alone ("pay", "back") would match other sentences.
 */
const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/\bpa(?:y|ys|id|ying) (?:(?:it|that|this|them|the money|it all|everything|the loan|the help) )?back\b/g, 'repay'],
  [/\b(?:get|gets|getting|got) (?:(?:my|the|that|this|our|any|some) )?(?:money|cash|overpayment|extra) back\b/g, 'refund'],
  [/\bon the hook\b/g, 'liable'],
  // "does the lender have to give me the loan?": is it committed to fund it.
  [/\b(?:has|have|had) to (?:give|lend|approve) (?:me|us|you) (?:the |a |my |our )?(?:loan|mortgage|money)\b/g, 'commits to fund the loan'],
  // "get my name off the loan": remove me from it.
  [/\b(?:get|gets|getting|take|taking|took) (?:(?:my|his|her|their|our) names?|him|her|them|me|us) off\b/g, 'remove me from'],
  // "get rid of my PMI": remove it.
  [/\b(?:get|gets|getting|got) rid of\b/g, 'remove'],
  // "my home has gone up a lot in value": it gained value (as the guide says).
  [/\b(?:has |have )?(?:gone|went|go|goes|going) up (?:a lot |a bunch |so much |quite a bit |a ton )?in (?:value|price)\b|\b(?:value|price) (?:has |have )?(?:gone|went) up\b/g, 'gained value'],
  // "can my payment go up?": rise (after "gone up in value" above).
  [/\b(?:go|goes|going|gone|went) up\b/g, 'rise'],
  // "they turned me down": denied.
  [/\b(?:turn|turns|turned|turning) (?:me|us|him|her|them) down\b|\bturned down\b/g, 'denied'],
  // "how long does that haunt my credit", "will it follow me on my credit": how long it is reported.
  [/\b(?:haunts?|haunting|follows?|following|stays? on|sticks? (?:on|to)|remains? on) (?:me on )?(?:my|your|our) (?:credit(?: report| history| file)?|report)\b/g, 'stays on my credit report'],
  // "all the money at once", "in one big chunk": a lump sum.
  [/\ball (?:of )?(?:the |my |our )?(?:money|cash|it) (?:at once|in one go|up ?front)\b|\bin one (?:big )?(?:chunk|lump|go)\b/g, 'lump sum'],
  // "dump it all on the mortgage", "throw my $50k bonus at the loan": a lump-sum extra payment.
  [/\b(?:dump|dumps|dumped|dumping|throw|throws|threw|throwing|put|puts|putting|pour|pours|poured|pouring|toss|tossing|apply|applying) (?:(?:it|that|this|all|of|everything|the|my|our|whole|entire|extra|money|cash|inheritance|bonus|windfall|refund|savings|\$?[\d,.]+k?) )+(?:on|at|into|toward|towards|against) (?:the |my |our )?(?:mortgage|loan|house|principal)\b/g, 'lump-sum extra payment on the mortgage'],
  // Where limits and prices differ by county: "a cheap part of the state", "an expensive city".
  [/\b(?:cheap|cheaper|inexpensive|low[- ]cost) (?:part|area|county|region|town|market)s? (?:of|in)\b/g, 'lower-cost area in'],
  [/\b(?:cheap|cheaper|inexpensive|low[- ]cost) (?:part|area|county|region|town|market)s?\b/g, 'lower-cost area'],
  [/\b(?:expensive|pricey|pricy|high[- ]cost|hcol) (?:part|area|county|region|city|town|market)s?\b/g, 'high-cost area'],
  [/\bwrit(?:e|es|ing|ten) (?:(?:it|that|this|them|everything|a lot|it all|most of it|all of it) )?off\b|\bwrite-offs?\b/g, 'deduct'],
];

/** `text` (lower case) with each everyday phrase of the table replaced by the guide's word. */
export function rewriteEverydayPhrases(text: string): string {
  return PHRASES.reduce((rewritten, [pattern, word]) => rewritten.replace(pattern, word), withAskerPossessive(text));
}
