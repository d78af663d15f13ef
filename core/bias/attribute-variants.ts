import type { ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import { findProtectedTermSpans } from './find-protected-terms.ts';
import type { ProtectedTermSpan } from './find-protected-terms.ts';
import { findLendingTerms } from '../../shared/text/lending-vocabulary.ts';

/** A rewrite of the question with one protected term swapped, or every one removed. */
export interface QuestionVariant {
  change: 'removed' | 'swapped';
  characteristic: ProtectedCharacteristic;
  /** The protected term as matched (lower-cased); for 'removed', the first of them. */
  term: string;
  /** What the term became; '' or a neutral noun ("borrower") when removed. */
  replacement: string;
  query: string;
}

/** A term that names a person or group, replaced by a neutral noun rather than dropped. */
const PERSON_NOUN =
  /(?:^|\s)(?:m[ae]n|wom[ae]n|males?|females?|girls?|boys?|lad(?:y|ies)|gentlem[ae]n|guys?|dudes?|gals?|business(?:wom[ae]n|m[ae]n)|mothers?|moms?|fathers?|dads?|parents?|persons?|people|applicants?|borrowers?|immigrants?|refugees?|foreigners?|nationals?|non-?citizens?|holders?|residents?|seekers?|retirees?|seniors?|citizens?|elderly|teenagers?|millennials?|boomers?|widow(?:s|ers?)?|divorc[eé]es?|spouses?|husbands?|wi(?:fe|ves)|newlyweds?|partners?|couples?|muslims?|christians?|catholics?|protestants?|jews?|hindus?|buddhists?|sikhs?|atheists?|mormons?|evangelicals?|blacks|whites|hispanics|latin[oa]s|asians|caucasians|minorities|americans?|mexicans?|indians?|arabs?|filipinos?|koreans?|nigerians?|haitians?|cubans?|gays|lesbians?|bisexuals|homosexuals|heterosexuals|transgender people|divorcee)$/iu;

/** A person noun right after a term makes the term an adjective ("Muslim applicant"), which is cut, not replaced. */
const FOLLOWING_NOUN = /^\s+(?:(?:first[- ]time|new|young|older|retired|working|self[- ]employed|single|home|army|navy|air force|marine|coast guard|national guard|military|school|bus|truck|small[- ]business) )?(?:vets?|soldiers?|sailors?|marines?|airm[ae]n|officers?|schoolteachers?|professors?|pastors?|firefighters?|cops?|truckers?|landlords?|tenants?|renters?|investors?|realtors?|agents?|coworkers?|colleagues?|neighbou?rs?|friends?|roommates?|bosses?|managers?|caregivers?|therapists?|dentists?|pharmacists?|physicians?|scientists?|artists?|musicians?|writers?|authors?|applicants?|co-borrowers?|child(?:ren)?|siblings?|neighbou?rhoods?|communit(?:y|ies)|areas?|towns?|blocks?|partners?|spouses?|husbands?|wi(?:fe|ves)|fianc[ée]e?s?|uncles?|aunts?|nephews?|nieces?|cousins?|borrowers?|couples?|buyers?|homebuyers?|famil(?:y|ies)|households?|persons?|people|m[ae]n|wom[ae]n|workers?|owners?|homeowners?|customers?|clients?|citizens?|parents?|mothers?|fathers?|students?|veterans?|retirees?|seniors?|adults?|individuals?|nurses?|teachers?|engineers?|doctors?|electricians?|plumbers?|welders?|drivers?|employees?|contractors?|freelancers?|mechanics?|farmers?|chefs?|cooks?|servers?|accountants?|lawyers?|programmers?|developers?|designers?|professionals?|entrepreneurs?|guys?|gals?|ladies|moms?|dads?|ppl|folks)\b/iu;

/** An adverb that only qualifies the term after it ("newly divorced", "recently widowed", "devoutly Catholic"). */
const TERM_ADVERB = /\b(?:newly|recently|just|currently|now|still|freshly|happily|unhappily|legally|formerly|proudly|devoutly|openly|deeply|fully|very|much|far|way|slightly|somewhat|a lot|a bit|a little) $/iu;

/**
 * What goes with a cut term after it: a compound built on it ("SNAP-stretched"), an arrival after an origin ("I grew up
 * in Ecuador and moved here as a kid."), a label's "here" ("Fair-skinned here (…)", "Class of '82 here, and…"), when
 * it is true ("we're on WIC rn.").
 */
const TERM_TAIL = /^(?:-\p{L}+(?:-\p{L}+)*|\s+and (?:then )?(?:moved|came|immigrated) (?:here|to (?:the )?(?:u\.?s\.?a?|united states|america|this country))(?: (?:as (?:a )?(?:kid|child|teen(?:ager)?|baby)|when I was (?:a )?(?:kid|child|little|young|\d+)|in (?:19|20)\d\d|\d+ (?:years?|yrs?) ago))?(?=\s*[.,;!?]|$)|\s+(?:here(?=\s*(?:\(|,\s*(?:and|but|so)\b))|(?:rn|right now|currently|at the moment|atm|these days)(?=\s*(?:[,.;:!?()—–-]|$))))/iu;

/** "I am", "I'm" (or "Im"), "we are", "we're": the asker stating what they are. */
const ASKER_IS = "(?:I am|I['’]?m|we are|we['’]re)";
/** "I'm a …" before a cut person noun ("I'm a woman shopping for…"). */
const DOING_ASKER = new RegExp(`\\b${ASKER_IS}\\s+(an?\\s+)$`, 'iu');
/** A cut term that is a bare predicate ("I am Muslim and…", "Our family is Hindu"). */
const PREDICATE_BEFORE = new RegExp(`\\b(?:${ASKER_IS}(?:\\s+(?:both|all))?|I was|(?:family|household) (?:is|are))\\s+$`, 'iu');
/** The subject a cut at the front of a sentence took with it ("We're engaged and buying…"). */
const SUBJECT_FIRST = new RegExp(`^${ASKER_IS}\\b`, 'iu');

/** "who is also", ", who's a lot", ", who gets", "who goes to the same": a relative clause up to a cut term. */
const RELATIVE_CLAUSE_BEFORE =
  /(?:\s*,)?\s+who(?:['’]s| is| are| was| were| gets| get| receives| collects| goes to| go to| attends| attend)?(?:\s+(?:also|too|both|all|the same|a lot|much|even|very|really|quite|pretty|on))*(?:\s+an?)?\s*$/iu;
/** What the clause goes on with after the cut: a comparison ("than me", "like me", "as me", "too") and where it ends. */
const RELATIVE_CLAUSE_AFTER = /^(?:\s+(?:than|like|as) (?:me|us|I am|we are)|\s+(?:too|also|as well))?\s*(?:,|(?=[.!?;:)—–]|\s+(?:told|said|says|thinks|suggested|agreed|wants|has|had|is|was|keeps|asked|offered|and)\b)|$)/iu;

/** Counterparts used for swaps, by basis; the first whose `from` matches the term is used. */
const SWAPS: Readonly<Record<ProtectedCharacteristic, readonly (readonly [RegExp, string])[]>> = {
  race: [[/^whites?$/u, 'Black'], [/^caucasians?$/u, 'Black'], [/./u, 'white']],
  color: [[/^light/u, 'dark-skinned'], [/./u, 'light-skinned']],
  religion: [[/^christian/u, 'Muslim'], [/^(?:church|mosque|synagogue)/u, ''], [/./u, 'Christian']],
  national_origin: [
    [/^immigrants?$|^foreigners?$|^refugees?$|^foreign nationals?$|^non-?citizens?$|^green card|^permanent residents?$|^visa holders?$|^asylum/u, 'U.S.-born citizen'],
    [/^foreign[- ]born$|^born /u, 'U.S.-born'],
    [/^of /u, 'of American origin'],
    [/^(?:mexicans?|chinese|indians?|arabs?|filipinos?|vietnamese|koreans?|nigerians?|haitians?|cubans?|middle eastern)$/u, 'American'],
  ],
  sex: [
    [/^wom[ae]n$/u, 'man'], [/^m[ae]n$/u, 'woman'], [/^females?$/u, 'male'], [/^males?$/u, 'female'],
    [/^single (?:mothers?|moms?)$/u, 'single father'], [/^single (?:fathers?|dads?)$/u, 'single mother'],
    [/^girls?$/u, 'boy'], [/^boys?$/u, 'girl'], [/^lad(?:y|ies)$/u, 'gentleman'],
    [/^(?:gays?|lesbians?|bisexuals?|homosexuals?|queer)$/u, 'straight'], [/^transgender$/u, 'cisgender'],
  ],
  marital_status: [
    [/^married$/u, 'unmarried'], [/^unmarried$/u, 'married'], [/^(?:divorced?|widow(?:ed)?|legally separated)$/u, 'married'],
    [/^single (?:mothers?|moms?|fathers?|dads?|parents?)$/u, 'married parent'], [/^single /u, 'married borrower'],
    [/single$/u, 'married'], [/^(?:divorcees?|widows?|widowers?)$/u, 'married person'],
  ],
  age: [
    [/^(\d{2})([- ]years?[- ]old)$/u, ''], [/^(ages?|aged) (\d{2})$/u, ''],
    [/^(?:seniors?|senior citizens?|retirees?|elderly|older \p{L}+)$/u, 'younger borrower'],
    [/^(?:young(?:er)? \p{L}+|millennials?|teenagers?|gen(?:eration)? z)$/u, 'older borrower'],
  ],
  public_assistance: [[/./u, 'employment income']],
};

export interface VariantOptions {
  /** Most variants in all, the neutral one included (default 3). */
  maxVariants?: number;
  /**
   * Terms (lower-case, as found) never removed or swapped: mentions whose rule decides the answer
   * (an age in a reverse-mortgage question), where a different answer for another value is right.
   */
  unvaried?: ReadonlySet<string> | undefined;
}

/**
 * Bounded counterfactual rewrites of `query`: first the attribute-neutral question (every
 * protected term removed: a statement sentence about the borrower that holds one is dropped when
 * another sentence remains; otherwise a person noun becomes "borrower(s)" and other terms are
 * cut), then one swap per distinct protected term (married → unmarried, woman → man, 67 years
 * old → 35 years old, SSI → employment income...) up to `maxVariants`. Empty when the question
 * names no protected basis. Deterministic.
 */
export function questionVariants(query: string, options: VariantOptions = {}): QuestionVariant[] {
  const maxVariants = Math.max(0, Math.floor(options.maxVariants ?? 3));
  const spans = distinctSpans(findProtectedTermSpans(query)).filter((span) => !options.unvaried?.has(span.term));
  const first = spans[0];
  if (first === undefined || maxVariants === 0) return [];
  const variants: QuestionVariant[] = [
    { change: 'removed', characteristic: first.characteristic, term: first.term, replacement: '', query: removeTerms(query, spans) },
  ];
  const seen = new Set<string>([normalise(query), normalise(variants[0]!.query)]);
  for (const span of spans) {
    if (variants.length >= maxVariants) break;
    const replacement = swapFor(span, query.slice(span.start, span.end), /(?:^|[.!?]\s+)$/u.test(query.slice(0, span.start)));
    if (replacement === undefined) continue;
    const swapped = tidy(replaceAt(query, span.start, span.end, replacement));
    if (seen.has(normalise(swapped))) continue;
    seen.add(normalise(swapped));
    variants.push({ change: 'swapped', characteristic: span.characteristic, term: span.term, replacement, query: swapped });
  }
  return variants;
}

/** One span per stretch of text: the longest wins where spans overlap; same-range spans keep the first basis. */
export function distinctSpans<T extends { start: number; end: number }>(spans: readonly T[]): T[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: T[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start < last.end) continue;
    out.push(span);
  }
  return out;
}

/**
 * `query` with the text of `spans` (offsets into it, non-overlapping) removed: a statement sentence
 * left with almost nothing is dropped when another sentence remains, "As a …," self-descriptions
 * go, a person noun becomes "borrower(s)", other terms are cut. Shared by the neutral variant here
 * and by {@link neutralizeQuestion}.
 */
export function removeTerms(query: string, spans: readonly { start: number; end: number }[]): string {
  const sentences: { text: string; start: number; end: number }[] = [];
  // "U.S." and "e.g." do not end a sentence ("I'm a U.S. citizen born in Lagos.").
  // A line break ends one too: a list item ("- I'm on SSDI") or a signature line is a statement of its own.
  for (const match of query.matchAll(/(?:\b(?:U\.S|e\.g|i\.e|etc|Mr|Mrs|Ms|Dr|St|Jr|Sr)\.|[^.!?\n])+(?:[.!?]+[ \t]*|\n+|$)\s*/gu)) {
    if (match[0] === '') continue;
    sentences.push({ text: match[0], start: match.index, end: match.index + match[0].length });
  }
  const out: string[] = [];
  // Which sentences were dropped: a list's header ("Some details:") goes when every item under it went.
  const dropped = new Set<number>();
  for (const [index, sentence] of sentences.entries()) {
    // "a newly divorced borrower", "as a recently widowed woman": the adverb goes with its term.
    const inside = spans
      .filter((span) => span.start >= sentence.start && span.end <= sentence.end)
      .map((span) => ({
        start: span.start - (TERM_ADVERB.exec(query.slice(sentence.start, span.start))?.[0].length ?? 0),
        end: span.end + (TERM_TAIL.exec(query.slice(span.end, sentence.end))?.[0].length ?? 0),
      }))
      // ("Korean-American" with its "-owned" overlaps "Korean-American-owned": one cut.)
      .sort((a, b) => a.start - b.start)
      .reduce<{ start: number; end: number }[]>((merged, span) => {
        const last = merged.at(-1);
        if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
        else merged.push({ ...span });
        return merged;
      }, []);
    if (inside.length === 0) {
      out.push(sentence.text);
      continue;
    }
    let text = sentence.text;
    // "Fair-skinned here (seriously, the palest person I know).": an aside right after a cut term is about it.
    const asidesOfCuts = inside
      .map((span) => /^\s*\([^()]*\)/u.exec(query.slice(span.end, sentence.end))?.[0])
      .filter((aside): aside is string => aside !== undefined && !SAYS_SOMETHING_ELSE.test(aside));
    for (const span of [...inside].reverse()) {
      const from = span.start - sentence.start;
      const to = span.end - sentence.start;
      // "Can someone over 60 get…", "How much should someone in their 60s save…", "Can someone who is Muslim get…",
      // "Can a person with light skin get…":
      // the asker as the question's subject, "a borrower" (which becomes "I").
      const someone = /\b(?:does|do|did|can|could|should|would|will|might|may|must)\s+((?:someone|somebody|anyone|anybody|a person)(?:\s+who\s+(?:is|was)(?:\s+an?)?|\s+with|\s+on)?\s+)$/iu.exec(text.slice(0, from));
      if (someone && QUESTION_VERB.test(text.slice(to))) {
        text = `${text.slice(0, from - someone[1]!.length)}a borrower${text.slice(to)}`;
        continue;
      }
      // "my coworker who is also black told me…", "my relative, who gets SSDI, has…": a relative clause whose
      // predicate was the trait goes whole (with what it compared: "who's a lot darker-skinned than me").
      const relative = RELATIVE_CLAUSE_BEFORE.exec(text.slice(0, from));
      const rest = RELATIVE_CLAUSE_AFTER.exec(text.slice(to));
      // (Not "for someone who is dark-skinned": that someone is the asker, read below.)
      if (relative && rest && !/(?<![\p{L}-])(?:someone|somebody|anyone|anybody|person|one|people|folks|borrowers?|applicants?)$/iu.test(text.slice(0, relative.index))) {
        const closing = rest[0].endsWith(',') && relative[0].trimStart().startsWith(',');
        text = text.slice(0, relative.index) + (closing ? '' : rest[0].endsWith(',') ? ',' : '') + text.slice(to + rest[0].length);
        continue;
      }
      // "Would being Black make any difference?", "Is our SSDI relevant here?", "My light complexion shouldn't matter":
      // the trait as the subject is "it"; "Should it matter that I'm a woman?": the clause goes.
      const asSubjectOf = /\b(?:being\s+(?:an?\s+)?|(?:my|our)\s+)$/iu.exec(text.slice(0, from));
      if (asSubjectOf && /^\s+(?:(?:should|shouldn['’]t|does|doesn['’]t|did|didn['’]t|will|won['’]t|would|wouldn['’]t|could|couldn['’]t|might|may|can|can['’]t)(?:\s+not)?\s+(?:really\s+|even\s+|ever\s+)?)?(?:make|makes|change|changes|affect|affects|matter|matters|count|counts|hurt|hurts|help|helps|play|plays|factor|factors|relevant|an issue|a factor|a problem)\b/iu.test(text.slice(to))) {
        text = `${text.slice(0, asSubjectOf.index)}it${text.slice(to)}`;
        continue;
      }
      const thatClause = /(?<=\b(?:matter|matters|mattered|relevant|important|a factor|an issue|a problem|a difference|any difference))\s+that\s+(?:I['’]m|I am|we['’]re|we are)\s+(?:an?\s+)?$/iu.exec(text.slice(0, from));
      if (thatClause && /^\s*[?.!,;]/u.test(text.slice(to))) {
        text = text.slice(0, thatClause.index) + text.slice(to);
        continue;
      }
      // "people like you, being Hispanic, usually…", "people like you, from Honduras, usually…": an aside that was
      // only the trait goes with its commas (a list's item, "short, dark-skinned, tattooed", keeps one).
      const asideOpen = /,\s*(being\s+|as\s+(?:an?\s+)?)?$/iu.exec(text.slice(0, from));
      if (asideOpen && /^\s*,/u.test(text.slice(to)) && (asideOpen[1] !== undefined || /^(?:from|born|raised|originally)\b/iu.test(text.slice(from, to)))) {
        text = `${text.slice(0, asideOpen.index)} ${text.slice(to).replace(/^\s*,\s*/u, '')}`;
        continue;
      }
      // "As an immigrant, what rate…" → "What rate…": the whole self-description goes.
      const asClause = /(?:^|\s)as\s+(?:an?\s+)?$/iu.exec(text.slice(0, from));
      if (asClause && /^\s*,/u.test(text.slice(to))) {
        // ("After four years out of the workforce as a stay-at-home dad, I'm back…" keeps its comma.)
        const opens = /^\s*(?:(?:speaking|asking|writing|being|just)\s*)?$/iu.test(text.slice(0, asClause.index));
        text = text.slice(0, asClause.index) + text.slice(to).replace(/^\s*,\s*/u, opens ? ' ' : ', ');
        continue;
      }
      // "As a woman buying my first home, what…" → "As someone buying my first home, what…": the
      // asker stays, with no basis and no content word ("borrower" would change retrieval).
      if (asClause && PERSON_NOUN.test(text.slice(from, to)) && /^\s+\p{L}+ing\b/u.test(text.slice(to))) {
        const as = text.slice(asClause.index, from).replace(/\s+an?\s+$/iu, ' ');
        text = `${text.slice(0, asClause.index)}${as}someone${text.slice(to)}`;
        continue;
      }
      // "I'm a woman shopping for…" → "I'm shopping for…": the asker doing something needs no noun.
      const doing = DOING_ASKER.exec(text.slice(0, from));
      if (doing && PERSON_NOUN.test(text.slice(from, to)) && /^\s+\p{L}+ing\b/u.test(text.slice(to))) {
        text = text.slice(0, from - doing[1]!.length) + text.slice(to).trimStart();
        continue;
      }
      // "I am Muslim and…" → "I am and…" (tidied to "I …"): a bare predicate is cut, not made "borrower".
      const predicate = PREDICATE_BEFORE.test(text.slice(0, from));
      text = replaceAt(text, from, to, predicate ? '' : neutralFor(text.slice(from, to), text.slice(to), text.slice(0, from)));
    }
    for (const aside of asidesOfCuts) text = text.replace(aside, '');
    // "(I'm Black too)", "(I was born in Kenya, for context)", "(engaged since Christmas)": an aside a cut left with nothing to say.
    text = text.replace(/\s*\(([^()]*)\)/gu, (aside: string, inner: string) =>
      !sentence.text.includes(aside.trim()) && contentWords(inner).every((word) => ASIDE_FILLER.test(word)) ? '' : aside,
    );
    // "My skin is very dark, and I'm wondering…" → "I'm wondering…": a clause cut from the front
    // leaves no joining word behind.
    // A cut that took the subject with it ("We're engaged and buying…") gives the subject back.
    const front = inside.find((span) => sentence.text.slice(0, span.start - sentence.start).trim() === '');
    if (front) {
      const subject = SUBJECT_FIRST.exec(sentence.text.slice(front.start - sentence.start).trimStart())?.[0];
      // An aside that followed the cut was about it ("Recently divorced (ugh, long story) and trying to…").
      // "I'm 64 and moved across the state…" gives "I moved…" (a verb), as "We're engaged and buying…" gives "We're buying…".
      const verb = subject !== undefined && /^\s*and\s+(?:(?:just|recently|also|still|now)\s+)?(?!(?:retired|married|divorced|widowed|separated|engaged|disabled|employed|self-employed|unemployed|single|based|located|interested|pre-?approved|approved|ready|worried|new|done)\b)(?:\p{L}+ed|have|had|want|need|live|work|own|rent|make|earn|got|get|plan|hope|pay|owe|use|receive|collect)\b/iu.test(text);
      const given = subject && /^\s*and\s+(?:\p{L}+ing|on|in|at|behind|ahead|about|still|currently|now|already|ready|not)\b/iu.test(text) ? `${subject} ` : verb ? `${subject!.replace(/(?:['’](?:m|re)| am| are)$/iu, '')} ` : '';
      // ("I'm 67, retired and loving it." leaves ", retired…": the comma goes too.)
      text = text.replace(/^\s*(?:\([^)]*\)\s*)?(?:[,;:—–]\s*(?:(?:and|but|so|n|&)\s+)?|(?:and|but|so|n|&)\s+)/iu, (match: string) => (/(?:and|but|so|n|&)\s+$/iu.test(match) ? given : ''));
    }
    // "I am a single mother. Can I…?" → "Can I…?": a statement left with almost nothing is dropped.
    const isStatement = !sentence.text.trim().endsWith('?');
    // Numbers count as content ("I am a woman with a 580 credit score." keeps the 580); "Edit: since a few people
    // asked, I'm a woman." says no more than its trait.
    const words = contentWords(text.replace(POSTSCRIPT, ''));
    // "My parents think I'm too young for this, but I'm finally house hunting." → "I'm finally house hunting.":
    // a clause the cut left with nothing to say goes, the rest of the statement stays.
    if (isStatement) text = withoutEmptiedClauses(text, sentence.text);
    // …unless what is left joins on to the cut one ("I am divorced and receive alimony." → "I receive alimony.";
    // "Never married and buying solo.", "As a woman, buying solo." → "Buying solo.").
    const joinsOn = /\b(?:I|we)(?:\s+(?:am|are)|['’](?:m|re))\s+(?:(?:an?\s+)?(?:borrowers?|person|someone)(?:\s+with)?\s+)?and\s+\p{L}/iu.test(text) || /^\s*\p{L}+ing\b/u.test(text);
    const hasNumber = words.some((word) => /^\d/u.test(word));
    // Military and veteran status are not protected and decide VA and SCRA rules: "I'm a Hispanic veteran." keeps "I'm a veteran.".
    const service = /\b(?:veterans?|military|service ?members?|active[- ]duty|deployed|national guard|reservists?)\b/iu.test(text);
    // …nor one that names a lending subject ("53yo Black woman, self employed." keeps "self employed").
    // (Read last: the vocabulary scan runs only for a statement about to be dropped.)
    const namesLending = () => findLendingTerms(text.replace(/\bco-borrowers?\b/giu, '')).length > 0;
    // "Everyone at work assumes I'm Mexican, but I'm Honduran." → "…assumes I'm, but I'm.": said only to say the trait.
    const predicateEmptied =
      /(?:^|:\s*|\b(?:assumes?|assumed|thinks?|thought|guess(?:es|ed)?|figures?|figured|says?|said|knows?|knew)\s+(?:that\s+)?)(?:I['’]m|I am|we['’]re|we are)(?:\s+not)?(?:\s+an?)?(?:\s+borrowers?)?\s*[,.!;]/iu.test(text) &&
      /(?:^|,\s*(?:(?:but|and)\s+)?|:\s*|\b(?:assumes?|assumed|thinks?|thought|guess(?:es|ed)?|figures?|figured|says?|said|knows?|knew)\s+(?:that\s+)?)(?:I['’]m|I am|we['’]re|we are)(?:\s+not)?(?:\s+an?)?(?:\s+borrowers?)?\s*[.!]?\s*$/iu.test(text);
    if (isStatement && sentences.length > 1 && (words.length <= 2 || predicateEmptied) && !hasNumber && !service && !joinsOn && !namesLending()) {
      dropped.add(index);
      out.push('');
      continue;
    }
    out.push(text);
  }
  for (const [index, sentence] of sentences.entries()) {
    if (!/^[^.!?\n]{1,40}:\s*$/u.test(sentence.text)) continue;
    let next = index + 1;
    while (next < sentences.length && /^\s*[-*•]/u.test(sentences[next]!.text)) next += 1;
    const items = next - index - 1;
    if (items > 0 && sentences.slice(index + 1, next).every((_, offset) => dropped.has(index + 1 + offset))) out[index] = '';
  }
  const result = tidy(out.join(''));
  return result;
}

/** The words of what a cut left that say something (numbers count: "I am a woman with a 580 credit score." keeps the 580). */
function contentWords(text: string): string[] {
  return (
    text
      .match(/\p{L}[\p{L}'’-]*|\d[\d,.%]*/gu)
      ?.filter((word) => !/^(?:i|am|a|an|the|and|or|at|on|of|in|my|we|are|is|be|to|with|borrowers?|i['’]m|we['’]re|both|also|originally|very|really|just|pretty|quite|come|came|from|background|heritage|descent|person|persons|people|individual|someone)$/iu.test(word)) ?? []
  );
}

/** Words an aside about the borrower says around a trait ("(I'm Black too)", "(I was born in Kenya, for context)"). */
const ASIDE_FILLER =
  /^(?:too|also|as|well|me|us|than|lot|bit|little|much|more|less|who|whom|whose|which|who['’]s|was|were|been|for|context|fwiw|fyi|btw|by|way|seriously|honestly|obviously|yes|yeah|if|that|it|matters|helps|since|ago|years?|months?|know|you|they|them|like|same|goes|go|gets|get|receives|got|january|february|march|april|may|june|july|august|september|october|november|december|christmas|thanksgiving|last|year|spring|summer|fall|winter|redhead|blonde|brunette|record)$/iu;
/** An aside that says something besides the trait before it: service, a number, a lending word. */
const SAYS_SOMETHING_ELSE = /\d|\b(?:veterans?|military|service ?members?|active[- ]duty|va|loans?|mortgages?|credit|income|debt|rates?|down payment|closing)\b/iu;
/** "Edit: since a few people asked,", "P.S. for context:": a postscript's opening, which says nothing. */
const POSTSCRIPT =
  /^\s*(?:edit|update|eta|p\.?s\.?|context)\s*[:.—–-]*\s*(?:(?:since|because|as) (?:a few |some |several |many )?(?:people|folks|of you|you all|y['’]all|someone) (?:asked|wondered|were wondering)|for context)?\s*[,:]?\s*/iu;

/** Where a statement's clauses meet: ", but", ", and", ", so", ", yet", ";". */
const CLAUSE_BREAK = /(,\s+(?:but|and|so|yet)\s+|;\s+)/iu;
/** Words that say nothing of their own in a clause about the borrower ("My parents think…", "…say that…"). */
const CLAUSE_FILLER =
  /^(?:think|thinks|thought|say|says|said|feel|feels|felt|know|knows|keep|keeps|telling|have|has|had|been|we|co-borrowers?|for|this|that|it|so|told|tell|me|everyone|people|parents?|kids?|grandkids?|children|family|friends?|relatives?|coworkers?)$/iu;

/**
 * `cut` (a statement after its cuts) without the clauses at its front that the cut emptied: changed from
 * `original`'s and left with no word that says something ("I'm a teacher, 67, and…" keeps "I'm a teacher").
 * Only when the clauses still line up.
 */
function withoutEmptiedClauses(cut: string, original: string): string {
  const after = cut.split(CLAUSE_BREAK);
  const before = original.split(CLAUSE_BREAK);
  if (after.length < 3 || after.length !== before.length) return cut;
  let first = 0;
  while (first < after.length - 1 && after[first] !== before[first] && contentWords(after[first]!).every((word) => CLAUSE_FILLER.test(word))) first += 2;
  return first === 0 ? cut : after.slice(first).join('');
}

/** Replaces text[start, end) and makes a preceding "a"/"an" agree with the word that now follows. */
function replaceAt(text: string, start: number, end: number, replacement: string): string {
  let before = text.slice(0, start);
  const after = text.slice(end);
  const next = (replacement || after.trimStart()).match(/^[\p{L}\d.]+/u)?.[0] ?? '';
  const article = /\b(a|an|A|An)\s+$/u.exec(before);
  if (article && next) {
    const vowel = /^[aeiou]/iu.test(next) && !/^(?:U\.?S|uni|use|one)/iu.test(next);
    const fixed = `${article[1]!.charAt(0)}${vowel ? 'n' : ''} `;
    before = before.slice(0, article.index) + fixed;
  }
  return before + replacement + after;
}

/** Verbs a borrower's question puts after its subject ("Can a Latina get…", "How does a 68-year-old dispute…"). */
const QUESTION_VERB =
  /^\s+(?:(?:still|also|ever|even|really|actually|just|usually|typically|legally|realistically) )?(?:get|qualify|expect|pay|need|know|apply|buy|borrow|use|have|be|do|refinance|afford|put|pull|dispute|save|find|choose|pick|lock|take|make|rent|sell|owe|receive|claim|count|show|prove|report|file|remove|fix|build|improve|start|keep|stop|avoid|handle|protect|check|request|ask|want|go|deal|face|lose|consider|add|include|co-?sign|assume|access|open|close|move|sign|transfer|switch|shop|compare|negotiate|tell|learn|see|try|look|work|live|hold|cancel|drop|waive|deduct|complain|appeal|challenge|contest|freeze|order|obtain|secure|become|stay|earn|spend|withdraw|cash|tap|convert|finance|repay|rebuild|establish|prepare|plan|estimate|calculate|figure|decide|verify|end|wait|set|send|submit|list|think|worry|trust|beat|bring|come|skip|change|lower|raise|reduce|cut|throw|qualifies|has|is|can|should|must|would|will|could|may|might)(?:s|es)?\b/iu;

/**
 * A term used as a noun after "a"/"an": ending its phrase ("from a Pacific Islander:", "I'm a German and…"),
 * or as the subject of the question's verb ("Can a Latina get…", "What rate should a 68-year-old expect?").
 */
function usedAsNoun(preceding: string, following: string): boolean {
  // "the Dominican who reads every letter twice": a noun after "the" before its relative clause.
  if (AFTER_THE.test(preceding) && /^\s+(?:who|that|with|in|at|from|on)\b/iu.test(following)) return true;
  if (!/(?:^|\s)(?:a|an)\s+$/iu.test(preceding)) return false;
  // An adjective goes on to its noun; a preposition, an adverb or a determiner after the term says it was the noun
  // ("…treat a Latina differently", "…charge a Muslim more", "a Nigerian in Texas").
  if (/^\s*(?:[,.;:!?)]|(?:and|or|but|who|with|in|from|on|at|by|as|than|because|since|so|too|more|less|differently|unfairly|fairly|higher|lower|worse|better|extra|the|a|an|any|anything|something)\b|$)/u.test(following)) return true;
  // "Is it harder for a Latina to get approved?"
  if (/\bfor\s+(?:a|an)\s+$/iu.test(preceding) && /^\s+to\s+\p{L}/u.test(following)) return true;
  return /\b(?:does|do|did|can|could|should|would|will|might|may|must|is|was|for|to|if|when|once|after|before|that)\s+(?:a|an)\s+$/iu.test(preceding) && QUESTION_VERB.test(following);
}

/** Right after "the" (in a quotation too: "the Dominican who…"). */
const AFTER_THE = /(?:^|[\s"“'‘(])the\s+$/iu;

/** Someone a possessive can own ("my wife", "our dad", "my people"): not a group's name used as an adjective. */
const OWN_PERSON = /^(?:m[ae]n|wom[ae]n|girls?|boys?|lad(?:y|ies)|gentlem[ae]n|guys?|dudes?|gals?|mothers?|moms?|fathers?|dads?|parents?|persons?|people|applicants?|borrowers?|spouses?|husbands?|wi(?:fe|ves)|partners?|couples?|widow(?:s|ers?)?|divorcees?|newlyweds?)$/iu;

/** A relative named by sex after a possessive ("my Black dad", "her Catholic husband"), and the word for them that names none. */
const RELATIVE = /^(?:(m[ao]ms?|mothers?|dads?|fathers?)|(husbands?|wi(?:fe|ves)|spouses?|partners?)|(sons?|daughters?)|(brothers?|sisters?))$/iu;

function neutralFor(original: string, following: string, preceding = ''): string {
  const relative = RELATIVE.exec(original.trim());
  if (relative && /\b(?:my|our|his|her|their|your)\s+(?:\S+\s+)?$/iu.test(preceding) && !FOLLOWING_NOUN.test(following)) {
    const plural = /s$/iu.test(original.trim()) || /^wives$/iu.test(original.trim());
    const word = relative[1] ? 'parent' : relative[2] ? 'co-borrower' : relative[3] ? 'child' : 'sibling';
    return plural ? (word === 'child' ? 'children' : `${word}s`) : word;
  }
  if (!(PERSON_NOUN.test(original) || usedAsNoun(preceding, following)) || FOLLOWING_NOUN.test(following)) return '';
  // "my boomer brain", "our Muslim household budget": a group's name after a possessive describes what follows.
  if (/\b(?:my|our|his|her|their|your)\s+$/iu.test(preceding) && !OWN_PERSON.test(original.trim())) return '';
  const plural = /(?:s|people|men|women|ladies|wives|elderly|minorities)$/iu.test(original) && !/ss$/iu.test(original);
  // "the numbers lady at work", "the only woman in the office": someone described, not the asker — a person.
  // ("the lady who reads contracts" is "the one who", as a question without her would say.)
  if (AFTER_THE.test(preceding) && /^\s+(?:who|that)\b/iu.test(following)) return plural ? 'ones' : 'one';
  if (/(?:^|[\s"“'‘(])the\s+(?:\p{L}+\s+)?$/iu.test(preceding)) return plural ? 'people' : 'person';
  return plural ? 'borrowers' : 'borrower';
}

function swapFor(span: ProtectedTermSpan, original: string, sentenceStart: boolean): string | undefined {
  const term = span.term;
  if (span.characteristic === 'age') {
    const years = /^(\d{2})([- ]years?[- ]old)$/u.exec(term) ?? /^(?:ages?|aged) (\d{2})$/u.exec(term);
    if (years) {
      const swappedAge = Number(years[1]) >= 50 ? '35' : '60';
      return original.replace(/\d{2}/u, swappedAge);
    }
  }
  for (const [from, to] of SWAPS[span.characteristic]) {
    if (!from.test(term)) continue;
    if (to === '') return undefined;
    const plural = (/s$/u.test(term) || /(?:^|\s)(?:men|women|people|wives)$/u.test(term)) && !/(?:ss|us)$/u.test(term) && !/^(?:of |born )/u.test(term);
    const word = plural && !/income$|[- ]born$|^straight$|^cisgender$|^unmarried$|^married$|^white$|^Black$|^American$/u.test(to) ? pluralise(to) : to;
    return sentenceStart ? word.charAt(0).toUpperCase() + word.slice(1) : word;
  }
  return undefined;
}

function pluralise(noun: string): string {
  if (/man$/u.test(noun)) return noun.replace(/man$/u, 'men');
  if (/person$/u.test(noun)) return noun.replace(/person$/u, 'people');
  return `${noun}s`;
}

/** Collapses the whitespace and punctuation left by cuts and fixes "a"/"an" before the next word. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+/gu, ' ')
    .replace(/\s+([,.;:!?])/gu, '$1')
    // "people like you, being Hispanic, usually…", "I'll take care of you, we're both Catholic, so…", "Will I, a 25-year-old
    // woman, need…", "The sellers, a Black couple, offered…": an aside the cut left with no word of its own goes whole.
    .replace(/,\s*(?:we['’]re|we are|I['’]m|I am)(?:\s+(?:both|all))?\s*,\s*/giu, ', ')
    .replace(/,\s*(?:an?\s+)?(?:borrowers?|person|someone|couple|pair|family|household)\s*,\s*/giu, ' ')
    // "The HOA president, a Vietnamese immigrant who has lived…" leaves "a borrower who".
    .replace(/,\s*an?\s+borrower\s+who\b/giu, ', who')
    // "Numbers check before I apply: I'm Black, I gross…" leaves "I'm, I gross".
    .replace(/([:;]\s*)(?:I['’]m|I am|we['’]re|we are)\s*,\s*/giu, '$1')
    // "I'm a 34-year-old woman likely to relocate…" leaves "I'm a borrower likely to…".
    .replace(/\b(I['’]m|I am|we['’]re|we are) (?:an? )?borrowers? (?=(?:likely|about|planning|ready|able|unable|eligible|interested|new|used|going|hoping|trying|set|due)\b)/giu, '$1 ')
    // "As a 70-year-old widow living alone" leaves "As a borrower living alone": as "As a woman living alone" does, "As someone…".
    .replace(/(^|[.!?]\s+)(As|as) (?:an? )?borrower (?=\p{L}+ing\b)/gu, (_match, before: string, as: string) => `${before}${as} someone `)
    // "Between work, Bible study, and everything else" leaves "work, , and": the cut item's commas go.
    // ("…last spring, 14 years after leaving Ghana, and now I want…" keeps the comma before a clause.)
    .replace(/,\s*,\s*(and|or)\s(?!(?:I|we|now|then|it|they|my|our|the|so|still|this|that|there)\b)/gu, ' $1 ')
    .replace(/,\s*,/gu, ',')
    // "which, after the separation, honestly feels" leaves "which, after the, honestly": the aside goes whole.
    .replace(/,\s*(?:after|before|since|during|with|without|despite|following|because of)(?:\s+(?:being|the|my|our|a|an|his|her|their|getting))*\s*,\s*/giu, ' ')
    // "…renting since the divorce." leaves "since the."; "Since the divorce, money is tight." leaves "Since the, money…": the phrase goes.
    .replace(/\s+(?:since|after|before|during|following|throughout|through|despite)\s+(?:the|my|our|his|her|their)\s*(?=[,;:.!?]|$)/giu, '')
    .replace(/(^|[.!?]\s+)(?:since|after|before|during|following|throughout|through|despite)\s+(?:the|my|our|his|her|their)\s*,\s*(\p{L})/giu, (_match, before: string, letter: string) => before + letter.toUpperCase())
    // "…because of my accent, so I…" leaves "because of,"; "even with SNAP we didn't…" leaves "even with we".
    .replace(/\s+(?:because of|due to|thanks to)(?:\s+(?:my|our))?\s*(?=[,;:.!?]|$)/giu, '')
    .replace(/\b(?:even )?(?:with|without|despite|on)\s+(?=(?:I|we|they)\b(?!['’]s))/gu, '')
    // "…, and we're both Vietnamese." leaves "and we're both."; "…, and my family gets SNAP." leaves "and my family gets.".
    .replace(/,?\s*\b(?:and|but)\s+(?:we['’]re|we are|I['’]m|I am)(?:\s+(?:both|all))\s*(?=[.!?])/giu, '')
    .replace(/,?\s*\b(?:and|but)\s+(?:my|our)\s+(?:family|household|kids?|parents?|children)\s+(?:gets?|receives?|collects?|uses?|is on|are on)\s*(?=[.!?])/giu, '')
    // "…and as immigrants we don't know…" leaves "as borrowers we".
    .replace(/,?\s*\bas (?:an? )?borrowers?\s+(?=(?:we|I)\b)/giu, ' ')
    // "A bit about me: dark-skinned, one income" leaves "me:, one income"; "…talked down to me because I'm single." leaves "because.".
    .replace(/:\s*,\s*/gu, ': ')
    .replace(/\s+because\s*(?=[.!?,;])/giu, '')
    // "…lost interest once they saw my hijab." leaves "once they saw."; "…changed once I mentioned I get WIC." leaves "once I mentioned I get.".
    .replace(/\s+(?:once|when|after|as soon as|the moment)\s+(?:they|he|she|I|we|the \p{L}+)\s+(?:saw|heard|met|noticed|learned|found out|realized|mentioned|told them|said)(?:\s+(?:that\s+)?(?:I|we)\s+(?:get|receive|am|was|use|['’]m))?(?:\s+(?:my|our))?\s*(?=[.!?,;])/giu, '')
    // "Yo im 24 n wanna buy…" leaves "Yo n wanna buy".
    .replace(/(^|[.!?]\s+)(yo|ok|okay|so|well|hey|hi|lol|ngl|honestly)\s*,?\s+(?:and|n|&)\s+/giu, '$1$2 ')
    // "…that we sold in 2018 when we divorced, and…" leaves "when we,".
    .replace(/\s+(?:when|after|since|before|once|until)\s+(?:I|we)\s*(?=[,;:.!?])/gu, '')
    // "We've been married for 12 years, and we're…" leaves "We've, and we're…".
    .replace(/(^|[.!?]\s+)(?:I|We)(?:['’]ve| have)(?: been)?\s*,\s*(?:and|but|so)\s+(\p{L})/gu, (_match, before: string, letter: string) => before + letter.toUpperCase())
    .replace(/\b(?:a|an|A|An) (a|an|the|and|or)\b/gu, '$1')
    .replace(/\b(?:a|an|A|An)([,.;:!?])/gu, '$1')
    // "I am Christian and do not want…" with the term cut leaves "I am and do not want…".
    // "We're married and buying…" leaves "We're and buying…": a participle or a preposition keeps its "are" ("I'm elderly and on social security").
    .replace(/\b(I|we|We)(\s+(?:am|are)\s+|['’](?:m|re)\s+)and\s+(?=\p{L}+ing\b|\d|(?:on|in|at|from|under|over|out|into|with|without|about|behind|ahead)\b)/gu, '$1$2')
    // …in chat spelling, "since im newly separated and juggling…" leaves "im and juggling".
    .replace(/\b([Ii]m)\s+and\s+(?=\p{L}+ing\b)/gu, '$1 ')
    // "I'm a veteran and a woman." leaves "I'm a veteran and a borrower.": the added noun says nothing.
    .replace(/,?\s+(?:and|or)\s+(?:an?\s+)?borrowers?(?=\s*[.,;:!?]|$)/gu, '')
    // "(I'm Black)" cut leaves "(I'm )"; "an immigrant from El Salvador with a green card - can I…" leaves "with a -".
    .replace(new RegExp(`\\s*\\(\\s*(?:${ASKER_IS}\\s*)?(?:an?\\s+borrowers?\\s*)?\\)`, 'giu'), '')
    // "Can someone on SSDI get…" leaves "someone on get…".
    .replace(/\b(someone|anyone|people|borrowers?|folks|famil(?:y|ies)|households?|couples?) on\s+(?=(?:get|qualify|apply|borrow|use|have|be|still|refinance|like|file|open|dispute|buy|ask|take|sign)\b)/giu, '$1 ')
    .replace(/\s+(?:with|and|of|from)\s+(?:an?|the)?\s*(?=\s[-–—]\s|[,;:.!?]|$)/gu, '')
    // "Because I'm Latino, will…" leaves "Because I'm, will…"; "Even though I'm 70, can I…" leaves "Even though, can I…".
    .replace(new RegExp(`[ \\t]*\\b(?:because|since|though|although|even though|given that|now that|as|if|when|considering(?: that)?|seeing as)\\s+${ASKER_IS}(?:\\s+an?\\s+borrowers?)?\\s*(?=[,;:.!?]|$)`, 'giu'), '')
    // "…, given that I am 67?" leaves "…, given that?"; "…when I'm 70?" leaves "…when?".
    .replace(/,\s*(?:because|since|though|although|even though|given that|now that|considering(?: that)?|seeing as)\s*(?=[.!?]|$)/giu, '')
    .replace(/(?<!\b(?:and|or|but|so|then|if so))[ \t]+(?:if|when)(?=\?$)/giu, '')
    .replace(/(^|[.!?]\s+)(?:even though|though|although|because|since|despite|given that|now that)\s*,\s*/giu, '$1')
    // "Does it matter that I'm gay when applying…" leaves "that I'm when applying".
    .replace(new RegExp(`\\b(that|if)\\s+${ASKER_IS}(?:\\s+on)?\\s+(?=(?:when|while|if)\\b)`, 'giu'), '')
    // "Since I'm Black and the first in my family…" leaves "Since I'm and the first…".
    .replace(/\b(I|we|We)(\s+(?:am|are)\s+|['’](?:m|re)\s+)and\s+(?=(?:the|a|an|one|still|also|not|now)\b)/gu, '$1$2')
    // "As someone on food stamps shopping…", "Homeowner on Medicaid checking in" leave "on shopping", "on checking".
    // ("…should spend on housing" keeps its "on": a noun in -ing after a verb is no participle left by a cut.)
    .replace(/\b(someone|anyone|people|borrowers?|homeowners?|persons?|individuals?|I['’]m|I am|we['’]re|we are)\s+on\s+(?=\p{L}+ing\b)/giu, '$1 ')
    // "after converting to Catholicism." leaves ", .".
    .replace(/,\s*(?=[.!?])/gu, '')
    // "I wear a cross to work every day, and I'm financing…" leaves "I, and I'm financing…".
    .replace(/(^|[.!?]\s+)I\s*,?\s*and\s+(?=I\b|I['’]m\b)/gu, '$1')
    // "Im hispanic and my mortgage…" leaves "Im and my mortgage…": the statement starts again after "and".
    .replace(new RegExp(`(^|[.!?]\\s+)${ASKER_IS}\\s+and\\s+(?=(?:my|our|the|a|an)\\b)`, 'gu'), '$1')
    // "I'm on welfare and can my partner and I…", "I'm Black and what is…": the question starts after "and".
    .replace(new RegExp(`(^|[.!?]\\s+)${ASKER_IS}(?:\\s+on)?\\s+and\\s+(?=(?:what|which|how|when|why|where|who|can|could|should|would|will|may|might|must)\\b)`, 'giu'), '$1')
    .replace(/\b(I|we|We)(?:\s+(?:am|are|was|were)|['’](?:m|re)|m)\s+and\s+/gu, '$1 ')
    // "I am 67 years old; can I…" with the age cut leaves "I am;": drop the dangling clause.
    // "I'm a Sikh and wear a turban; will…" with both cut leaves "I'm a borrower and;".
    .replace(/\s+(?:and|or)\s*(?=[,;:.!?])/gu, '')
    .replace(new RegExp(`(?:^|(?<=[.!?]\\s))${ASKER_IS}(?:\\s+(?:very|quite|pretty|really|fairly|rather|so))?(?:\\s+an?\\s+borrowers?)?\\s*(?:[,;:]|[-–—](?=\\s))\\s*`, 'giu'), '')
    // "How do I place a freeze on my credit as a 70-year-old?" leaves "… as ?".
    .replace(/\s+(?:as|being)(?:\s+an?)?\s*(?=[?.!,;:]|$)/giu, '')
    // "…a dispute? (I'm Muslim.)" leaves a lone ")" once the statement inside goes.
    .replace(/([.!?])\s*\)(?=\s|$)/gu, (match, end: string, offset: number, whole: string) => (whole.slice(0, offset).includes('(') ? match : end))
    .replace(/^\s*[,;:]\s*/u, '')
    .trim()
    .replace(/^\p{Ll}/u, (letter) => letter.toUpperCase());
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/\s+/gu, ' ').trim();
}
