import type { ProtectedCharacteristic } from '../../shared/contracts/advice.ts';

/** A curated term for one prohibited basis under ECOA / Regulation B (12 CFR 1002.2(z)). */
export interface ProtectedTerm {
  characteristic: ProtectedCharacteristic;
  /** Global regex; matched text (lower-cased) becomes the flag's `term`. */
  pattern: RegExp;
  /**
   * The term's own source when `pattern` is it between {@link LETTER_BEFORE} and
   * {@link LETTER_AFTER}: terms are combined into one scan with the boundaries written once.
   */
  word?: string;
}

/** No letter or digit before a term's match, and none after it: a whole word or phrase. */
export const LETTER_BEFORE = '(?<![\\p{L}\\p{N}])';
export const LETTER_AFTER = '(?![\\p{L}\\p{N}])';

function terms(characteristic: ProtectedCharacteristic, sources: readonly string[], caseSensitive = false): ProtectedTerm[] {
  return sources.map((source) => ({
    characteristic,
    pattern: new RegExp(`${LETTER_BEFORE}(?:${source})${LETTER_AFTER}`, caseSensitive ? 'gu' : 'giu'),
    word: source,
  }));
}

const APOSTROPHE = "['’]";

/** Nationalities by demonym, beside the few listed on their own above. */
const DEMONYMS = [
  'pakistani', 'polish', 'italian', 'irish', 'german', 'japanese', 'filipina', 'salvadoran', 'guatemalan', 'honduran', 'nicaraguan',
  'dominican', 'puerto rican', 'jamaican', 'colombian', 'venezuelan', 'ecuadorian', 'peruvian', 'brazilian', 'argentinian', 'iranian',
  'iraqi', 'syrian', 'lebanese', 'egyptian', 'afghan', 'bangladeshi', 'nepali', 'sri lankan', 'thai', 'cambodian', 'laotian', 'hmong',
  'burmese', 'indonesian', 'malaysian', 'russian', 'ukrainian', 'romanian', 'greek', 'turkish', 'armenian', 'portuguese',
  'british', 'scottish', 'canadian', 'australian', 'ghanaian', 'ethiopian', 'eritrean', 'somali', 'kenyan', 'senegalese', 'moroccan',
  'palestinian', 'israeli', 'taiwanese', 'cantonese', 'ivorian', 'cameroonian', 'congolese', 'ugandan', 'tanzanian', 'sudanese',
  'liberian', 'sierra leonean', 'algerian', 'tunisian', 'libyan', 'yemeni', 'saudi', 'jordanian', 'kurdish', 'uzbek', 'kazakh',
  'serbian', 'croatian', 'bosnian', 'albanian', 'bulgarian', 'hungarian', 'czech', 'slovak', 'belgian',
  'swedish', 'norwegian', 'danish', 'finnish', 'swiss', 'austrian', 'mongolian', 'tibetan', 'fijian',
  'samoan', 'tongan', 'chilean', 'bolivian', 'paraguayan', 'uruguayan', 'costa rican', 'panamanian', 'trinidadian', 'guyanese',
  'barbadian', 'bahamian', 'belizean',
].join('|');

/** Skin shades, for colour said in everyday words. */
const SHADES = 'dark|darker|darkest|light|lighter|lightest|fair|fairer|fairest|pale|paler|palest|brown|olive|tan|black|white';

/** Countries named as where a person is from ("from Mexico"); the demonyms of the commonest are listed on their own. */
const COUNTRIES = [
  'mexico', 'guatemala', 'honduras', 'el salvador', 'nicaragua', 'costa rica', 'panama', 'cuba', 'haiti', 'dominican republic', 'puerto rico',
  'jamaica', 'trinidad', 'colombia', 'venezuela', 'ecuador', 'peru', 'bolivia', 'chile', 'argentina', 'brazil', 'uruguay', 'paraguay',
  'canada', 'ireland', 'england', 'scotland', 'wales', 'britain', 'united kingdom', 'france', 'germany', 'italy', 'spain', 'portugal',
  'greece', 'netherlands', 'belgium', 'sweden', 'norway', 'denmark', 'finland', 'poland', 'ukraine', 'russia', 'romania', 'hungary',
  'czech republic', 'serbia', 'croatia', 'bosnia', 'albania', 'bulgaria', 'turkey', 'armenia', 'iran', 'iraq', 'syria',
  'lebanon', 'jordan', 'israel', 'palestine', 'egypt', 'saudi arabia', 'yemen', 'afghanistan', 'pakistan', 'india', 'bangladesh',
  'nepal', 'sri lanka', 'china', 'taiwan', 'hong kong', 'japan', 'korea', 'south korea', 'north korea', 'vietnam', 'laos', 'cambodia',
  'thailand', 'myanmar', 'burma', 'malaysia', 'indonesia', 'philippines', 'nigeria', 'ghana', 'kenya', 'ethiopia', 'eritrea', 'somalia',
  'sudan', 'south africa', 'senegal', 'liberia', 'sierra leone', 'cameroon', 'congo', 'uganda', 'tanzania', 'morocco', 'algeria', 'tunisia',
  'libya', 'australia', 'new zealand', 'fiji', 'samoa', 'tonga',
  `c[oô]te d${APOSTROPHE}ivoire`, 'ivory coast', 'mali', 'niger', 'burkina faso', 'guinea', 'benin', 'togo', 'gambia', 'mauritania',
  'rwanda', 'burundi', 'zimbabwe', 'zambia', 'malawi', 'mozambique', 'angola', 'namibia', 'botswana', 'madagascar',
  'south sudan', 'djibouti', 'cape verde', 'kuwait', 'qatar', 'bahrain', 'oman', 'united arab emirates', 'uae', 'kurdistan',
  'azerbaijan', 'kazakhstan', 'uzbekistan', 'kyrgyzstan', 'tajikistan', 'turkmenistan', 'mongolia', 'tibet',
  'singapore', 'brunei', 'bhutan', 'maldives', 'austria', 'switzerland', 'slovakia', 'slovenia', 'lithuania', 'latvia',
  'estonia', 'belarus', 'moldova', 'iceland', 'luxembourg', 'malta', 'cyprus', 'north macedonia', 'macedonia', 'montenegro',
  'kosovo', 'guyana', 'suriname', 'belize', 'barbados', 'bahamas', 'grenada', 'st\\.? lucia', 'antigua', 'dominica',
  'papua new guinea', 'micronesia', 'marshall islands', 'palau',
].join('|');

