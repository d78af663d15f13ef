import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../shared/text/detect-language.ts';

describe('detectLanguage', () => {
  it.each([
    ['es', '¿Qué puntaje de crédito necesito para un préstamo FHA?'],
    ['es', 'Cuánto debo dar de pago inicial para una casa?'],
    ['es', 'Como funciona una hipoteca inversa?'],
    ['fr', 'Quel taux pour un prêt immobilier de 200 000 € ?'],
    ['pt', 'Qual é a pontuação de crédito necessária para um financiamento?'],
    ['de', 'Wie viel Eigenkapital brauche ich für eine Hypothek?'],
    ['it', 'Quanto anticipo serve per un mutuo della casa?'],
    ['en', 'What credit score do I need for an FHA loan?'],
    ['en', 'Can I use gift money for my down payment?'],
    ['en', 'Is a 620 score enough for a $200,000 home?'],
    // Four "a"s (French "has") in an English question with few of the usual function words.
    ['en', "As a man, i'm finally house hunting. Could a condo building with a tiny reserve fund keep me from getting a conventional loan?"],
    ['fr', "J'ai un score de 620, est-ce que je peux obtenir un prêt FHA?"],
  ])('%s: %s', (language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it.each(['HELOC draw period?', 'PMI', '', '620 FHA'])('says unknown when there is too little to tell: %j', (text) => {
    expect(detectLanguage(text)).toBe('unknown');
  });
});
