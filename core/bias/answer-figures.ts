/** The kind of figure: an interest rate or other percentage, a dollar amount, a credit score, a loan term. */
export type FigureKind = 'percent' | 'amount' | 'score' | 'years';

/** A figure and what it is about, e.g. `{ kind: 'percent', subject: 'rate', value: 6.5 }`. */
export interface AnswerFigure {
  kind: FigureKind;
  subject: string;
  value: number;
}

/** Subjects, first match nearest before the figure wins; the key is the canonical name. */
const SUBJECTS: readonly (readonly [string, RegExp])[] = [
  ['rate', /\b(?:interest rates?|rates?|apr|interest)\b/giu],
  ['down-payment', /\b(?:down payments?|down|deposit)\b/giu],
  ['mortgage-insurance', /\b(?:mortgage insurance|mip|pmi|premiums?|funding fee|guarantee fee)\b/giu],
  ['debt-to-income', /\b(?:debt-to-income|dti)\b/giu],
  ['loan-to-value', /\b(?:loan-to-value|ltv)\b/giu],
  ['fees', /\b(?:closing costs?|fees?|points?|origination)\b/giu],
  ['limit', /\b(?:limits?|maximum|max|cap)\b/giu],
  ['income', /\b(?:income|salary|earn\w*)\b/giu],
  ['reserves', /\b(?:reserves?|savings)\b/giu],
  ['payment', /\b(?:monthly payments?|payments?)\b/giu],
  ['score', /\b(?:credit scores?|fico|scores?)\b/giu],
  ['loan-amount', /\b(?:loan amounts?|borrow|loans?|mortgages?)\b/giu],
];

const FIGURE =
  /(?<percent>\d+(?:\.\d+)?)\s*(?:%|percent\b)|\$\s?(?<amount>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?<scale>k\b|thousand\b|million\b|m\b|mm\b)?|\b(?<years>\d{1,2})[- ]years?\b|\b(?<score>[3-8]\d{2})\b/giu;

const SCALE: Record<string, number> = { k: 1e3, thousand: 1e3, m: 1e6, mm: 1e6, million: 1e6 };

/**
 * Figures that state terms in `text`: percentages, dollar amounts, credit scores (300–850 next to
 * "score"/"FICO"/"credit") and loan terms ("30-year", subject "term"), each with the subject named nearest before
 * it in the same sentence (or just after it: "6.5% interest"). Citation markers are ignored.
 */
export function answerFigures(text: string): AnswerFigure[] {
  const figures: AnswerFigure[] = [];
  const clean = text.replace(/\[\d+\]/gu, '');
  for (const sentence of clean.split(/(?<=[.!?])\s+|\n+/u)) {
    for (const match of sentence.matchAll(FIGURE)) {
      const groups = match.groups ?? {};
      let kind: FigureKind;
      let value: number;
      if (groups.percent !== undefined) {
        kind = 'percent';
        value = Number(groups.percent);
      } else if (groups.amount !== undefined) {
        kind = 'amount';
        value = Number(groups.amount.replaceAll(',', '')) * (SCALE[groups.scale?.toLowerCase() ?? ''] ?? 1);
      } else if (groups.years !== undefined) {
        kind = 'years';
        value = Number(groups.years);
      } else {
        const around = sentence.slice(Math.max(0, match.index - 30), match.index + match[0].length + 15);
        if (!/\b(?:scores?|fico|credit)\b/iu.test(around)) continue;
        kind = 'score';
        value = Number(groups.score);
      }
      figures.push({ kind, subject: kind === 'score' ? 'score' : kind === 'years' ? 'term' : subjectOf(sentence, match.index, match.index + match[0].length), value });
    }
  }
  return figures;
}

function subjectOf(sentence: string, start: number, end: number): string {
  const before = sentence.slice(Math.max(0, start - 60), start);
  let best: { subject: string; distance: number } | undefined;
  for (const [subject, pattern] of SUBJECTS) {
    for (const match of before.matchAll(pattern)) {
      const distance = before.length - (match.index + match[0].length);
      if (!best || distance < best.distance) best = { subject, distance };
    }
  }
  const after = sentence.slice(end, end + 25);
  for (const [subject, pattern] of SUBJECTS) {
    const index = after.search(pattern);
    if (index !== -1 && index <= 3 && (!best || index < best.distance)) best = { subject, distance: index };
  }
  return best?.subject ?? 'other';
}
