import type { KnowledgeDocument } from '../../../core/ports/document.ts';

/** Twenty short knowledge-base documents for indexing tests. */
export const LOAN_DOCUMENTS: KnowledgeDocument[] = [
  { id: 'fha-basics', title: 'FHA loan down payment', text: 'FHA loans are insured by the Federal Housing Administration. With a credit score of 580 or higher the minimum down payment is 3.5% of the purchase price; scores from 500 to 579 need 10% down.', url: 'https://www.hud.gov/buying/loans' },
  { id: 'va-basics', title: 'VA loans', text: 'VA loans are guaranteed by the Department of Veterans Affairs. Eligible veterans and service members can buy with no down payment and no monthly mortgage insurance.' },
  { id: 'usda-basics', title: 'USDA rural loans', text: 'USDA loans serve eligible rural and suburban areas with income limits and allow financing with zero down.' },
  { id: 'conventional', title: 'Conventional loans', text: 'Conventional loans are not government insured. Most lenders require a credit score of at least 620 and a debt-to-income ratio under 45%.' },
  { id: 'pmi', title: 'Private mortgage insurance', text: 'Private mortgage insurance (PMI) is usually required on conventional loans with less than 20% equity. It can be cancelled once the loan-to-value ratio reaches 80%.' },
  { id: 'dti', title: 'Debt-to-income ratio', text: 'Your debt-to-income ratio divides total monthly debt payments by gross monthly income. Lenders often prefer 36% or less.' },
  { id: 'credit-score', title: 'How credit scores affect rates', text: 'Higher credit scores usually earn lower interest rates. Paying bills on time and keeping card balances low improves your score.' },
  { id: 'closing-costs', title: 'Closing costs', text: 'Closing costs typically run 2% to 5% of the loan amount and include appraisal, title insurance and origination fees.' },
  { id: 'escrow', title: 'Escrow accounts', text: 'An escrow account collects property taxes and homeowners insurance with each monthly payment and pays the bills when due.' },
  { id: 'arm', title: 'Adjustable-rate mortgages', text: 'An adjustable-rate mortgage has a fixed introductory rate, after which the rate resets periodically based on an index plus a margin, within caps.' },
  { id: 'fixed-rate', title: 'Fixed-rate mortgages', text: 'A fixed-rate mortgage keeps the same interest rate for the whole term, commonly 15 or 30 years, so the principal and interest payment never changes.' },
  { id: 'refinance', title: 'Refinancing', text: 'Refinancing replaces your current mortgage with a new loan, often to lower the rate or shorten the term. Compare the closing costs with the monthly savings.' },
  { id: 'cash-out', title: 'Cash-out refinance', text: 'A cash-out refinance borrows more than you owe and pays you the difference in cash; most lenders cap it at 80% of the home value.' },
  { id: 'heloc', title: 'Home equity lines of credit', text: 'A HELOC is a revolving line of credit secured by your home equity with a variable rate and a draw period followed by repayment.' },
  { id: 'preapproval', title: 'Mortgage preapproval', text: 'A preapproval letter shows sellers how much a lender is willing to lend after checking income, assets and credit.' },
  { id: 'points', title: 'Discount points', text: 'Discount points are fees paid at closing to buy down the interest rate; one point costs 1% of the loan amount.' },
  { id: 'first-time', title: 'First-time homebuyer programs', text: 'State housing agencies offer first-time homebuyer programs with down payment assistance grants and forgivable second loans.' },
  { id: 'ecoa', title: 'Your rights under ECOA', text: 'The Equal Credit Opportunity Act forbids lenders from discriminating on the basis of race, color, religion, national origin, sex, marital status, age or receipt of public assistance.' },
  { id: 'jumbo', title: 'Jumbo loans', text: 'Jumbo loans exceed conforming loan limits and usually need larger reserves, higher credit scores and a bigger down payment.' },
  { id: 'student-loans', title: 'Student loans and mortgages', text: 'Student loan payments count toward your debt-to-income ratio; income-driven repayment amounts can often be used.' },
];
