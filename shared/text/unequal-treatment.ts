/**
 * What a lender, an appraiser or an agent does to a borrower ("deny", "turn me down", "charge more",
 * "lowball", "steer"): a protected characteristic given as the reason for one of these is what a
 * question asks about (core/bias/neutralize-question.ts keeps it as the basis's name).
 */
export const TREATMENT =
  /\b(?:den(?:y|ies|ied|ial)|talk\w* down|turn(?:s|ed|ing)? (?:me|us|them|people) down|reject\w*|refus\w*|charg\w*|treat\w*|discriminat\w*|lowball\w*|steer\w*|approv\w*|offer\w*|quot\w*|pric\w*|penali[sz]\w*|profil\w*|target\w*|singl\w* (?:me|us) out|say(?:s|ing)? no|said no|pass(?:ed)? over|judg\w*|look\w* down|disqualif\w*|cut\w*|lower\w*|reduc\w*|requir\w*|demand\w*|hold (?:it )?against|held (?:it )?against|count (?:it )?against)/iu;

/** A protected basis, or the borrower's identity, given as a reason ("because of my religion", "based on where we are from"). */
const BASIS_REASON =
  '\\b(?:because of|based on|due to|on account of) ' +
  "(?:(?:my|our) (?:race|skin colou?r|colou?r|religion|faith|national origin|ethnicity|heritage|background|sex|gender|marital status|age|receipt of public assistance|appearance|looks|identity)|who (?:i am|we are)|where (?:i['’]m|i am|we['’]re|we are) from|where (?:i|we) come from)\\b";
/** A borrower suspecting why it was done ("i honestly think it's because of my race"). */
const SUSPICION = '\\b(?:think|suspect|believe|pretty sure|bet)\\b';
/** An appraisal in the sentence so far. */
const APPRAISAL = '\\b(?:apprais|valuation)[^.?!]*';

/**
 * A basis or the borrower's identity given as the reason for a creditor's treatment, or as what the
 * borrower suspects was the reason, in the same sentence, in lower-case text: "can a card issuer deny
 * me because of my religion?" (the neutraliser's form of "…because I'm Muslim?"), "charge me more
 * based on our race", "turn me down because of who I am", "i think it was because of my race". Such a question is about the law that forbids it — ECOA, for every kind of
 * credit — not about the product it names.
 */
export const CREDIT_DISCRIMINATION = new RegExp(`(?<!${APPRAISAL})(?<=(?:${TREATMENT.source}|${SUSPICION})[^.?!]*)${BASIS_REASON}`, 'u');

/**
 * The same reason for an appraiser's treatment ("could the appraiser have lowballed it because of our
 * national origin?"): the Fair Housing Act forbids biased valuations, and the appraisal guide says
 * what to do about one. ECOA binds creditors.
 */
export const APPRAISAL_DISCRIMINATION = new RegExp(`(?<=${APPRAISAL})(?<=(?:${TREATMENT.source}|${SUSPICION})[^.?!]*)${BASIS_REASON}`, 'u');
