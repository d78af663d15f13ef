import { z } from '@hono/zod-openapi';

/** Limits shared by both tiers. */
export const QUERY_MIN_LENGTH = 5;
export const QUERY_MAX_LENGTH = 500;
/** Request bodies above this many bytes are refused before parsing. */
export const MAX_BODY_BYTES = 4096;

export const LoanPurposeSchema = z
  .enum(['purchase', 'refinance', 'cash_out_refinance', 'home_equity', 'auto', 'student', 'personal', 'business', 'other'])
  .openapi('LoanPurpose');

// `-0` is JSON for zero: overwrite it with +0 so both tiers (cache key, figures, prompt) see one value.
const money = (description: string) =>
  z
    .number()
    .finite()
    .nonnegative()
    .max(1_000_000_000)
    .overwrite((value) => value + 0)
    .openapi({ description });

export const BorrowerProfileSchema = z
  .object({
    loanAmount: money('Requested loan amount in USD.').optional(),
    propertyValue: money('Property value or purchase price in USD.').optional(),
    downPayment: money('Down payment in USD.').optional(),
    annualIncome: money('Gross annual income in USD.').optional(),
    monthlyDebt: money('Existing monthly debt payments in USD.').optional(),
    creditScore: z.number().int().min(300).max(850).optional().openapi({ description: 'FICO-style score, 300–850.' }),
    loanPurpose: LoanPurposeSchema.optional(),
    loanTermYears: z.number().int().min(1).max(40).optional(),
    firstTimeBuyer: z.boolean().optional(),
    veteran: z.boolean().optional().openapi({ description: 'Eligible for VA benefits (military service is not a protected basis under ECOA).' }),
    state: z
      .string()
      .regex(/^[A-Z]{2}$/, 'two-letter US state code')
      .optional()
      .openapi({ example: 'TX' }),
  })
  .strict()
  .openapi('BorrowerProfile');

export const AdviceRequestSchema = z
  .object({
    query: z
      .string()
      .trim()
      .min(QUERY_MIN_LENGTH, `query must be at least ${QUERY_MIN_LENGTH} characters`)
      .max(QUERY_MAX_LENGTH, `query must be at most ${QUERY_MAX_LENGTH} characters`)
      .openapi({ example: 'What are my options for a $200,000 home with a 620 credit score?' }),
    profile: BorrowerProfileSchema.optional(),
  })
  .strict()
  .openapi('AdviceRequest');

export const AdviceSourceSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    score: z.number(),
    excerpt: z.string(),
  })
  .openapi('AdviceSource');

export const ProtectedCharacteristicSchema = z
  .enum(['race', 'color', 'religion', 'national_origin', 'sex', 'marital_status', 'age', 'public_assistance'])
  .openapi('ProtectedCharacteristic');

export const BiasFlagSchema = z
  .object({
    characteristic: ProtectedCharacteristicSchema,
    location: z.enum(['query', 'profile', 'answer']),
    term: z.string().openapi({ description: 'The matched term (lower-cased).' }),
    conditionsEligibility: z.boolean().openapi({ description: 'True when the text ties credit terms or eligibility to this characteristic.' }),
  })
  .openapi('BiasFlag');

export const BiasReasonSchema = z
  .enum(['conditioning', 'mentions', 'counterfactual'])
  .openapi('BiasReason', { description: 'Why an answer was flagged: it conditions terms on a basis, names bases too often, or changed when a basis was swapped or removed.' });

export const CounterfactualVariantSchema = z
  .object({
    characteristic: ProtectedCharacteristicSchema,
    change: z.enum(['removed', 'swapped']),
    term: z.string().openapi({ description: 'The protected term in the question (lower-cased).' }),
    replacement: z.string().openapi({ description: 'What it was replaced with; empty when removed.' }),
    similarity: z.number().openapi({ description: 'Cosine similarity of the two answers’ embeddings.' }),
    recommendationDivergence: z.number().min(0).max(1).openapi({ description: 'Jaccard distance of the loan programs named.' }),
    numberDivergence: z.number().min(0).max(1).openapi({ description: 'Share of like-for-like figures (rates, amounts, percentages) that differ.' }),
    score: z.number().min(0).max(1),
  })
  .openapi('CounterfactualVariant');

