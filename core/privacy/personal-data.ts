import { passesAbaChecksum, passesIbanChecksum, passesLuhn } from './luhn.ts';

/** Kinds of personal data the redactor finds. */
export type PersonalDataKind = 'email' | 'phone' | 'ssn' | 'itin' | 'date_of_birth' | 'card' | 'bank_account' | 'routing_number' | 'street_address';

export interface RedactionResult {
  text: string;
  /** Kinds found, each once, in the order the rules run. */
  found: PersonalDataKind[];
}

interface Rule {
  kind: PersonalDataKind;
  pattern: RegExp;
  /** Decides whether a match is personal data; default: always. */
  accept?: (match: RegExpMatchArray) => boolean;
  /** Which group to replace (default the whole match), so context words like "account number" stay. */
  group?: string;
}

const NOT_AFTER_DIGIT = '(?<![\\d$€£.,/-])';
const NOT_BEFORE_DIGIT = '(?![\\d%]|[.,/-]\\d)';

const MONTH = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?';
/** A full calendar date: 04/12/1985, 4-12-85, 12.04.1985, 1985-04-12, March 3, 1980, 3rd of March 1980. */
const FULL_DATE =
  '(?:\\d{1,2}(?<dateSeparator>[/.-])\\d{1,2}\\k<dateSeparator>(?:\\d{4}|\\d{2})|\\d{4}(?<isoSeparator>[/.-])\\d{1,2}\\k<isoSeparator>\\d{1,2}' +
  `|${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+\\d{4})`;

/**
 * Runs in order; earlier placeholders hold no digits, so later rules cannot re-match them.
 * Cards before phones and accounts (long digit runs), SSNs before phones (3-2-4 vs 3-3-4).
 */