/**
 * Term lists per prohibited basis. Choices, to keep false positives down in loan text:
 * - "black"/"white" are matched, but idioms ("in the black", "white paper", "Black Knight") are
 *   excluded below; "color" only as skin colour; "faith" is left out ("good faith estimate").
 * - "single" only with a person noun ("single mother", "single applicant") or "being single", so
 *   "single-family home" and "a single payment" do not match; "separated" only as "legally separated".
 * - "age" only when it is a person's ("your age", "age 62", "45 years old"), never "age of credit
 *   history"; "senior" not before lien/loan/debt/note. "retiree" counts as an age proxy.
 * - SNAP is matched case-sensitively (as an acronym) or after "on", so "snap" the verb does not match; SSI, WIC
 *   and EBT are no English words and match in any case.
 * - "single mother/father" count for both sex and marital status.
 * Veteran status, disability (except disability benefits as public assistance), and immigration
 * status beyond national origin are not ECOA bases and are not listed as such.
 */
/** When a change of status happened, said with it ("last year", "in 2019", "two years ago"); optional (drop the last "?" to require it). */
const WHEN =
  '(?: (?:last|this|next) (?:year|month|week|spring|summer|fall|autumn|winter)| in (?:19|20)\\d\\d| in (?:MONTHS)| (?:\\d+|a few|two|three|four|five|six) (?:years?|months?) ago| since (?:(?:19|20)\\d\\d|last \\p{L}+|MONTHS|christmas|thanksgiving|new year(?:[\'’]s)?|the (?:spring|summer|fall|winter|holidays)))?'.replaceAll(
    'MONTHS',
    'january|february|march|april|may|june|july|august|september|october|november|december',
  );

