import type { DetectedLanguage } from '../../shared/text/detect-language.ts';

/** The stable `generator` value of a language notice, which clients can test for. */
export const LANGUAGE_NOTICE_GENERATOR_ID = 'language-notice-v1';

/**
 * What a borrower who asked in another language is told when no language model is configured
 * (the extractive generator can only quote the English sources): in their language, which
 * language is answered, and how to get an answer. One fixed text per language, so it is stable
 * across requests and cacheable.
 */
export const LANGUAGE_NOTICES: Readonly<Record<Exclude<DetectedLanguage, 'en' | 'unknown'>, string>> = {
  es: 'Por ahora este servicio solo responde preguntas en inglés: la base de conocimientos sobre préstamos está escrita en inglés y no podemos traducir las respuestas. Por favor, haga su pregunta en inglés. Si necesita ayuda en español, un asesor de vivienda aprobado por HUD puede atenderle sin costo (llame al 1-800-569-4287).',
  fr: 'Pour le moment, ce service ne répond qu’aux questions posées en anglais : sa base de connaissances sur le crédit est rédigée en anglais et les réponses ne peuvent pas être traduites. Merci de poser votre question en anglais.',
  pt: 'No momento, este serviço responde apenas a perguntas em inglês: a base de conhecimento sobre empréstimos está escrita em inglês e as respostas não podem ser traduzidas. Por favor, faça sua pergunta em inglês.',
  de: 'Dieser Dienst beantwortet derzeit nur Fragen auf Englisch: Die Wissensbasis zu Krediten ist auf Englisch verfasst, und die Antworten können nicht übersetzt werden. Bitte stellen Sie Ihre Frage auf Englisch.',
  it: 'Al momento questo servizio risponde solo a domande in inglese: la base di conoscenza sui prestiti è scritta in inglese e le risposte non possono essere tradotte. Per favore, faccia la sua domanda in inglese.',
};

/** The notice for `language`, or undefined when the language is answered (English) or not recognised. */
export function languageNotice(language: DetectedLanguage): string | undefined {
  return language === 'en' || language === 'unknown' ? undefined : LANGUAGE_NOTICES[language];
}
