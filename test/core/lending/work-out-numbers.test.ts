import { describe, expect, it } from 'vitest';
import { workOutNumbers } from '../../../core/lending/work-out-numbers.ts';

const ids = (query: string, profile?: Parameters<typeof workOutNumbers>[1]) => workOutNumbers(query, profile).figures.map((figure) => figure.id);

describe('workOutNumbers', () => {
  it('works out the 28/36 rule in one sentence with its inputs and its source', () => {
    const { figures, problems } = workOutNumbers('We make $9,000 a month; by the 28/36 rule what can we spend?');
    expect(problems).toEqual([]);
    expect(figures).toEqual([
      {
        id: 'rule-28-36',
        label: '28/36 rule',
        text: 'By the 28/36 rule, on $9,000 a month: housing up to $2,520 (28%), all debts up to $3,240 (36%).',
        inputs: { grossMonthlyIncome: 9000 },
        result: { housingMax: 2520, totalDebtMax: 3240 },
        sourceDocumentId: 'budgeting-for-homeownership-28-36-rule',
      },
    ]);
  });

  it.each([
    ['What are my front-end and back-end DTI? I earn $5,000 a month, the new mortgage would be $1,400 and I have a $300 car payment.', undefined, ['debt-to-income']],
    ['What is my debt-to-income ratio?', { annualIncome: 96_000, monthlyDebt: 1200 }, ['debt-to-income']],
    ['How much house payment can I afford?', { annualIncome: 120_000, monthlyDebt: 500 }, ['rule-28-36']],
    ["What's the LTV if I buy a $350,000 house with $35,000 down?", undefined, ['loan-to-value']],
    ['What would the monthly payment be on a $250,000 30-year mortgage at 6%?', undefined, ['monthly-payment']],
    ['Just closed on a $260,000 mortgage at 7.5% fixed for 30 years. How much of my very first payment goes to interest?', undefined, ['first-payment-split']],
    ['Refinancing would cost me $4,800 and save $160 a month. When do I break even?', undefined, ['refinance-break-even']],
    ['What do 2 points cost on a $275k loan?', undefined, ['discount-points']],
    ['I bought for $250,000 with a $237,500 loan at 6.5% for 30 years. When can I drop PMI?', undefined, ['pmi-cancellation']],
    ['How much is the FHA upfront mortgage insurance premium on a $300,000 loan?', undefined, ['fha-mortgage-insurance']],
    ['First VA loan, 5% down on a $400,000 loan: what is the funding fee?', undefined, ['va-funding-fee']],
    ['What are my options for a $200,000 home with a 620 credit score?', undefined, ['fha-down-payment', 'fha-mortgage-insurance', 'conventional-down-payment']],
    ['How much is 3.5% down on a $320,000 house?', undefined, ['down-payment']],
    // Asked for the cash as well as the LTV: both.
    ['Buying a $300,000 condo with 10% down: how much cash is that, and what is the LTV?', undefined, ['loan-to-value', 'down-payment']],
    ['How long is the HELOC draw period?', undefined, []],
    ['What credit score do I need for an FHA loan?', undefined, []],
  ])('%s', (query, profile, expected) => {
    expect(ids(query, profile)).toEqual(expected);
  });

  it('takes the loan as the price less the down payment when a lower appraisal sets the value the LTV is measured on', () => {
    const [ltv] = workOutNumbers('We agreed to pay $250,000 and put $25,000 down, but the appraisal came back at $240,000. What is our LTV?').figures;
    expect(ltv).toMatchObject({ id: 'loan-to-value', inputs: { loanAmount: 225_000, propertyValue: 240_000 } });
    expect(ltv!.text).toContain('93.75%');
  });

  it('the README example compares FHA and conventional for that borrower in numbers', () => {
    const texts = workOutNumbers('What are my options for a $200,000 home with a 620 credit score?', { propertyValue: 200_000, creditScore: 620 }).figures.map((figure) => figure.text).join(' ');
    for (const fact of ['$7,000', '$193,000', '$3,377.50', '$1,061.50', '$6,000', 'private mortgage insurance']) expect(texts).toContain(fact);
  });

  it('takes an amount restating the share down as the down payment and works out the price it implies, never that amount as the price', () => {
    const worked = workOutNumbers("I'm putting 20% down, that's $70,000. What would the monthly payment be at 6.5% for 30 years?");
    expect(worked.figures.map((figure) => figure.text)).toEqual(['A $280,000 loan at 6.5% over 30 years costs $1,769.79 a month in principal and interest ($357,124.57 of interest over the term).']);
    const myth = workOutNumbers('everyone keeps telling me u need 20% down or you cant buy a house period. thats like $70k for what im looking at. is that actually true??');
    expect(JSON.stringify(myth)).not.toContain('$70,000 home');
  });

  it('names what it needs instead of guessing, and passes on unreadable figures', () => {
    expect(workOutNumbers('By the 28/36 rule, what can I spend?').problems).toEqual(['To work out the 28/36 rule I need your gross monthly income.']);
    expect(workOutNumbers('What would the monthly payment be on a $250,000 loan?').problems).toEqual(['To work out the monthly payment I need the loan amount, the interest rate and the term.']);
    const bad = workOutNumbers('What would the monthly payment be on a $250,000 30-year loan at 900% interest?');
    expect(bad.figures).toEqual([]);
    expect(bad.problems[0]).toMatch(/900% interest rate is implausible/);
    expect(workOutNumbers('My refinance saves $0 a month and costs $3,000 in closing costs. When do I break even?').problems).toEqual(['With no monthly saving the costs are never recovered.']);
  });

  it.each([
    // Wording the earlier triggers missed: "front-end and back-end ratios", "$350 for my car", a stated house payment.
    [
      'I make $7,200 a month before taxes. The house payment would be $1,800, and I pay $350 for my car, $250 in student loans and $120 in card minimums. What are my front-end and back-end ratios?',
      'debt-to-income',
      ['front-end DTI of 25%', '$2,520', 'back-end DTI of 35%'],
    ],
    // The lender values the home at the lower of price and appraisal.
    ['We agreed to pay $425,000 but the appraisal came back at $400,000. If we borrow $360,000, what loan-to-value will the lender use?', 'loan-to-value', ['LTV of 90%', '$425,000 price', '$400,000 appraisal']],
    ['My house is worth $500,000 and I still owe $310,000 on it. If the bank caps combined loan-to-value at 85%, how big a HELOC could I get?', 'equity-borrowing-limit', ['an 85%', '$425,000', '$115,000']],
    ['My home appraises at $400,000 and I owe $200,000. How much cash could I get from a cash-out refinance?', 'equity-borrowing-limit', ['typical 80% cap', '$320,000', '$120,000']],
    ['I paid $320,000 for my home, it appraised at $330,000 at closing, and I borrowed $304,000 with PMI. At what balance can I ask to cancel PMI?', 'pmi-cancellation', ['$256,000 (80%)', '$249,600 (78%)']],
    ["I'm getting a $230,000 USDA loan. What will the upfront guarantee fee be, and the annual fee?", 'usda-guarantee-fee', ['$2,300', '$805', '$67.08']],
  ])('%s', (query, id, facts) => {
    const { figures, problems } = workOutNumbers(query);
    expect(problems).toEqual([]);
    expect(figures.map((figure) => figure.id)).toEqual([id]);
    for (const fact of facts) expect(figures[0]!.text).toContain(fact);
  });

  it.each([
    ['My home just appraised at $480,000 and I still owe $250,000. If a cash-out refinance is capped at 80% loan-to-value, how much cash would I walk away with after $9,000 in closing costs?', 'equity-borrowing-limit', ['an 80% cap', '$384,000', '$125,000 after $9,000 of closing costs']],
    ['My home is worth $360,000 and my mortgage balance is $230,000. My bank lets total borrowing on the house go up to 90% of its value. What is the biggest line of credit I could open?', 'equity-borrowing-limit', ['a 90% combined', '$94,000']],
    ['We paid $360,000 for our house, but it appraised at $355,000 at closing. At what balance can we ask to cancel PMI?', 'pmi-cancellation', ['$284,000 (80%)', '$276,900 (78%)']],
    ["I'm buying a $300,000 house with an FHA loan and the minimum 3.5% down. How much is the upfront premium, and what's my total loan if I finance it?", 'fha-mortgage-insurance', ['$5,066.25', 'total loan of $294,566.25']],
    // A payment described before its amount, with words between ("with taxes and insurance would be").
    ['We earn $10,000 a month. The house payment with taxes and insurance would be $2,500, plus a $500 car payment. What are our DTIs?', 'debt-to-income', ['front-end DTI of 25%', 'back-end DTI of 30%']],
    // A hedged value ("worth about"), and a home equity loan already owed is a lien, not a wish to borrow.
    ['The place is worth roughly $400,000; we owe $280,000 on the mortgage and $20,000 on a home equity loan. What is our combined LTV?', 'loan-to-value', ['LTV of 70%', 'CLTV) is 75%']],
    // Two payments: the saving is their difference.
    ['My P&I is $1,800 now and a refinance would lower it to $1,650, with $4,500 in closing costs. When do I come out ahead?', 'refinance-break-even', ['$150 a month', 'after 30 months']],
    // "Rates dropped half a point" is a rate move, not points bought; the two break-even inputs ask for it.
    ['Rates dropped half a point. We would save about $100 a month and closing costs are around $3,000. Should we do it?', 'refinance-break-even', ['after 30 months']],
    ['I pay an extra $100 a month on a $200,000 loan at 6% for 30 years. What does that do?', 'extra-payments', ['instead of 360', 'of interest']],
    ['USDA loan of $150,000 with the upfront guarantee fee financed into the loan: what are the fees?', 'usda-guarantee-fee', ['$1,500', 'total loan of $151,500', '$530.25 a year']],
  ])('%s', (query, id, facts) => {
    const { figures, problems } = workOutNumbers(query);
    expect(problems).toEqual([]);
    expect(figures.map((figure) => figure.id)).toEqual([id]);
    for (const fact of facts) expect(figures[0]!.text).toContain(fact);
  });

  it('reads a stated house payment "comes to $1,750" with the profile’s income and debts', () => {
    const { figures } = workOutNumbers('If the new house payment comes to $1,750 a month, what are my front-end and back-end debt-to-income ratios?', { annualIncome: 84_000, monthlyDebt: 650 });
    expect(figures[0]!.text).toContain('front-end DTI of 25%');
    expect(figures[0]!.text).toContain('back-end DTI of 34.29%');
  });

  it('a bare percentage is the subject, not an input to complete', () => {
    expect(workOutNumbers('Is a 95% LTV loan too risky?').problems).toEqual([]);
  });

  it('compares two terms or rates side by side, each pair in the order written', () => {
    const { figures } = workOutNumbers("On a $320,000 loan, what's the monthly principal and interest on a 15-year at 6% compared with a 30-year at 6.5%?");
    expect(figures.map((figure) => [figure.id, figure.inputs])).toEqual([
      ['monthly-payment', { principal: 320_000, annualRatePercent: 6, termYears: 15 }],
      ['monthly-payment-2', { principal: 320_000, annualRatePercent: 6.5, termYears: 30 }],
    ]);
    expect(figures.map((figure) => figure.text).join(' ')).toMatch(/\$2,700\.34.*\$2,022\.62/);
  });

  it('asks for missing inputs only when the borrower is working something out', () => {
    // A question about a rule, with no figures and no request for a number: no "I need your income".
    expect(workOutNumbers('What is a mortgage lender legally required to look at to make sure I can afford the loan?').problems).toEqual([]);
    expect(workOutNumbers('My student loans are deferred. What monthly payment will FHA count against me?').problems).toEqual([]);
    // Asked for a number, or figures given: the missing input is named.
    expect(workOutNumbers('How much would my VA funding fee be?').problems).toEqual(['To work out the VA funding fee I need the loan amount.']);
    expect(workOutNumbers('How much house can I afford?').problems).toEqual(['To work out the 28/36 rule I need your gross monthly income.']);
  });

  it('asks only for what the question needs: no amortization inputs for a recast or an income-driven payment, no MIP amount for how long it lasts, no point cost for percentage points', () => {
    expect(workOutNumbers("Getting a $50k inheritance and I'm planning to dump it all on the mortgage. Will my monthly payment go down after that?").problems).toEqual([]);
    expect(workOutNumbers("I'm barely making anything. How do they figure out the monthly payment on income-based plans for my $30,000 of student loans?").problems).toEqual([]);
    expect(workOutNumbers('If I put 10% down on an FHA loan, does the monthly mortgage insurance ever go away?').problems).toEqual([]);
    expect(workOutNumbers('My lender said my ARM has 2/1/5 caps, so the rate can never go up more than 2 points in total. Is that right?').problems).not.toContain('To work out the cost of the points I need the loan amount.');
    // The $0 is the payment, not the balance: the balance is asked for, not refused as zero.
    expect(workOutNumbers('My student loans are deferred with a $0 payment. What monthly payment will FHA count against me?').problems).toEqual([
      'To work out the payment a lender counts I need the student loan balance.',
    ]);
    expect(workOutNumbers('My credit score is 640. What is the highest loan-to-value ratio an FHA loan will allow?').problems).toEqual([]);
    // A cost question still gets its inputs asked for.
    expect(workOutNumbers('If I put 10% down on an FHA loan, how much will the mortgage insurance cost?').problems).toEqual(['To work out FHA mortgage insurance I need the loan amount.']);
  });

  it('asks for a HELOC cap rather than assuming one', () => {
    expect(workOutNumbers('My house is worth $500,000 and I owe $310,000. How big a HELOC could I get?').problems).toEqual([
      'To work out how much equity you can borrow I need the lender’s combined loan-to-value cap (often 80% to 90%).',
    ]);
  });

  it('works out a later-use VA fee from a bare price with zero down (the loan is the price)', () => {
    const { figures, problems } = workOutNumbers('This is my second VA loan, zero down, $300,000. How big is the funding fee?');
    expect(problems).toEqual([]);
    expect(figures.map((figure) => figure.text)).toEqual([expect.stringMatching(/3\.3% of the \$300,000 loan: \$9,900/)]);
  });

  it('a VA streamline refinance (IRRRL) costs 0.5% of the loan, with no down payment to ask for', () => {
    const { figures, problems } = workOutNumbers('Doing a VA streamline refi on my $200k balance. What is the funding fee?');
    expect(problems).toEqual([]);
    expect(figures.map((figure) => figure.text)).toEqual([expect.stringMatching(/0\.5% of the \$200,000 loan: \$1,000/)]);
  });

  it('reports a VA fee the corpus does not state rather than inventing it', () => {
    const { figures, problems } = workOutNumbers('Second VA loan with 10% down on a $300,000 loan: what is the funding fee?');
    expect(figures).toEqual([]);
    expect(problems).toEqual(['The guide does not state the VA funding fee for a later use with 5% or more down.']);
  });

  it('asks for break-even inputs only about a refinance, points or closing costs, not any "worth it"', () => {
    expect(workOutNumbers('guy on insta says he can wipe my collections for $499 paid up front. worth it or nah').problems).toEqual([]);
    expect(workOutNumbers('Is refinancing worth it if closing costs are $4,000?').problems).toEqual([
      'To work out the break-even point I need the closing costs and the monthly saving (or the balance, both rates and the term).',
    ]);
  });
});
