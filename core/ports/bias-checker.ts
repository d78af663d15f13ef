import type { BiasReport, BorrowerProfile } from '../../shared/contracts/advice.ts';

export interface BiasCheckInput {
  query: string;
  profile?: BorrowerProfile | undefined;
  answer: string;
}

/** Checks a question/answer pair for protected characteristics (ECOA / Regulation B) and unequal treatment. */
export interface BiasChecker {
  readonly id: string;
  check(input: BiasCheckInput): Promise<BiasReport>;
}
