/** Borrower questions the advice benchmarks cycle through (answered from the demo or synthetic corpus). */
export const ADVICE_QUESTIONS = [
  'What are my options for a $200,000 home with a 620 credit score?',
  'How much do I need for a down payment on an FHA loan?',
  'When can I cancel private mortgage insurance?',
  'Is it worth refinancing to save half a percent?',
  'How is my debt-to-income ratio calculated?',
  'What is the difference between APR and the interest rate?',
] as const;