export const PROTECTED_TERMS: readonly ProtectedTerm[] = [
  ...terms('race', [
    'races?', 'racial(?:ly)?', 'ethnicity', 'ethnicities', 'ethnic', 'blacks?', 'whites?', 'african[- ]americans?',
    'asian(?:[- ]americans?)?', 'asians', 'hispanics?', 'latin[oa]s?', 'latinx', '(?:black|white|asian|hispanic|latin[oax]|native|indigenous|minority)-owned', 'afro-?(?:latin[oax]s?|caribbeans?|cubans?|brazilians?|americans?)', 'caucasians?', 'native americans?',
    'american indians?', 'alaska natives?', 'pacific islanders?', 'native hawaiians?', 'people of colou?r',
    // Tribal nations, as borrowers name their own ("I'm Navajo"); tribal land stays (it bears on Section 184 and USDA).
    'navajo', 'cherokee', 'lakota', 'dakota sioux', 'sioux', 'apache', 'hopi', 'ojibwe', 'ojibwa', 'chippewa', 'choctaw', 'chickasaw',
    'seminole', 'muscogee', 'creek nation', 'iroquois', 'mohawk', 'oneida', 'pueblo', 'yupik', 'inuit', 'inupiat', 'tlingit',
    // "an older woman of color": the phrase after any person noun (the noun itself may be another basis's term).
    '(?<=(?:wom[ae]n|m[ae]n|borrowers?|buyers?|applicants?|famil(?:y|ies)|communit(?:y|ies)|homeowners?) )of colou?r',
    'persons? of colou?r', 'minorities', 'racial minorit(?:y|ies)',
    'minority (?:borrowers?|applicants?|neighbou?rhoods?|communit(?:y|ies)|groups?|famil(?:y|ies))',
    'bi-?racial', 'multi-?racial', 'mixed[- ]race', 'inter-?racial',
  ]),
  ...terms('color', [
    'skin colou?rs?', 'skin tones?', 'complexions?', `colou?r of (?:your|their|his|her|one${APOSTROPHE}s) skin`,
    'colou?rism', 'light[- ]skinned', 'dark[- ]skinned',
    // "I'm very pale, the kind who burns…": the shade said of oneself.
    `(?<=\\b(?:i${APOSTROPHE}m|i am) (?:(?:very|really|pretty|quite|so) )?)(?:pale|fair|dark|brown|olive)(?=\\s*[,.!;]|\\s+and\\b)`,
    // "the pale one who fixes everyone's bikes": a person picked out by their skin.
    `(?<=\\bthe )(?:${SHADES})(?= one who\\b)`,
    // "I have dark skin", "my skin is very fair", "a light complexion".
    `(?:(?:very|really|quite|pretty|deep|medium)[- ])?(?:${SHADES})(?:[- ]skinned| skin|[- ]complexion(?:ed)?)`,
    // "my skin is very fair", "my skin's a deep brown".
    `(?:my|our|his|her|their|your) (?:skin|complexion)(?: tone)?(?: is|${APOSTROPHE}s) (?:an? )?(?:(?:very|quite|pretty|really|fairly|rather|deep|on the) )?(?:${SHADES})(?: side)?`,
  ]),
  ...terms('religion', [
    'religions?', 'religious', 'muslims?', 'islam(?:ic)?', 'christians?', 'christianity', 'catholics?', 'protestants?',
    'catholicism', 'protestantism', 'mormonism', 'sikhism', 'jainism', 'taoism',
    // "a year after converting to Catholicism": the conversion goes with the faith.
    '(?:(?:a|one|two|three|\\d+) (?:years?|months?) (?:after|since) )?convert(?:ed|ing)? to (?:catholicism|islam|judaism|christianity|hinduism|buddhism|sikhism|mormonism|protestantism)',
    'jewish', 'jews?', 'judaism', 'hindus?', 'hinduism', 'buddhists?', 'buddhism', 'sikhs?', 'atheists?', 'mormons?',
    'evangelicals?', 'church(?:es|goers?)?', 'mosques?', 'synagogues?', 'sharia',
    // "I keep kosher", "we eat halal": the observance says the faith (a halal mortgage is a product, and stays).
    '(?:keeps?|keeping|kept|eats?|eating) (?:kosher|halal)',
    // "Because I keep Shabbat", "we observe the Sabbath": the observance says the faith.
    '(?:keeps?|keeping|kept|observes?|observing) (?:the )?(?:shabbat|shabbos|sabbath|seventh-day(?: adventist)? sabbath)',
    // "10% of my income as a tithe": religious giving by its name.
    'tithes?', 'tithing', `ma${APOSTROPHE}?aser`, 'dasvandh', 'zakat', 'sadaqah',
    // "close right before Passover", "during Ramadan": a faith's holiday as the time of something ("before Christmas" is a date to most).
    '(?<=\\b(?:before|after|during|over|for|around|near) )(?:passover|pesach|eid(?: al-fitr| al-adha| ul-fitr)?|ramadan|hanukkah|chanukah|diwali|rosh hashanah|yom kippur|vaisakhi)',
    // "folks at my parish", "our mosque": a house of worship named as one's own.
    '(?<=\\b(?:my|our) )(?:parish|mosque|masjid|synagogue|shul|gurdwara|mandir|temple|church|congregation)',
    // A house of worship with the day it is attended ("I go to mosque every Friday"): the day says the faith too.
    `(?:(?:go|goes|went|attend|attends) to )?(?:church|mosque|synagogue|temple|mass|shul|gurdwara|services) (?:every|on) (?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?|the sabbath|sabbath)`,
    // Clergy named as one's own ("our pastor suggested I ask", "my rabbi").
    `(?<=\\b(?:my|our|the) |\\p{L}${APOSTROPHE}s )(?:pastors?|rabbis?|imams?|priests?|reverends?|clergy(?:man|woman)?|deacons?|bishops?|gurus?|monks?|nuns?|ministers?(?= (?:said|suggested|told|says|recommended|advised|thinks)))`,
    // "Bible study", "Quran class": scripture and its study; rites of passage ("our child's bar mitzvah", "First Communion").
    `(?:bible|quran|qur${APOSTROPHE}an|koran|torah|talmud|gita|scripture)(?: (?:study|studies|class(?:es)?|groups?|camp|school))?`,
    `b[ae]t mitzvahs?|bar mitzvahs?|b${APOSTROPHE}nai mitzvah|(?:first (?:holy )?)communions?|baptisms?|christenings?|confirmation (?:class(?:es)?|ceremony|classes)|hajj|umrah`,
    // "Fasting today for Ash Wednesday, so…": a fast for a faith's day says the faith.
    '(?:fasting|observing|celebrating) (?:today |tonight |this (?:week|month) |all day )?(?:for |during |because of )?(?:passover|pesach|eid(?: al-fitr| al-adha| ul-fitr)?|ramadan|hanukkah|chanukah|diwali|rosh hashanah|yom kippur|vaisakhi|lent|ash wednesday|good friday)',
    '(?<=\\b(?:before|after|during|over|for|around|near) )(?:lent|ash wednesday)',
    // A greeting in a faith's words ("Assalamu alaikum, everyone!", "Shalom,").
    `a?s?-?s?salaa?mu?[ -]?(?:alaikum|alaykum|aleikum)|salaam|shalom|namaste|sat sri akal|jai shri krishna|praise (?:the lord|god|allah|jesus)|insh?a${APOSTROPHE}?allah|mash${APOSTROPHE}?allah|god willing`,
    // Denominations and other faiths, as borrowers name their own.
    '(?:southern |american |independent )?baptists?', 'methodists?', 'lutherans?', 'presbyterians?', 'pentecostals?', 'episcopalians?', 'adventists?', 'quakers?',
    'amish', 'mennonites?', `jehovah${APOSTROPHE}?s witness(?:es)?`, 'latter[- ]day saints?', 'lds', '(?:greek |russian |eastern )?orthodox(?: (?:christians?|jews?|jewish|church))?',
    'wiccans?', 'pagans?', 'agnostics?', `shi${APOSTROPHE}?(?:a|ite)s?`, 'sunnis?', 'rastafarians?', 'taoists?', 'jains?', 'zoroastrians?',
    `baha${APOSTROPHE}?is?`, 'unitarians?', 'gurdwaras?',
    // "a lapsed Catholic", "a practicing Muslim": the qualifier goes with the faith.
    '(?:lapsed|practicing|practising|non-?practicing|born[- ]again|former|ex-?) (?:catholics?|christians?|muslims?|jews?|jewish|mormons?|hindus?|buddhists?|sikhs?|protestants?|baptists?|methodists?|lutherans?|evangelicals?)',
    // Observance said of oneself ("as an observant family", "I'm devout").
    'devout', '(?:religiously )?observant',
    // Religious dress said of oneself ("I wear a hijab").
    // "once they saw my hijab": religious dress named as one's own.
    '(?<=\\b(?:my|her|his|their|our) (?:\\p{L}+ )?)(?:hijabs?|kippahs?|kippot|yarmulkes?|niqabs?|burqas?|turbans?|headscarf|headscarves|head scarf)',
    '(?:wears?|wearing) (?:a |my )?(?:hijab|turban|headscarf|head scarf|yarmulke|kippah|niqab|burqa|cross(?: necklace| pendant)?|crucifix|rosary|star of david(?: necklace| pendant)?|om (?:necklace|pendant)|khanda (?:necklace|pendant))(?: to (?:work|church|school)(?: every day)?)?',
  ]),
  ...terms('national_origin', [
    // "I grew up speaking Tagalog": the language one grew up with (not English).
    'grew up speaking (?!english\\b)\\p{L}+',
    'national origins?', 'nationality', 'nationalities', 'immigrants?', 'immigration status', 'foreign[- ]born',
    'foreigners?', 'foreign nationals?', 'non-?citizens?', 'citizenship', 'undocumented', 'green card(?: holders?)?',
    'permanent residents?', 'visa holders?', 'refugees?', 'asylum seekers?', 'ancestry', 'english proficiency',
    `(?:does not|doesn${APOSTROPHE}t|do not|don${APOSTROPHE}t|cannot|can${APOSTROPHE}t) speak english`,
    // "English is my second language", "not a native speaker": the language one grew up with.
    `(?:english|spanish|[a-z]+) (?:is|isn${APOSTROPHE}t|is not) (?:not )?my (?:first|second|third|native|primary|mother) (?:language|tongue)`,
    `(?:my )?(?:first|native|primary|mother) (?:language|tongue) (?:is|isn${APOSTROPHE}t|is not) (?:not )?[a-z]+`,
    `(?:an? )?(?:non-?native|not a native) (?:english )?speaker`,
    // "Mexican-American", "Chinese American": the whole compound is one mention.
    '(?:mexican|chinese|arab|filipino|vietnamese|korean|nigerian|haitian|cuban)[- ]americans?',
    'mexicans?', 'chinese', '(?<!american )indians?', 'arabs?', 'filipinos?', 'vietnamese', 'koreans?', 'nigerians?',
    'haitians?', 'cubans?', 'middle eastern',
    // "Pakistani American", "I'm Polish": a nationality named by its demonym (not English, a language).
    `(?:${DEMONYMS})(?:[- ]americans?)?`,
    // "applicants of Korean origin", "of foreign descent": any word before origin/descent/heritage/extraction.
    'of (?!national )(?:foreign|\\p{L}+) (?:origin|descent|heritage|extraction)', 'foreign (?:origin|descent|accent)', 'country of (?:birth|origin)',
    'born (?:abroad|overseas|outside (?:the )?(?:u\\.?s\\.?|united states|country))',
    // "We are both from Mexico", "originally from Poland", "born in Vietnam".
    // "born in Lagos, Nigeria": a city before the country goes with it.
    // "my family back in the Philippines", "14 years after leaving Ghana", "grew up in Peru".
    `(?:(?:\\d+|a few|many|several|two|three|four|five|ten|twenty) (?:years?|months?) (?:after|since) (?:leaving|fleeing|coming from) |(?:from|born in|raised in|native of|immigrated from|emigrated from|grew up in|back (?:home )?in|(?:after|since|before) (?:leaving|fleeing)|left|fled) )(?:\\p{L}[\\p{L}.'’-]*(?: \\p{L}[\\p{L}.'’-]*)?,? )?(?:the )?(?:${COUNTRIES})`,
    // "my Manila-born cousin", "Lagos-born": a birthplace as an adjective (not "first-born", "newborn").
    '(?<!\\p{L}\\.)(?!(?:first|new|still|twin|free|high|well|native|u\\.?s\\.?|american)-born)\\p{L}[\\p{L}.]*-born',
    // "because of my accent", "a thick Scottish accent": the accent one speaks with.
    '(?:my|our|an?|his|her|their) (?:(?:thick|heavy|strong|slight|noticeable|foreign|\\p{L}+) )?accents?(?! (?:walls?|lighting|colou?rs?|pieces?|tiles?)\\b)',
    // "a Korean-American-owned bakery", "a Nigerian-owned shop".
    `(?:${DEMONYMS}|mexican|chinese|korean|filipino|vietnamese|nigerian|haitian|cuban|indian|arab|immigrant)(?:[- ]americans?)?-owned`,
    // "a Korean-born customer", "Mexican-born".
    `(?:${DEMONYMS}|mexican|chinese|korean|filipino|vietnamese|nigerian|haitian|cuban|indian|arab|african|european|asian|latin american)[- ]born`,
  ]),
  ...terms('sex', [
    'sex', 'sexes', 'genders?', 'males?', 'females?', 'wom[ae]n', 'm[ae]n', 'girls?', 'boys?', 'lad(?:y|ies)', 'gentlem[ae]n',
    // "As a businesswoman", "a women-owned business", "Sis, should I…" (a form of address by sex).
    '(?:business|sales|chair|council|congress)(?:wom[ae]n|m[ae]n)', '(?:wom[ae]n|female|male)[- ]owned', 'sis', 'bro',
    'pregnant', 'pregnanc(?:y|ies)', 'maternity(?: leave)?', 'paternity(?: leave)?', 'childbearing', 'birth control',
    // "Just a gal who welds", "a guy who…" (a bare "guy" is everyday filler: "you guys").
    // "a regular guy", "one young dude": an adjective between changes nothing.
    'gals?', '(?<=\\b(?:a|one) (?:\\p{L}+ )?)(?:guy|dude)', '(?:guy|dude)(?= here\\b)',
    // "the numbers guy at work": a role said with the sex of who has it.
    '(?<=\\bthe \\p{L}+ )(?:guy|dude)(?= (?:at|in|of|for|on)\\b)', '(?<=\\bthe )(?:guy|dude|gal)(?= who\\b)', '(?<=\\bthe only )(?:guy|dude|gal)',
    'stay[- ]at[- ]home (?:moms?|mums?|dads?|mothers?|fathers?|wi(?:fe|ves)|husbands?)',
    // Pronouns given as a signature ("Jordan (she/her)").
    '(?:she|he|they)\\/(?:her|hers|him|his|them|theirs)',
    // "My partner (she) and I": a pronoun given as an aside.
    '\\((?:she|he|her|him)\\)',
    'gays?', 'lesbians?', 'bisexuals?', 'transgender', '(?:trans|cis) (?:m[ae]n|wom[ae]n|people|persons?|guys?|gals?|girls?|boys?|dudes?|ladies|lady|folks?)', 'cisgender', 'lgbt[a-z+]*',
    'queer', 'non-?binary', 'sexual orientation', 'gender identity', 'same-sex', 'homosexuals?', 'heterosexuals?',
    // "a straight couple" (a bare "straight" is too often something else: "three straight months").
    'straight(?= (?:couples?|m[ae]n|wom[ae]n|guys?|girls?|people|persons?|borrowers?|applicants?))',
    'single (?:mothers?|moms?|fathers?|dads?)',
    // A parent named by sex, said of the borrower ("I'm a mom who works part time"), not a relative ("my mother").
    `(?<!(?:my|our|his|her|their|your|the|elderly|aging|${APOSTROPHE}s) )(?:mothers?|fathers?|moms?|mums?|dads?)`,
  ]),
  ...terms('marital_status', [
    'marital status', 'married', 'marriages?', 'unmarried', 'divorced?', 'divorc[eé]es?',
    // "someone single like you": single said of a person.
    `(?<=\\b(?:someone|somebody|anyone|people|folks|persons?|guys?|gals?|women|men) )single(?= like (?:me|you|us|them)\\b)`, 'widow(?:s|ed|ers?)?',
    // "Since I'm separated": said of oneself (a bare "separated" is too often something else).
    // (…and in chat spelling, "im newly separated".)
    `(?:i${APOSTROPHE}m|im|i am|we${APOSTROPHE}re|we are|recently|newly|just got) separated`, `(?:i${APOSTROPHE}m|i am|we${APOSTROPHE}re|we are) not (?:legally )?separated`,
    'spouses?', 'spousal', 'husbands?', 'wi(?:fe|ves)', 'legally separated', 'domestic partners?(?:hips?)?',
    'civil unions?', 'newlyweds?', 'fianc[ée]e?s?',
    // An unmarried partner ("my boyfriend and I"), beside a spouse.
    'boyfriends?', 'girlfriends?',
    // "Since my wedding in June", "Relationship status: separated".
    'weddings?', 'honeymoon', `(?:relationship|marital) status:? (?:single|married|divorced|separated|widowed|engaged|in a relationship|it${APOSTROPHE}s complicated)`,
    `(?:we${APOSTROPHE}re|we are|i${APOSTROPHE}m|i am|just got|recently got|got) engaged`,
    // "Recently engaged.", "newly engaged, can we…": said of oneself ("we engaged a lawyer" is not).
    '(?<=\\b(?:recently|newly|just) )engaged(?! (?:an?|the|with|in|our|my|some)\\b)',
    // "Engaged couple here", "an engaged pair"; "since I remarried", "now that I'm remarried".
    'engaged (?:couples?|pairs?)', 're-?married', 're-?marriages?',
    // "My husband passed last year", "we divorced in 2019", "married 10 years": the status with when it began.
    // (Not where service is named: a surviving spouse is eligible for a VA loan, 38 U.S.C. 3701(b)(2), and the death is
    // what the question is about — "My husband died while he was on active duty. Can I still use his VA benefit?")
    `(?:my|our) (?:late )?(?:husband|wife|partner|co-borrower) (?:passed away|passed|died)${WHEN}(?![^.?!]*\\b(?:active duty|military|service ?members?|veterans?|va|deployed|killed in action|line of duty)\\b)`,
    `(?:got |were |was |have been )(?:divorced|married|separated|widowed)${WHEN}`,
    `(?:divorced|married|separated|widowed|engaged)${WHEN.slice(0, -1)}`,
    `(?:have been |been |were )?(?:married|common[- ]law (?:partners|spouses|married)|in a (?:civil union|domestic partnership)|engaged)(?: for)? (?:\\d+|a few|many|several|two|three|four|five|ten|twenty) (?:years?|months?)`,
    // "common-law partners", "our common-law marriage"; "after the separation" (not "separation of duties").
    'common[- ]law (?:partners?|spouses?|marriages?|husbands?|wi(?:fe|ves)|relationships?)',
    '(?<=\\b(?:the|my|our|a|his|her|their) )separation(?! (?:of|from (?:service|the military)|pay|date)\\b)',
    // "I've never been married" goes whole ("married" alone would leave "I've never been").
    `(?:i${APOSTROPHE}ve|i have|we${APOSTROPHE}ve|we have) never (?:been )?married`, 'never(?:[- ]been)?[- ]married',
    // …and before what else the borrower is, which stays ("Single veteran here." → "Veteran here."; not "a single income").
    'single (?:mothers?|moms?|fathers?|dads?|parents?|wom[ae]n|m[ae]n|persons?|people|applicants?|borrowers?|guys?|gals?|lad(?:y|ies)|folks)',
    'single(?= (?:(?:home ?)?buyers?|homeowners?|veterans?|renters?|adults?|retirees?|seniors?|professionals?|nurses?|teachers?|grads?|graduates?|students?)\\b)',
    `(?:being|are|am|is|you${APOSTROPHE}re|i${APOSTROPHE}m) single(?![-\\p{L}])`,
  ]),
  ...terms('age', [
    `(?:your|their|his|her|my|an? applicant${APOSTROPHE}?s|the applicant${APOSTROPHE}?s|an? borrower${APOSTROPHE}?s|the borrower${APOSTROPHE}?s) age(?: \\(\\d{2}\\))?`,
    // "I turn 65 next month": the birthday goes with the age.
    `(?<=\\b(?:I|we|I${APOSTROPHE}ll|we${APOSTROPHE}ll|I will|we will|I${APOSTROPHE}m|I am|we${APOSTROPHE}re|we are|both|just) )turn(?:s|ed|ing)? \\d{2}(?: years? old)?(?: (?:next|this|last) (?:month|year|week|spring|summer|fall|autumn|winter)| soon| in (?:a|one|two|three|\\d+) (?:months?|weeks?|years?))?`,
    'ages? \\d{2}', 'aged \\d{2}',
    // "34 this year." opening a post.
    '(?<=(?:^|[.!?]\\s+|,\\s+))\\d{2} (?:this|next) (?:year|month)(?=\\s*[.,!])',
    // "#over60", "#under30", "#genz": an age as a hashtag.
    '(?<=#)(?:over|under|age|turning)_?\\d{2}s?', '(?<=#)(?:gen_?z|gen_?x|boomers?|millennials?)(?:life)?',
    // "charge me more for being 70": a bare age after "being" (not "being 30 days late").
    '(?<=\\bbeing )\\d{2}(?![\\d,.%]\\d?)(?!\\s*(?:%|percent|days?|weeks?|months?|minutes?|hours?|k\\b|dollars?|grand|points?))',
    // "Class of '82 here", "class of 2016": the year one graduated (high school) says the age.
    `class of (?:['’]\\d{2}|(?:19|20)\\d\\d)(?= here\\b|[\\s,.;:!?)]|$)`,
    // "I'll be 70 in March, and…": the age to come, with its subject and when.
    `(?:i|we)(?:${APOSTROPHE}ll| will) (?:both )?be \\d{2}(?: years old)?${WHEN}(?=\\s*(?:$|[.,;!?—–)]|and\\b))`, '\\d{2}[- ]years?[- ]old', '\\d{2} ?(?:y\\/o|yo|yrs? old)', 'years of age', '(?:over|under) the age of', 'elderly',
    'senior citizens?', 'seniors?(?! (?:lien|loan|debt|note|lender|underwriter|loan officer|vice|manager))',
    'older (?:applicants?|borrowers?|people|adults?|persons?|americans|homeowners?|workers?|m[ae]n|wom[ae]n|couples?|buyers?|homebuyers?)',
    '(?:younger|young) (?:applicants?|borrowers?|people|adults?|persons?|workers?|m[ae]n|wom[ae]n|couples?|buyers?|homebuyers?|professionals?|famil(?:y|ies)|earners?|employees?|graduates?|grads?)',
    // "an older Black man", "a young Asian couple": the age word with another trait between.
    '(?:older|younger|young)(?= \\p{L}+ (?:applicants?|borrowers?|people|adults|persons?|m[ae]n|wom[ae]n|couples?|buyers?|homebuyers?)(?![\\p{L}\\p{N}]))', 'retirees?', 'millennials?',
    '(?:baby )?boomers?', 'gen(?:eration)? z', 'gen(?:eration)? x(?:ers?)?',
    // "Age: 19" in a form line; "I was born in 1958"; "(67, buying my first condo)"; "— Pat, 71" signing off; "who's around 62 like me".
    'age: ?\\d{2}', `(?<=\\b(?:i was|i${APOSTROPHE}m|we were) )born in (?:19|20)\\d\\d`, '(?<=\\()\\d{2}(?=, )',
    // "Household: me (71) and a roommate", "my partner (61)": an age in brackets after whom it is of.
    '(?<=\\b(?:me|myself|I|my (?:partner|spouse|co-borrower|co-signer|husband|wife|roommate|parent|mom|dad|mother|father)) \\()\\d{2}(?=\\))',
    '(?<=[—–-] ?\\p{Lu}\\p{Ll}+, )\\d{2}(?= *$)', `(?:who${APOSTROPHE}s|who is|who are) (?:around |about |roughly )?\\d{2}(?: like me)?`, 'teenagers?',
    // "…think I'm too young for this": the age judgement with whom it is said of.
    `(?:(?:i${APOSTROPHE}m|i am|we${APOSTROPHE}re|we are) )?(?:way |much |a bit |a little )?too (?:old|young)(?: for (?:this|that|it|a mortgage|a loan|a (?:15|30)[- ]year(?: loan| mortgage)?))?`,
    'in (?:my|your|their|his|her) (?:20|30|40|50|60|70|80|90)s', 'in (?:my|your|their|his|her) (?:twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)',
    'near(?:ing)? retirement age', 'retirement age',
    // A bare age said of oneself ("I'm 67.", "I just turned 30 and…"), not "I'm 30 days late" or "I'm 35% done"
    // ("I'm 67 years old" is the years-old term above).
    `(?:i${APOSTROPHE}?m|i am|we${APOSTROPHE}re|we are|(?:i |we )?just turned|turning) \\d{2}(?=\\s*(?:$|[.,;!?—–)]|and\\b|n\\b|&|y\\/?o\\b))`,
    // A form line ("Year born: 1956") and an age after the asker's noun ("I'm a teacher, 67, and…").
    '(?:year (?:born|of birth)|birth year|date of birth|dob):? (?:19|20)\\d\\d',
    `(?<=(?:i${APOSTROPHE}m|i am) (?:an? )?\\p{L}+, )\\d{2}(?=,)`,
    // "At 75, I'm thinking…", "…discharged last year, when I was 62.": an age said of oneself at a time.
    // …and "…, and at 71 I've spent all week packing" (an age, then the one it is of).
    '(?<=(?:^|[.!?]\\s+))at \\d{2}(?=,)', '(?<=(?:^|[,;]\\s*|\\band\\s+))at \\d{2}(?= (?:I|we)\\b)', `(?:when|since|because) (?:i|we) (?:was|were|turned) \\d{2}(?=\\s*(?:$|[.,;!?]|and\\b))`,
    // "someone over 60", "borrowers under 30", "I'm past 65": an age as a bound, said of a person (not "over 50%", "over 30 days").
    `(?<=\\b(?:someone|somebody|anyone|anybody|people|folks|persons?|borrowers?|applicants?|buyers?|homebuyers?|homeowners?|retirees?|i${APOSTROPHE}m|i am|we${APOSTROPHE}re|we are|both) )(?:over|under|past|above|older than|younger than) \\d{2}(?: years?(?: old| of age)?)?(?!\\s*(?:%|percent|days?|weeks?|months?|k\\b|[,.]\\d|\\d))`,
    // "from a twentysomething", "as a thirty-something".
    '(?:twenty|thirty|forty|fifty|sixty|seventy|eighty)[- ]?somethings?',
    // The same in words ("I'm seventy-three and…").
    `(?:i${APOSTROPHE}m|i am|(?:i |we )?just turned|turning) (?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?(?=\\s*(?:$|[.,;!?]|and\\b))`,
  ]),
  ...terms('public_assistance', [
    // SSI, WIC and EBT are no English words in lower case either ("we're on wic rn"); "snap" is, so only after "on".
    'public assistance', 'welfare', 'food[- ]stamps?', 'tanf', 'ssi', 'wic', 'ebt', '(?<=\\bon )snap(?= benefits|\\s*[,.;:!?)]|\\s+(?:and|but|so|rn|right now|now|since|for)\\b|$)', 'social security (?:income|benefits?|payments?|checks?|disability)',
    'ssdi', 'supplemental security income', 'disability (?:income|benefits?|payments?)', 'medicaid', 'section 8(?: (?:housing )?vouchers?(?: holders?)?)?', 'housing choice vouchers?(?: holders?)?',
    // "I use EBT for groceries": the benefit card (SNAP), with what it buys.
    '(?:use|used|using|pay with|paid with|paying with) (?:an? |my |our )?ebt(?: cards?)?(?: (?:for|at) (?:groceries|food|the grocery store))?',
    'housing (?:choice )?vouchers?', 'government assistance',
    // "a SNAP recipient", "welfare beneficiaries": the person goes with the benefit.
    '(?:snap|ssi|ssdi|wic|ebt|tanf|welfare|food[- ]stamps?|medicaid|section 8|public assistance|disability|unemployment|social security) (?:recipients?|beneficiar(?:y|ies)|participants?)',
    // Reg B commentary 2(z)-3 lists unemployment compensation among public assistance programs.
    'unemployment (?:benefits?|compensation|insurance|income|checks?)', 'unemployment(?= (?:deposits?|payments?))', '(?:snap|welfare|wic|medicaid|ssi|tanf|food stamps?|unemployment|social security) office', '(?:rental|housing) assistance', 'ebt cards?',
    // "I'm on disability", "TANF cash assistance", "state benefits".
    '(?:on|get|receive|collect) disability', 'cash assistance', '(?:state|government) benefits?',
    // Heating and energy aid (LIHEAP, the Low Income Home Energy Assistance Program).
    'liheap', '(?:energy|heating|utility) assistance',
    // "I'm on Social Security": the benefit, never the number or the card.
    '(?<=(?:on|collect|collecting|get|getting|receive|receiving|draw|drawing) )social security(?! (?:numbers?|cards?|#|income|benefits?|payments?|checks?|disability))',
    // "I'm on unemployment", "collecting unemployment": the benefit, not the unemployment rate.
    '(?<=(?:on|collect|collecting|get|getting|receive|receiving) )unemployment(?! (?:rates?|benefits?|compensation|insurance|income|checks?))',
  ]),
  // "my SNAP use": the benefit and its use, one mention (cut, "my" reads "it").
  ...terms('public_assistance', ['SNAP(?: (?:use|usage))?', 'EBT (?:use|usage)'], true),
  // A flag emoji names a country (two regional-indicator letters); a skin-tone modifier names a colour (🙋🏿).
  { characteristic: 'national_origin', pattern: /[\u{1F1E6}-\u{1F1FF}]{2}/gu },
  { characteristic: 'color', pattern: /[\u{1F3FB}-\u{1F3FF}]/gu },
  // "29F, first-time buyer": age and sex in the shorthand of forums, upper case only ("29m" may be millions).
  // A courtesy title before a name ("Mrs. Lopez here", "Mr Okafor"): it names the sex (and, for
  // Mrs/Miss, the marital status) of the one who signs. Capitalised and before a capitalised word
  // only, so "miss a payment" is not one.
  // "(F, 41)", "(41, M)", "(F41)": the same shorthand with the age beside it in parentheses.
  ...terms('sex', ['\\d{2}[MF]', '(?:Mrs?|Ms|Mx|Miss)\\.?(?= \\p{Lu})', '\\((?:[MF],? ?\\d{2}|\\d{2},? ?[MF])\\)'], true),
];

/**
 * Phrases in which a listed word is not about a person; a match inside one of these spans is ignored.
 */
export const NON_PROTECTED_PHRASES: readonly RegExp[] = [
  /in the black/giu,
  /black (?:knight|friday|box|hole|market)/giu,
  /black[- ]?list(?:s|ed)?/giu,
  /black and white/giu,
  /white (?:paper|papers|house|glove)/giu,
  /white picket fences?/giu,
  /fall guys?/giu,
  /white[- ]label(?:ed)?/giu,
  /church (?:st|street|road|rd|avenue|ave|lane)\b/giu,
  // Income, as alimony is: Reg B 1002.6(b)(5) has it counted, however the marriage ended.
  /spousal (?:support|maintenance)/giu,
];