export const UnscoredVariantSchema = z
  .object({
    characteristic: ProtectedCharacteristicSchema,
    change: z.enum(['removed', 'swapped']),
    term: z.string(),
    replacement: z.string(),
    reason: z.enum(['out-of-time', 'fallback']).openapi({
      description:
        '`out-of-time`: not answered within the request’s time budget, so skipped; `fallback`: one of the two answers is the extractive fallback (`degraded`) and the other is not, so comparing them would measure the fallback, not the model.',
    }),
  })
  .openapi('UnscoredVariant');

export const CounterfactualReportSchema = z
  .object({
    score: z.number().min(0).max(1).openapi({ description: 'Largest score among the compared variants (0 when none could be compared).' }),
    threshold: z.number().min(0).max(1),
    variants: z.array(CounterfactualVariantSchema).openapi({ description: 'The variants compared with the answer.' }),
    neutralAnswerReturned: z.boolean().openapi({ description: 'True when the answer shown is the one generated for the attribute-neutral question.' }),
    incomplete: z.boolean().optional().openapi({ description: 'Present (true) when some variants could not be compared (see `unscored`): the fairness check is incomplete and the score covers the compared ones only.' }),
    unscored: z.array(UnscoredVariantSchema).optional().openapi({ description: 'Present with `incomplete`: the variants left out, and why.' }),
  })
  .openapi('CounterfactualReport');

export const BiasReportSchema = z
  .object({
    score: z.number().min(0).max(1),
    flagged: z.boolean(),
    flags: z.array(BiasFlagSchema),
    reasons: z.array(BiasReasonSchema).optional().openapi({ description: 'Present when flagged.' }),
    counterfactual: CounterfactualReportSchema.optional().openapi({ description: 'Present when the question named a protected basis and the answer was re-asked without it.' }),
  })
  .openapi('BiasReport');

export const AdviceTimingsSchema = z
  .object({
    embedMs: z.number(),
    searchMs: z.number(),
    generateMs: z.number(),
    biasMs: z.number(),
    totalMs: z.number(),
  })
  .openapi('AdviceTimings');

export const AdviceResponseSchema = z
  .object({
    advice: z.string(),
    sources: z.array(AdviceSourceSchema),
    bias: BiasReportSchema,
    indexVersion: z.string(),
    generator: z.string(),
    cached: z.boolean(),
    degraded: z
      .boolean()
      .optional()
      .openapi({ description: 'True when the configured language model could not answer in time and this is the grounded extractive answer instead.' }),
    disclaimer: z.string(),
    timings: AdviceTimingsSchema,
  })
  .openapi('AdviceResponse');

export type BorrowerProfile = z.infer<typeof BorrowerProfileSchema>;
export type AdviceRequest = z.infer<typeof AdviceRequestSchema>;
export type AdviceSource = z.infer<typeof AdviceSourceSchema>;
export type ProtectedCharacteristic = z.infer<typeof ProtectedCharacteristicSchema>;
export type BiasFlag = z.infer<typeof BiasFlagSchema>;
export type BiasReport = z.infer<typeof BiasReportSchema>;
export type BiasReason = z.infer<typeof BiasReasonSchema>;
export type CounterfactualVariant = z.infer<typeof CounterfactualVariantSchema>;
export type CounterfactualReport = z.infer<typeof CounterfactualReportSchema>;
export type UnscoredVariant = z.infer<typeof UnscoredVariantSchema>;
export type AdviceResponse = z.infer<typeof AdviceResponseSchema>;

export const ADVICE_DISCLAIMER =
  'This is general educational information, not financial, legal or tax advice, and not an offer or guarantee of credit. ' +
  'Rates, terms and eligibility depend on the lender and your full application. Consult a licensed loan officer or HUD-approved housing counselor before deciding.';
