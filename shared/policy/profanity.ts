import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

/**
 * Places and names a borrower may well write that obscenity's English dataset would flag
 * (a home in Cumming, Georgia; a store card from Dick's Sporting Goods).
 */
const ALLOWED_TERMS: readonly string[] = ['cumming', 'penistone', "dick's sporting", 'dickens', 'dickinson', 'dickson'];

let matcher: RegExpMatcher | undefined;

/** True when the text contains profanity (obscenity's English dataset, with its anti-evasion transformers). */
export function containsProfanity(text: string): boolean {
  if (!matcher) {
    const dataset = englishDataset.build();
    matcher = new RegExpMatcher({
      ...dataset,
      whitelistedTerms: [...(dataset.whitelistedTerms ?? []), ...ALLOWED_TERMS],
      ...englishRecommendedTransformers,
    });
  }
  return matcher.hasMatch(text);
}
