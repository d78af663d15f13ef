/** Languages {@link detectLanguage} can tell apart. */
export type DetectedLanguage = 'en' | 'es' | 'fr' | 'pt' | 'de' | 'it' | 'unknown';

/**
 * Function words frequent in each language and rare in the others' questions (accents stripped).
 * Short and distinctive on purpose: "a", "de", "que" occur in several, so each scores where it is
 * listed and ties are broken by the others.
 */
const PROFILES: Readonly<Record<Exclude<DetectedLanguage, 'unknown'>, ReadonlySet<string>>> = {
  en: new Set(['the', 'and', 'is', 'are', 'what', 'how', 'can', 'do', 'does', 'my', 'i', 'for', 'with', 'of', 'to', 'should', 'will', 'have', 'if', 'need', 'loan', 'mortgage', 'credit', 'score', 'rate', 'down', 'payment', 'much', 'which', 'get', 'an', 'it', 'on', 'we', 'you', 'your', 'home',
    // English's own article and function words, so that "a" (French "has") counted four times in "As a man, …
    // could a condo … a tiny reserve fund … a conventional loan?" does not outvote it.
    'a', 'from', 'could', 'would', 'at', 'or', 'be', 'this', 'that', 'there', 'was', 'our', 'us', 'am', 'not', 'any', 'about', 'when', 'but', 'by', 'they', 'their', 'in', 'after', 'before', 'getting', 'keep', 'buy', 'house', 'pay']),
  es: new Set(['el', 'la', 'los', 'las', 'que', 'cual', 'como', 'puedo', 'necesito', 'para', 'una', 'un', 'mi', 'mis', 'con', 'por', 'del', 'es', 'son', 'tengo', 'hipoteca', 'prestamo', 'credito', 'cuanto', 'cuanta', 'pago', 'inicial', 'y', 'o', 'se', 'si', 'lo', 'al', 'pero', 'mas', 'debo', 'puntaje', 'tasa', 'casa', 'estoy', 'soy', 'quiero', 'obtener', 'tiene', 'hay']),
  fr: new Set(['le', 'la', 'les', 'des', 'est', 'que', 'quel', 'quelle', 'comment', 'puis', 'je', 'pour', 'une', 'un', 'mon', 'ma', 'mes', 'avec', 'par', 'du', 'sont', 'ai', 'pret', 'hypothecaire', 'combien', 'et', 'ou', 'ce', 'qui', 'dois', 'taux', 'maison', 'suis', 'veux', 'obtenir', 'il', 'y', 'a', 'faut', 'apport', 'nous', 'vous', 'pas', 'ne']),
  pt: new Set(['o', 'os', 'as', 'que', 'qual', 'como', 'posso', 'preciso', 'para', 'uma', 'um', 'meu', 'minha', 'com', 'por', 'do', 'da', 'dos', 'e', 'sao', 'tenho', 'hipoteca', 'emprestimo', 'credito', 'quanto', 'pontuacao', 'taxa', 'casa', 'estou', 'sou', 'quero', 'obter', 'nao', 'financiamento', 'entrada', 'voce', 'eu', 'no', 'na', 'em']),
  de: new Set(['der', 'die', 'das', 'und', 'ist', 'sind', 'was', 'wie', 'kann', 'ich', 'fur', 'mit', 'ein', 'eine', 'einen', 'mein', 'meine', 'von', 'zu', 'brauche', 'kredit', 'hypothek', 'darlehen', 'zinssatz', 'viel', 'welche', 'welcher', 'haus', 'bin', 'mochte', 'nicht', 'auf', 'wir', 'sie', 'den', 'dem', 'bekommen', 'muss', 'eigenkapital']),
  it: new Set(['il', 'lo', 'la', 'gli', 'le', 'che', 'quale', 'come', 'posso', 'ho', 'bisogno', 'per', 'una', 'un', 'mio', 'mia', 'con', 'di', 'del', 'della', 'sono', 'mutuo', 'prestito', 'credito', 'quanto', 'tasso', 'casa', 'voglio', 'ottenere', 'non', 'e', 'anticipo', 'punteggio']),
};

const LANGUAGES = Object.keys(PROFILES) as Exclude<DetectedLanguage, 'unknown'>[];

/**
 * The language of a short question, from stop-word profiles: each word (lower-cased, accents
 * stripped) scores one point for every language whose profile lists it; the best language wins
 * when it has at least two points and beats the runner-up by two (by one from three points up),
 * otherwise 'unknown'. Characters only Spanish uses (¿ ¡ ñ) add to Spanish, ß/ä/ö/ü to German,
 * ã/õ/ç to Portuguese, è/à/ê/ç to French. Deterministic and dictionary-free: good for telling a
 * borrower's Spanish question from an English one, not for mixed-language text.
 */
export function detectLanguage(text: string): DetectedLanguage {
  const scores = new Map<Exclude<DetectedLanguage, 'unknown'>, number>(LANGUAGES.map((language) => [language, 0]));
  const add = (language: Exclude<DetectedLanguage, 'unknown'>, points: number) => scores.set(language, scores.get(language)! + points);
  if (/[¿¡ñ]/u.test(text)) add('es', 2);
  if (/[ßäöü]/iu.test(text)) add('de', 2);
  if (/[ãõ]/iu.test(text)) add('pt', 2);
  if (/[èêàâû]|\b(?:c'|l'|d'|qu'|j')/iu.test(text)) add('fr', 2);
  const words = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .match(/\p{L}+/gu) ?? [];
  for (const word of words) {
    for (const language of LANGUAGES) if (PROFILES[language].has(word)) add(language, 1);
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1]);
  const [best, second] = [ranked[0]!, ranked[1]!];
  if (best[1] < 2) return 'unknown';
  const margin = best[1] - second[1];
  return margin >= 2 || (margin >= 1 && best[1] >= 3) ? best[0] : 'unknown';
}