const RULES: readonly Rule[] = [
  { kind: 'email', pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu },
  {
    kind: 'card',
    pattern: new RegExp(`${NOT_AFTER_DIGIT}\\b\\d(?:[ -]?\\d){12,18}\\b${NOT_BEFORE_DIGIT}`, 'gu'),
    accept: (match) => {
      const digits = match[0].replace(/\D/gu, '');
      return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits) && /^[2-6]/u.test(digits);
    },
  },
  {
    kind: 'ssn',
    // 123-45-6789, 123 45 6789, 123.45.6789 (one separator throughout; 3-2-4 is not a phone's 3-3-4).
    pattern: new RegExp(`${NOT_AFTER_DIGIT}\\b(?!000|666|9\\d\\d)\\d{3}([- .])(?!00)\\d{2}\\1(?!0000)\\d{4}\\b${NOT_BEFORE_DIGIT}`, 'gu'),
  },
  {
    kind: 'itin',
    // IRS ITINs: 9XX-XX-XXXX with the middle group in 50–65, 70–88, 90–92 or 94–99, formatted like an SSN.
    pattern: new RegExp(`${NOT_AFTER_DIGIT}\\b9\\d{2}([- .])(?:5\\d|6[0-5]|7\\d|8[0-8]|9[0-2]|9[4-9])\\1\\d{4}\\b${NOT_BEFORE_DIGIT}`, 'gu'),
  },
  {
    kind: 'itin',
    pattern: /\b(?:itin|individual tax(?:payer)? id(?:entification)?(?: number)?)\s*(?:is|:|#|=)?\s*(?<value>9\d{8})\b/giu,
    group: 'value',
  },
  {
    kind: 'date_of_birth',
    // Only a date that follows a birth word: other dates (closing, first payment) are loan facts, not identity.
    pattern: new RegExp(
      `\\b(?:born|birth\\s?date|birthday|date\\s+of\\s+birth|d\\.?o\\.?b\\.?)(?:[\\s:=,-]+(?:is|was|on|the|of|in|my|I)\\b){0,3}[\\s:=,-]*(?<value>${FULL_DATE})(?![\\d/.-]\\d)`,
      'giu',
    ),
    group: 'value',
  },
  {
    kind: 'ssn',
    pattern: /\b(?:ssn|ss#|social security(?: number| no\.?| #)?|tax(?:payer)? id(?:entification)?(?: number)?|itin)\s*(?:is|:|#|=)?\s*(?<value>\d{9}|\d{3}([ .])\d{2}\2\d{4})\b/giu,
    group: 'value',
  },
  {
    kind: 'routing_number',
    pattern: /\b(?:routing|aba|rtn|transit)(?:\s+(?:number|no\.?|#|num))?\s*(?:is|:|#|=)?\s*(?<value>\d{9})\b/giu,
    group: 'value',
  },
  {
    kind: 'routing_number',
    pattern: new RegExp(`${NOT_AFTER_DIGIT}\\b\\d{9}\\b${NOT_BEFORE_DIGIT}`, 'gu'),
    // A bare 9-digit number is a routing number only when it passes the ABA checksum and starts like one (01–12, 21–32, 61–72, 80).
    accept: (match) => passesAbaChecksum(match[0]) && /^(?:0[1-9]|1[0-2]|2[1-9]|3[0-2]|6[1-9]|7[0-2]|80)/u.test(match[0]),
  },
  {
    kind: 'bank_account',
    pattern: /\b(?:(?:bank|checking|savings|deposit)\s+)?(?:account|acct\.?|a\/c)(?:\s+(?:number|no\.?|#|num))?\s*(?:is|:|#|=|ending in|ending with)?\s*(?<value>\d(?:[ -]?\d){3,16})\b(?![\d%])/giu,
    group: 'value',
  },
  {
    kind: 'bank_account',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/gu,
    accept: (match) => passesIbanChecksum(match[0].replace(/ /gu, '')),
  },
  {
    kind: 'phone',
    // International: + country code, then 6–14 more digits in groups.
    pattern: /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\d])/gu,
    accept: (match) => {
      const digits = match[0].replace(/\D/gu, '').length;
      return digits >= 8 && digits <= 15;
    },
  },
  {
    kind: 'phone',
    // North American: (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199; a bare 10-digit run only after a phone word.
    pattern: new RegExp(
      `${NOT_AFTER_DIGIT}(?:\\b1[ .-])?(?:\\(\\d{3}\\)\\s?|\\b\\d{3}[ .-])\\d{3}[ .-]\\d{4}\\b${NOT_BEFORE_DIGIT}` +
        `|\\b(?:phone|cell|mobile|tel|telephone|call|text|fax)(?:\\s+(?:number|no\\.?|#|me at|at|on))?\\s*(?:is|:|#)?\\s*\\d{10}\\b`,
      'giu',
    ),
    accept: (match) => !/^(?:19|20)\d{2}[ .-]\d{2}[ .-]\d{2}/u.test(match[0]),
  },
  {
    kind: 'street_address',
    pattern:
      /\b\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+|(?:North|South|East|West|N\.?E\.?|N\.?W\.?|S\.?E\.?|S\.?W\.?)\s+)?(?:(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][a-z]+|[A-Z]{2,})\.?\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Terrace|Ter|Way|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Trail|Trl|Square|Sq|Loop|Alley|Row|Crescent|Close)\b\.?(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*[A-Za-z0-9-]+)?/gu,
  },
  {
    kind: 'street_address',
    pattern: /\b(?:P\.?\s?O\.?\s+Box|Post Office Box)\s+\d+\b/giu,
  },
];

const PLACEHOLDER: Record<PersonalDataKind, string> = {
  email: '[email]',
  phone: '[phone]',
  ssn: '[ssn]',
  itin: '[itin]',
  date_of_birth: '[dob]',
  card: '[card]',
  bank_account: '[account]',
  routing_number: '[routing]',
  street_address: '[address]',
};

/**
 * Finds and replaces personal data in free text with placeholders ("[email]", "[phone]",
 * "[ssn]", "[itin]", "[dob]", "[card]", "[account]", "[routing]", "[address]"). Card numbers must pass Luhn;
 * SSNs must be formatted (123-45-6789, 123 45 6789, 123.45.6789) or follow "SSN"/"social security";
 * ITINs are 9XX-7X-XXXX-shaped (middle group 50–65, 70–88, 90–92, 94–99) or follow "ITIN"; a date
 * of birth is a full date after "born", "DOB", "birthday" or "date of birth"; routing numbers follow
 * "routing"/"ABA" or pass the ABA checksum; account numbers follow "account"/"acct" (IBANs pass
 * mod-97); phone numbers need separators or a leading +, or a phone word before a bare 10 digits;
 * street addresses are a house number, capitalised street name and a street suffix, or a PO Box.
 * Money ("$200,000"), credit scores ("620"), terms ("30-year"), rates, other dates and ZIP codes are
 * left alone. A screen, not a guarantee: unformatted numbers without context pass.
 */
export function redactPersonalData(text: string): RedactionResult {
  const found: PersonalDataKind[] = [];
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (...args: unknown[]) => {
      const match = toMatch(args);
      if (rule.accept && !rule.accept(match)) return match[0];
      if (!found.includes(rule.kind)) found.push(rule.kind);
      const value = rule.group === undefined ? undefined : match.groups?.[rule.group];
      if (value === undefined) return PLACEHOLDER[rule.kind];
      const at = match[0].lastIndexOf(value);
      return match[0].slice(0, at) + PLACEHOLDER[rule.kind] + match[0].slice(at + value.length);
    });
  }
  return { text: out, found };
}

/** The kinds of personal data in `text` (see {@link redactPersonalData}). */
export function detectPersonalData(text: string): PersonalDataKind[] {
  return redactPersonalData(text).found;
}

/** Rebuilds a RegExpMatchArray from String.replace callback arguments (match, ...groups, offset, input, namedGroups?). */
function toMatch(args: unknown[]): RegExpMatchArray {
  const last = args.at(-1);
  const hasNamed = typeof last === 'object' && last !== null;
  const groups = hasNamed ? (last as Record<string, string | undefined>) : undefined;
  const end = hasNamed ? args.length - 3 : args.length - 2;
  const match = args.slice(0, end).map((value) => (value === undefined ? undefined : String(value))) as unknown as RegExpMatchArray;
  match.index = Number(args[end]);
  match.input = String(args[end + 1]);
  if (groups) match.groups = groups as Record<string, string>;
  return match;
}
