import type { BorrowerProfile } from '../../shared/contracts/advice.ts';
import type { WorkedFigure } from '../ports/worked-figure.ts';
import { formatMoney, formatPercent, type Calculation } from './calculation.ts';
import { debtToIncome } from './debt-to-income.ts';
import { discountPoints } from './discount-points.ts';
import { downPayment } from './down-payment.ts';
import { CASH_OUT_TYPICAL_CAP_PERCENT, equityBorrowingLimit } from './equity-borrowing-limit.ts';
import { fhaMinimumDownPayment, fhaMortgageInsurance, FHA_RULE, FHA_UPFRONT_PERCENT } from './fha-mortgage-insurance.ts';
import { loanToValue } from './loan-to-value.ts';
import { firstPaymentSplit } from './amortization-schedule.ts';
import { monthlyPayment } from './monthly-payment.ts';
import { pmiBalances, pmiCancellation, pmiCostRange } from './pmi-cancellation.ts';
import { asksStudentLoanPaymentCounted } from './student-loan-payment.ts';
import { rewriteEverydayPhrases } from '../../shared/text/everyday-synonyms.ts';
import { readFigures, type BorrowerFigures } from './read-figures.ts';
import { refinanceBreakEven } from './refinance-break-even.ts';
import { rule2836 } from './rule-28-36.ts';
import { usdaGuaranteeFee } from './usda-guarantee-fee.ts';
import { extraPayments } from './extra-payments.ts';
import { vaFundingFee } from './va-funding-fee.ts';
import { armAdjustedRate, armRateCeilings } from './arm-rate-caps.ts';
import type { Add, Need } from './figure-collector.ts';
import { workOutEverydayNumbers } from './work-out-everyday-numbers.ts';
import { interestOnlyPayment } from './interest-only-payment.ts';

export interface WorkedNumbers {
  figures: WorkedFigure[];
  /** Sentences naming what could not be read or worked out (never guessed). */
  problems: string[];
}

const CONVENTIONAL_RULE = 'conventional-loans-conforming-limits';
/** Words asking for a number about the borrower, even without figures ("By the 28/36 rule, what can I spend?"). */
const COMPUTE_REQUEST =
  /\bcalculat|\bwork (?:it |this |that )?out\b|\bfigure out\b|\bby the 28\s*\/\s*36\b|\bwhat (?:can|could|should) (?:i|we) spend\b|\bhow much (?:house|home|can (?:i|we) (?:afford|borrow|spend))\b|\b(?:what(?:'s| is| are| would be| will be)|how (?:high|big) (?:is|are|would be)) (?:my|our)\b|\bhow much (?:is|are|would|will|does|do|should) (?:my|our)\b|\b(?:my|our) (?:monthly )?payment (?:be|would be|will be)\b|\bwhen (?:can|could|do|will) (?:i|we) (?:drop|cancel|remove|stop|break even)\b/;

/**
 * Works out the numbers a question asks for. The calculations come from its words ("28/36",
 * "afford", "DTI", "LTV", "payment", "break even", "points", "PMI", "FHA … premium", "VA funding
 * fee", "options" with a price and a score); the figures from the question and the profile
 * (see readFigures: the question wins). A calculation the question asks for whose figures are
 * missing or unusable is named in `problems`; nothing is assumed.
 */
export function workOutNumbers(query: string, profile?: BorrowerProfile): WorkedNumbers {
  const text = query.toLowerCase();
  const read = readFigures(query, profile);
  const figures: WorkedFigure[] = [];
  const problems = read.problems.map((problem) => problem.message);
  const numbers = withDerived(read.merged);
  const add = <I, R>(id: string, label: string, calculation: Calculation<I, R>, describe: (inputs: I, result: R) => string) => {
    if (!calculation.ok) {
      problems.push(calculation.message);
      return;
    }
    figures.push({
      id,
      label,
      text: describe(calculation.inputs, calculation.result),
      inputs: calculation.inputs as Record<string, unknown>,
      result: calculation.result as Record<string, unknown>,
      sourceDocumentId: calculation.rule,
    });
  };
  // Asking for missing inputs only helps a borrower who is working something out: one who gave
  // figures (in the question or the profile) or asked for a computation. "What does the lender
  // check to make sure I can afford the loan?" asks about a rule, not for a 28/36 figure.
  // A bare percentage ("Is a 95% LTV too risky?") is the borrower's subject, not an input to complete.
  const inputs = read.figures.filter((figure) => figure.role !== 'percent' && figure.role !== 'ltvCap');
  const computing = inputs.length > 0 || read.problems.length > 0 || Object.keys(read.merged).length > 0 || COMPUTE_REQUEST.test(text);
  const need = (what: string, label: string) => {
    if (computing) problems.push(`To work out ${label} I need ${what}.`);
  };
  const { monthlyIncome, monthlyDebts, housingPayment, loanAmount, propertyValue, rates = [], termYears } = numbers;

  // Discount points, not a rate moving by percentage points ("can never go up more than 2 points in total").
  const wantsPoints = /\bpoints?\b/.test(text) && !RATE_POINTS.test(text);
  // Both inputs of a break-even given ("save $120 a month, closing costs $4,800") ask for it, whatever the words.
  // "Worth it" or "pays off" asks for a break-even only about a refinance, points or closing costs ("worth it or nah" about a $499 credit-repair offer does not).
  const costContext = /refinanc|\brefi\b|\bpoints?\b|closing costs?|\bfees?\b.*\b(?:rate|payment)\b/.test(text);
  const wantsBreakEven =
    /break[- ]?even|pays? (?:for )?itself|pay for themselves|worth refinancing|how long (?:until|before)/.test(text) ||
    (costContext && /pays? off|worth (?:it|the cost|paying)/.test(text)) ||
    (numbers.closingCosts !== undefined && numbers.monthlySavings !== undefined);
  const wantsFha = /\bfha\b/.test(text);
  // "Does the mortgage insurance ever go away?" asks how long it lasts, not what it costs.
  const asksDuration = /go away|\bends?\b|\bstops?\b|\bdrop|cancel|remove|falls? off|\blasts?\b|how long/.test(text) && !/how much|\bcosts?\b|\$\s?\d|\bamount\b/.test(text);
  const wantsFhaInsurance = wantsFha && /mortgage insurance|\bmip\b|premium|upfront/.test(text) && !asksDuration;
  const cashOut = /cash[- ]?out/.test(text);
  // A home equity loan the borrower already has (a stated lien) is an input, not a wish to borrow more.
  const asksToBorrow = numbers.secondLiens === undefined || /\bhow much (?:\w+ ){0,3}(?:borrow|get|take out|pull out|tap)|\b(?:could|can) (?:i|we) (?:borrow|get|take out|pull out|tap)\b/.test(text);
  const wantsEquity = cashOut || (asksToBorrow && /\bhelocs?\b|home equity|lines? of credit|borrow against|(?:tap|take out|pull out|borrow) (?:\w+ ){0,3}equity|second mortgage/.test(text));

  if (/28\s*\/\s*36|\bafford\b|how much (?:house|home)|(?:house|housing) payment (?:can|should)|spend on housing/.test(text)) {
    if (monthlyIncome === undefined) need('your gross monthly income', 'the 28/36 rule');
    else
      add('rule-28-36', '28/36 rule', rule2836({ grossMonthlyIncome: monthlyIncome, monthlyDebts }), (inputs, result) => {
        const base = `By the 28/36 rule, on ${formatMoney(inputs.grossMonthlyIncome)} a month: housing up to ${formatMoney(result.housingMax)} (28%), all debts up to ${formatMoney(result.totalDebtMax)} (36%).`;
        return result.housingMaxWithDebts === undefined || inputs.monthlyDebts === undefined || inputs.monthlyDebts === 0
          ? base
          : `${base} With ${formatMoney(inputs.monthlyDebts)} a month of existing debts, a housing payment up to ${formatMoney(result.housingMaxWithDebts)} keeps within both.`;
      });
  }
  if (/\bdtis?\b|debt[- ]to[- ]income|front[- ]end|back[- ]end/.test(text)) {
    if (monthlyIncome === undefined) need('your gross monthly income', 'your debt-to-income ratio');
    else if (monthlyDebts === undefined && housingPayment === undefined) need('your monthly debt payments', 'your debt-to-income ratio');
    else
      add('debt-to-income', 'Debt-to-income ratio', debtToIncome({ grossMonthlyIncome: monthlyIncome, housingPayment, otherMonthlyDebts: monthlyDebts ?? 0 }), (inputs, result) =>
        result.frontEndPercent === undefined
          ? `On ${formatMoney(inputs.grossMonthlyIncome)} a month of gross income, ${formatMoney(result.totalMonthlyDebts)} of monthly debt payments is a debt-to-income ratio of ${formatPercent(result.backEndPercent)}.`
          : `On ${formatMoney(inputs.grossMonthlyIncome)} a month of gross income, a ${formatMoney(inputs.housingPayment!)} housing payment is a front-end DTI of ${formatPercent(result.frontEndPercent)}, and ${formatMoney(result.totalMonthlyDebts)} of monthly debts in all a back-end DTI of ${formatPercent(result.backEndPercent)}.`,
      );
  }
  if (wantsEquity && loanAmount !== undefined && propertyValue !== undefined) workOutEquity(numbers, cashOut, add, need);
  // A question whose loan-to-value words only state the lender's cap asks how much it can borrow, worked out above.
  if (/\bc?ltv\b|loan[- ]to[- ]value/.test(text) && !(wantsEquity && numbers.ltvCapPercent !== undefined)) {
    // "What is the highest LTV an FHA loan allows?" asks for a program's limit, not the borrower's ratio.
    const asksLimit = /\b(?:highest|maximum|max|most|lowest|minimum|limit|cap)\b/.test(text);
    if (loanAmount === undefined || propertyValue === undefined) {
      if (!asksLimit) need('the loan amount (or the down payment) and the home’s value', 'the loan-to-value ratio');
    }
    else
      add('loan-to-value', 'Loan-to-value ratio', loanToValue({ loanAmount, propertyValue, otherLiens: numbers.secondLiens }), (inputs, result) => {
        const both = numbers.priceAndAppraisal;
        const value =
          both === undefined || both.price === both.appraised
            ? `a ${formatMoney(inputs.propertyValue)} home`
            : `a home valued at ${formatMoney(inputs.propertyValue)} (lenders use the lower of the ${formatMoney(both.price)} price and the ${formatMoney(both.appraised)} appraisal)`;
        const ltv = `A ${formatMoney(inputs.loanAmount)} loan on ${value} is an LTV of ${formatPercent(result.ltvPercent)}.`;
        return result.cltvPercent === undefined ? ltv : `${ltv} With ${formatMoney((inputs.otherLiens ?? []).reduce((sum, lien) => sum + lien, 0))} in other liens, the combined LTV (CLTV) is ${formatPercent(result.cltvPercent)}.`;
      });
  }
  // A payment the borrower states ("the house payment would be $1,800") is an input, not a question.
  const statesPayment = housingPayment !== undefined && loanAmount === undefined;
  const interestOnly = /interest[- ]only/.test(text);
  // "How much of my very first payment goes to interest?": the first month's interest and principal.
  const asksSplit =
    !interestOnly &&
    /\b(?:goes?|go|going|applied|put) to(?:wards?)? (?:the )?(?:interest|principal)\b|\b(?:interest|principal) (?:portion|part|share)\b|\bhow much (?:of (?:it|my|the|each|that|this) )?(?:\w+ ){0,3}(?:is|are) (?:interest|principal)\b/.test(text);
  if (asksSplit) {
    if (loanAmount === undefined || rates.length === 0 || termYears === undefined) need('the loan amount, the interest rate and the term', 'how the first payment divides');
    else
      add('first-payment-split', 'First payment: interest and principal', firstPaymentSplit({ principal: loanAmount, annualRatePercent: rates[0]!, termYears }), (inputs, result) =>
        `Of the first ${formatMoney(result.payment)} payment on a ${formatMoney(inputs.principal)} loan at ${formatPercent(inputs.annualRatePercent)} over ${inputs.termYears} years, ${formatMoney(result.interest)} is interest (${formatMoney(inputs.principal)} × ${formatPercent(inputs.annualRatePercent)} ÷ 12) and ${formatMoney(result.principal)} goes to principal; the interest share shrinks with every payment.`,
      );
  } else if (interestOnly && /\bpayments?\b|\bjumps?\b|\bcosts?\b|\bhow much\b|\bafford\b/.test(text) && !statesPayment) {
    workOutInterestOnly(text, numbers, read.figures, add, need);
  } else if (/monthly payment|payment (?:be|would be|will be)|pay (?:each|every|per|a) month|\bp&i\b|principal and interest/.test(text) && !wantsBreakEven && !statesPayment) {
    if (loanAmount === undefined || rates.length === 0 || termYears === undefined) {
      // "What monthly payment would a lender count for my deferred student loans?" is not an amortization (worked out below).
      if (!asksStudentLoanPaymentCounted(text) && !NOT_AN_AMORTIZATION.test(rewriteEverydayPhrases(text))) need('the loan amount, the interest rate and the term', 'the monthly payment');
    } else
      // Two terms or two rates ("a 15-year at 6% compared with a 30-year at 6.5%"): each pair in the order written.
      paymentScenarios(rates, numbers.terms ?? [termYears]).forEach(([rate, years], i) =>
        add(i === 0 ? 'monthly-payment' : `monthly-payment-${i + 1}`, 'Monthly payment', monthlyPayment({ principal: loanAmount, annualRatePercent: rate, termYears: years }), (inputs, result) =>
          `A ${formatMoney(inputs.principal)} loan at ${formatPercent(inputs.annualRatePercent)} over ${inputs.termYears} years costs ${formatMoney(result.payment)} a month in principal and interest (${formatMoney(result.totalInterest)} of interest over the term).`,
        ),
      );
  }
  if (numbers.extraPayment !== undefined) {
    if (loanAmount === undefined || rates.length === 0 || termYears === undefined) need('the loan amount, the interest rate and the term', 'what the extra payments save');
    else
      add('extra-payments', 'Extra payments', extraPayments({ principal: loanAmount, annualRatePercent: rates[0]!, termYears, extraMonthly: numbers.extraPayment }), (inputs, result) =>
        `Paying ${formatMoney(inputs.extraMonthly)} more each month on a ${formatMoney(inputs.principal)} loan at ${formatPercent(inputs.annualRatePercent)} over ${inputs.termYears} years clears it after ${result.months} payments (about ${Math.round(result.months / 12)} years) instead of ${result.scheduledMonths}, saving ${formatMoney(result.interestSaved)} of interest.`,
      );
  }
  if (wantsPoints && numbers.points !== undefined) {
    if (loanAmount === undefined) need('the loan amount', 'the cost of the points');
    else
      add('discount-points', 'Discount points', discountPoints({ loanAmount, points: numbers.points, monthlySavings: numbers.monthlySavings }), (inputs, result) => {
        const cost = `${inputs.points} ${inputs.points === 1 ? 'point' : 'points'} on a ${formatMoney(inputs.loanAmount)} loan cost ${formatMoney(result.cost)} (1% of the loan each).`;
        return result.breakEven === undefined ? cost : `${cost} Saving ${formatMoney(inputs.monthlySavings!)} a month, they pay for themselves after ${months(result.breakEven.months)}.`;
      });
  } else if (wantsBreakEven) {
    workOutBreakEven(numbers, add, need);
  }
  const pmi = /\bpmi\b|private mortgage insurance|(?:drop|cancel|remove|get rid of) (?:the |my )?(?:pmi|mortgage insurance)/.test(text) && !wantsFha;
  // "How much will PMI cost on a $300,000 loan?" asks its price, not when it ends.
  const pmiCost = pmi && /\bcosts?\b|how much|\bprice\b|\bexpensive\b|a month|per month|monthly|a year|per year/.test(text) && !/cancel|drop|remove|get rid|\bend\b|\bstop|when|\b(?:80|78)\s*%/.test(text);
  if (pmiCost) {
    if (loanAmount === undefined) need('the loan amount', 'what PMI costs');
    else
      add('pmi-cost', 'PMI cost', pmiCostRange({ loanAmount }), (inputs, result) =>
        `At the typical 0.3% to 1.5% of the loan a year, PMI on a ${formatMoney(inputs.loanAmount)} loan costs about ${formatMoney(result.yearlyLow)} to ${formatMoney(result.yearlyHigh)} a year (${formatMoney(result.monthlyLow)} to ${formatMoney(result.monthlyHigh)} a month), depending mainly on credit score, LTV and DTI.`,
      );
  } else if (pmi) {
    if (propertyValue === undefined) need('the home’s original value (the lower of the price and the appraisal at closing)', 'when PMI can be cancelled');
    else if (loanAmount === undefined || rates.length === 0 || termYears === undefined) workOutPmiBalances(numbers, add);
    else
      add('pmi-cancellation', 'PMI cancellation', pmiCancellation({ principal: loanAmount, annualRatePercent: rates[0]!, termYears, originalValue: propertyValue }), (inputs, result) =>
        `On a ${formatMoney(inputs.principal)} loan at ${formatPercent(inputs.annualRatePercent)} over ${inputs.termYears} years on a home originally worth ${formatMoney(inputs.originalValue)}, you can ask to cancel PMI when the balance reaches ${formatMoney(result.requestBalance)} (80%)${result.requestMonth === 0 ? ', which it already is' : `, scheduled after payment ${result.requestMonth}`}, and it ends automatically ${result.endsAtMidpoint ? `at the term’s midpoint, after payment ${result.automaticMonth}` : `at ${formatMoney(result.automaticBalance)} (78%), after payment ${result.automaticMonth}`}.`,
      );
  }
  const caps = ARM_CAPS.exec(text);
  if (caps && (/\barms?\b|adjustable|\bcaps?\b/.test(text))) {
    const [first, periodic, lifetime] = (caps.slice(1, 4).some((value) => value !== undefined) ? caps.slice(1, 4) : caps.slice(4, 7)).map(Number) as [number, number, number];
    if (rates.length === 0) need('the starting interest rate', 'the highest rate the caps allow');
    else
      add('arm-rate-caps', 'ARM rate caps', armRateCeilings({ startRatePercent: rates[0]!, firstCap: first, periodicCap: periodic, lifetimeCap: lifetime }), (inputs, result) =>
        `Starting at ${formatPercent(inputs.startRatePercent)} with ${inputs.firstCap}/${inputs.periodicCap}/${inputs.lifetimeCap} caps, the rate can be at most ${formatPercent(result.firstAdjustmentMaxPercent)} after the first adjustment, rise at most ${inputs.periodicCap} ${inputs.periodicCap === 1 ? 'point' : 'points'} at each later one, and never exceed ${formatPercent(result.lifetimeMaxPercent)}.`,
      );
  }
  const index = ARM_INDEX.exec(text);
  const margin = ARM_MARGIN.exec(text);
  if (index && margin) {
    const stated = ARM_START.exec(text)?.[1];
    // The start rate: as stated, else the first rate that is neither the index nor the margin.
    const startRatePercent = stated !== undefined ? Number(stated) : rates.find((rate) => rate !== Number(index[1]) && rate !== Number(margin[1] ?? margin[2]));
    const firstCap = caps && startRatePercent !== undefined ? Number(caps[1] ?? caps[4]) : undefined;
    add('arm-adjusted-rate', 'ARM adjustment', armAdjustedRate({ startRatePercent, indexPercent: Number(index[1]), marginPercent: Number(margin[1] ?? margin[2]), firstCap }), (inputs, result) => {
      const indexed = `The index (${formatPercent(inputs.indexPercent)}) plus the margin (${formatPercent(inputs.marginPercent)}) is a fully indexed rate of ${formatPercent(result.fullyIndexedPercent)}`;
      if (inputs.firstCap === undefined) return `${indexed}, subject to the loan's caps.`;
      return result.capped
        ? `${indexed}, but the ${inputs.firstCap}-point first-adjustment cap holds the new rate to ${formatPercent(result.newRatePercent)} (from ${formatPercent(inputs.startRatePercent!)}).`
        : `${indexed}: within the ${inputs.firstCap}-point first-adjustment cap (at most ${formatPercent(inputs.startRatePercent! + inputs.firstCap)} from ${formatPercent(inputs.startRatePercent!)}), so the new rate is ${formatPercent(result.newRatePercent)}.`;
    });
  }
  if (wantsFhaInsurance) workOutFhaInsurance(numbers, add, need);
  else if ((wantsFha || /\boptions\b/.test(text)) && propertyValue !== undefined && numbers.creditScore !== undefined && loanAmount === undefined) workOutOptions(numbers, add);
  if (/funding fee/.test(text) || (/\bva\b/.test(text) && /\bfee\b/.test(text))) workOutVaFee(text, numbers, add, need);
  if (/\busda\b/.test(text) && /\bfees?\b|guarantee/.test(text)) {
    const financesFee = /\b(?:roll|rolls|rolled|rolling|financ\w*|add\w*|fold\w*|wrap\w*|put\w*)\b[^.?!]*\binto (?:the|my|our) (?:loan|mortgage)\b|\bfinanc\w* (?:the |that |this )?(?:upfront )?(?:guarantee )?fee\b|\btotal loan\b/.test(text);
    if (loanAmount === undefined) need('the loan amount', 'the USDA guarantee fees');
    else
      add('usda-guarantee-fee', 'USDA guarantee fees', usdaGuaranteeFee({ loanAmount, financeUpfront: financesFee }), (inputs, result) =>
        `On a ${formatMoney(inputs.loanAmount)} USDA loan, the upfront guarantee fee (1%) is ${formatMoney(result.upfrontFee)}${inputs.financeUpfront ? ` (financed, a total loan of ${formatMoney(result.totalLoan)})` : ''}, and the annual fee (0.35% of the balance) starts at about ${formatMoney(result.firstYearAnnualFee)} a year (${formatMoney(result.monthlyFee)} a month), falling as the balance is paid down.`,
      );
  }
  workOutEverydayNumbers(text, read.figures, numbers, add, need);
  // A percentage down on a price: the cash it takes, when nothing else was worked out or the borrower asks for the amount
  // ("How much cash is that?"), unless the answer already has it (the FHA/conventional options) or the amount was given.
  const downStated = read.merged.downPayment !== undefined || figures.some((figure) => figure.id.endsWith('down-payment'));
  const asksCash = figures.length === 0 || /\bhow much (?:cash|money|is that|would that be|do (?:i|we) (?:need|bring))\b|\bdown payment (?:be|would be|will be)\b/.test(text);
  if (!downStated && asksCash && numbers.downPaymentPercent !== undefined && numbers.downPaymentPercent > 0 && propertyValue !== undefined && /\bdown\b/.test(text)) {
    add('down-payment', 'Down payment', downPayment({ price: propertyValue, percent: numbers.downPaymentPercent }), (inputs, result) =>
      `${formatPercent(inputs.percent)} down on a ${formatMoney(inputs.price)} home is ${formatMoney(result.amount)}, leaving a ${formatMoney(result.loanAmount)} loan.`,
    );
  }
  return { figures, problems };
}

/** A rate moving by percentage points, not discount points. */
const RATE_POINTS = /\b(?:percentage|basis) points?\b|\b(?:go(?:es)? up|go(?:es)? down|rise|rises|raise|increase|jump|move|drop|fall)\w* (?:by )?(?:more than |up to |at most |over )?(?:\d+(?:\.\d+)?|one|two|three|four|five|six) points?\b/;

/**
 * A monthly-payment question that is no amortization: an income-driven plan's payment ("how do they
 * figure the payment on income-based plans"), or whether a lump sum lowers it (a recast).
 */
const NOT_AN_AMORTIZATION = /\bincome[- ](?:based|driven)\b|\bidr\b|\bpaye\b|\brepaye\b|lump[- ]sum|\bextra payments?\b|\bpay (?:extra|more)\b|\bprepay|\brecast/;

/** An ARM's index at adjustment ("SOFR is at 3.9%"), its margin ("my margin is 2.5%", "a 2.75% margin"), and its start rate ("started at 5.5%"). */
const ARM_INDEX = /\b(?:index|sofr|treasury|libor)\b[^.?!\d%]{0,24}?(\d{1,2}(?:\.\d+)?)\s*%/;
const ARM_MARGIN = /\bmargin\b[^.?!\d%]{0,16}?(\d{1,2}(?:\.\d+)?)\s*%|(\d{1,2}(?:\.\d+)?)\s*%\s*margin\b/;
const ARM_START = /\b(?:start(?:ed|s|ing)?|initial|intro(?:ductory)?|teaser)\b[^.?!\d%]{0,16}?(\d{1,2}(?:\.\d+)?)\s*%/;

/** "2/1/5 caps", "caps of 5/2/5", "a 2/2/5 cap structure": first, periodic and lifetime caps in percentage points. */
const ARM_CAPS = /(?<![\d.\/])(\d{1,2}(?:\.\d+)?)\s*\/\s*(\d{1,2}(?:\.\d+)?)\s*\/\s*(\d{1,2}(?:\.\d+)?)(?!\d|\.\d|\/)\s*(?:rate\s+)?caps?\b|\bcaps?\b[^.?!\d]{0,24}(?<![\d.\/])(\d{1,2}(?:\.\d+)?)\s*\/\s*(\d{1,2}(?:\.\d+)?)\s*\/\s*(\d{1,2}(?:\.\d+)?)(?!\d|\.\d|\/)/;

/**
 * An interest-only loan: the payment while interest-only and the payment once the full balance is
 * repaid over the rest of the term. The interest-only period is the number of years the question
 * ties to "interest-only"; the term is the other, longer one; the loan is the stated loan amount or
 * the question's only dollar amount.
 */
function workOutInterestOnly(text: string, numbers: BorrowerFigures, figures: readonly { role: string; value: number }[], add: Add, need: Need): void {
  const period = /(\d{1,2})[- ]years?[- ]interest[- ]only|interest[- ]only (?:period |phase )?(?:of|for) (\d{1,2}) years?/.exec(text);
  const interestOnlyYears = period ? Number(period[1] ?? period[2]) : undefined;
  const amounts = figures.filter((figure) => figure.role === 'amount');
  const principal = numbers.loanAmount ?? (amounts.length === 1 ? amounts[0]!.value : undefined);
  const termYears = [...(numbers.terms ?? []), ...(numbers.termYears === undefined ? [] : [numbers.termYears])].filter((years) => years !== interestOnlyYears).reduce<number | undefined>((longest, years) => Math.max(longest ?? 0, years), undefined);
  const rate = numbers.rates?.[0];
  if (principal === undefined || rate === undefined || interestOnlyYears === undefined || termYears === undefined) {
    need('the loan amount, the interest rate, the interest-only period and the full term', 'the interest-only payment and the payment after it');
    return;
  }
  add('interest-only-payment', 'Interest-only payment', interestOnlyPayment({ principal, annualRatePercent: rate, termYears, interestOnlyYears }), (inputs, result) =>
    `A ${formatMoney(inputs.principal)} interest-only loan at ${formatPercent(inputs.annualRatePercent)} costs ${formatMoney(result.interestOnlyPayment)} a month while interest-only; after the ${inputs.interestOnlyYears}-year interest-only period, repaying the full balance over the remaining ${result.remainingYears} years takes ${formatMoney(result.paymentAfter)} a month (a standard ${inputs.termYears}-year loan from day one: ${formatMoney(result.fullyAmortizingPayment)}).`,
  );
}

/** The loan from value and down payment, the down payment percent, and the price a stated down payment is a share of, when only the others are given. */
function withDerived(figures: BorrowerFigures): BorrowerFigures {
  const derived = { ...figures };
  // "20% down … that's $70k": the price is what 20% of is $70,000.
  if (derived.propertyValue === undefined && derived.loanAmount === undefined && derived.downPayment !== undefined && derived.downPaymentPercent !== undefined && derived.downPaymentPercent > 0) {
    derived.propertyValue = (derived.downPayment * 100) / derived.downPaymentPercent;
  }
  // The down payment is a share of the price, and the loan is the price less it, even when a lower
  // appraisal sets the value the LTV is measured against ("$250k, $25k down, appraised at $240k":
  // a $225,000 loan, an LTV of 93.75%).
  const price = derived.priceAndAppraisal?.price ?? derived.propertyValue;
  if (derived.downPayment === undefined && derived.downPaymentPercent !== undefined && price !== undefined && derived.loanAmount === undefined) {
    derived.downPayment = (price * derived.downPaymentPercent) / 100;
  }
  if (derived.loanAmount === undefined && price !== undefined && derived.downPayment !== undefined && derived.downPayment < price) {
    derived.loanAmount = price - derived.downPayment;
  }
  if (derived.downPaymentPercent === undefined && derived.downPayment !== undefined && price !== undefined && price > 0) {
    derived.downPaymentPercent = (derived.downPayment / price) * 100;
  }
  return derived;
}

function workOutBreakEven(numbers: BorrowerFigures, add: Add, need: Need): void {
  const { closingCosts, monthlySavings, loanAmount, rates = [], termYears } = numbers;
  if (closingCosts !== undefined && monthlySavings !== undefined) {
    add('refinance-break-even', 'Break-even', refinanceBreakEven({ closingCosts, monthlySavings }), (inputs, result) =>
      `Costs of ${formatMoney(inputs.closingCosts)} recovered at ${formatMoney(inputs.monthlySavings)} a month break even after ${months(result.months)} (${result.years} years).`,
    );
    return;
  }
  if (closingCosts !== undefined && loanAmount !== undefined && rates.length >= 2 && termYears !== undefined) {
    const current = monthlyPayment({ principal: loanAmount, annualRatePercent: rates[0]!, termYears });
    const next = monthlyPayment({ principal: loanAmount, annualRatePercent: rates[1]!, termYears });
    if (!current.ok) return add('refinance-break-even', 'Break-even', current, () => '');
    if (!next.ok) return add('refinance-break-even', 'Break-even', next, () => '');
    const saving = Math.round((current.result.payment - next.result.payment) * 100) / 100;
    add('refinance-break-even', 'Break-even', refinanceBreakEven({ closingCosts, monthlySavings: Math.max(0, saving) }), (inputs, result) =>
      `At ${formatPercent(rates[0]!)} over ${termYears} years, ${formatMoney(loanAmount)} costs ${formatMoney(current.result.payment)} a month; at ${formatPercent(rates[1]!)} it costs ${formatMoney(next.result.payment)}, saving ${formatMoney(inputs.monthlySavings)} a month, so ${formatMoney(inputs.closingCosts)} of closing costs break even after ${months(result.months)}.`,
    );
    return;
  }
  need('the closing costs and the monthly saving (or the balance, both rates and the term)', 'the break-even point');
}

function workOutFhaInsurance(numbers: BorrowerFigures, add: Add, need: Need): void {
  const { loanAmount, downPaymentPercent, termYears } = numbers;
  if (loanAmount === undefined) return need('the loan amount', 'FHA mortgage insurance');
  if (downPaymentPercent === undefined) {
    // The upfront premium needs only the loan; the annual rate depends on the down payment, which is not guessed.
    const upfront = Math.round(loanAmount * FHA_UPFRONT_PERCENT) / 100;
    add('fha-mortgage-insurance', 'FHA mortgage insurance', { ok: true, inputs: { baseLoanAmount: loanAmount }, result: { upfrontPremium: upfront }, rule: FHA_RULE }, (inputs, result) =>
      `On a ${formatMoney(inputs.baseLoanAmount)} FHA base loan, the upfront mortgage insurance premium (1.75%) is ${formatMoney(result.upfrontPremium)}; the annual premium depends on your down payment.`,
    );
    return;
  }
  add('fha-mortgage-insurance', 'FHA mortgage insurance', fhaMortgageInsurance({ baseLoanAmount: loanAmount, downPaymentPercent, termYears }), (inputs, result) =>
    `On a ${formatMoney(inputs.baseLoanAmount)} FHA base loan with ${formatPercent(inputs.downPaymentPercent)} down, the upfront premium (1.75%) is ${formatMoney(result.upfrontPremium)} (financed, a total loan of ${formatMoney(inputs.baseLoanAmount + result.upfrontPremium)}) and the annual premium (${formatPercent(result.annualRatePercent)}) is about ${formatMoney(result.annualPremium)} in the first year (${formatMoney(result.monthlyPremium)} a month), for ${result.duration === 'life of loan' ? 'the life of the loan' : '11 years'}.`,
  );
}

/** A price and a score: FHA's minimum down payment and premiums for them, and the conventional minimum. */
function workOutOptions(numbers: BorrowerFigures, add: Add): void {
  const price = numbers.propertyValue!;
  const score = numbers.creditScore!;
  const fha = fhaMinimumDownPayment({ price, creditScore: score });
  add('fha-down-payment', 'FHA down payment', fha, (inputs, result) =>
    result.eligible
      ? `FHA: with a ${inputs.creditScore} score the minimum down payment is ${formatPercent(result.minimumPercent!)}, ${formatMoney(result.minimumAmount!)} on ${formatMoney(inputs.price)}, leaving a ${formatMoney(result.baseLoanAmount!)} base loan.`
      : `FHA: a ${inputs.creditScore} score is below FHA's 500 minimum.`,
  );
  if (fha.ok && fha.result.eligible) {
    workOutFhaInsurance({ loanAmount: fha.result.baseLoanAmount!, downPaymentPercent: fha.result.minimumPercent!, termYears: numbers.termYears }, add, () => {});
  }
  if (score >= 620) {
    const conventional = downPayment({ price, percent: 3 });
    add('conventional-down-payment', 'Conventional down payment', conventional.ok ? { ...conventional, rule: CONVENTIONAL_RULE } : conventional, (inputs, result) =>
      `Conventional: a ${score} score meets the usual 620 minimum; the lowest down payment, 3%, is ${formatMoney(result.amount)} on ${formatMoney(inputs.price)} (a ${formatMoney(result.loanAmount)} loan), and with less than 20% down you pay private mortgage insurance.`,
    );
  }
}

function workOutVaFee(text: string, numbers: BorrowerFigures, add: Add, need: Need): void {
  const { loanAmount } = numbers;
  if (loanAmount === undefined) return need('the loan amount', 'the VA funding fee');
  // A streamline refinance (IRRRL) has one rate, with no down payment to ask for.
  if (/\birrrl\b|\bstreamline\b|interest rate reduction/.test(text)) {
    add('va-funding-fee', 'VA funding fee', vaFundingFee({ loanAmount, downPaymentPercent: 0, use: 'irrrl' }), (inputs, result) =>
      `For a VA Interest Rate Reduction Refinance Loan (IRRRL) the funding fee is ${formatPercent(result.ratePercent)} of the ${formatMoney(inputs.loanAmount)} loan: ${formatMoney(result.fee)}.`,
    );
    return;
  }
  const { downPaymentPercent } = numbers;
  if (downPaymentPercent === undefined) return need('your down payment', 'the VA funding fee');
  const subsequent = /\bsecond\b|\bsubsequent\b|\bagain\b|\banother va\b|used (?:my|the) (?:va )?(?:benefit|entitlement|loan)/.test(text);
  const stated = subsequent || /\bfirst\b/.test(text);
  add('va-funding-fee', 'VA funding fee', vaFundingFee({ loanAmount, downPaymentPercent, use: subsequent ? 'subsequent' : 'first' }), (inputs, result) =>
    `For a ${inputs.use === 'first' ? 'first' : 'later'} use with ${formatPercent(inputs.downPaymentPercent)} down, the VA funding fee is ${formatPercent(result.ratePercent)} of the ${formatMoney(inputs.loanAmount)} loan: ${formatMoney(result.fee)}${stated ? '' : ' (a later use with less than 5% down costs 3.3%)'}.`,
  );
}

/** Rate-and-term pairs in the order written; a single rate or term applies to each of the others. */
function paymentScenarios(rates: readonly number[], terms: readonly number[]): [number, number][] {
  const count = Math.min(Math.max(rates.length, terms.length), 3);
  return Array.from({ length: count }, (_, i) => [rates[Math.min(i, rates.length - 1)]!, terms[Math.min(i, terms.length - 1)]!] as [number, number]);
}

/** A HELOC, home equity loan or cash-out refinance: what the lender's combined loan-to-value cap leaves to borrow. */
function workOutEquity(numbers: BorrowerFigures, cashOut: boolean, add: Add, need: Need): void {
  const cap = numbers.ltvCapPercent ?? (cashOut ? CASH_OUT_TYPICAL_CAP_PERCENT : undefined);
  if (cap === undefined) return need('the lender’s combined loan-to-value cap (often 80% to 90%)', 'how much equity you can borrow');
  const stated = numbers.ltvCapPercent !== undefined;
  const costs = numbers.closingCosts;
  add('equity-borrowing-limit', 'Equity you can borrow', equityBorrowingLimit({ propertyValue: numbers.propertyValue!, owed: numbers.loanAmount!, capPercent: cap, kind: cashOut ? 'cash-out' : 'second-lien' }), (inputs, result) =>
    inputs.kind === 'cash-out'
      ? `At ${stated ? article(inputs.capPercent) : 'the typical'} ${formatPercent(inputs.capPercent)} cap on a ${formatMoney(inputs.propertyValue)} home, the new loan can be up to ${formatMoney(result.maxTotalLiens)}; after paying off the ${formatMoney(inputs.owed)} you owe, that is about ${formatMoney(result.available)} in cash${
          costs === undefined ? ' before closing costs' : `, or ${formatMoney(Math.max(0, result.available - costs))} after ${formatMoney(costs)} of closing costs`
        }.`
      : `With ${article(inputs.capPercent)} ${formatPercent(inputs.capPercent)} combined loan-to-value cap on a ${formatMoney(inputs.propertyValue)} home, all loans together can reach ${formatMoney(result.maxTotalLiens)}; owing ${formatMoney(inputs.owed)}, the most you could borrow against equity is ${formatMoney(result.available)}.`,
  );
}

/** PMI's 80% and 78% balances need only the original value; the months they are reached need the rate and term too. */
function workOutPmiBalances(numbers: BorrowerFigures, add: Add): void {
  const value = numbers.propertyValue!;
  const both = numbers.priceAndAppraisal;
  const original = `original value of ${formatMoney(value)}${both === undefined ? '' : ` (the lower of the ${formatMoney(both.price)} price and the ${formatMoney(both.appraised)} appraisal)`}`;
  add('pmi-cancellation', 'PMI cancellation', pmiBalances({ originalValue: value }), (_inputs, result) =>
    `On an ${original}, you can ask to cancel PMI once the balance reaches ${formatMoney(result.requestBalance)} (80%), and it ends automatically at ${formatMoney(result.automaticBalance)} (78%); with the loan amount, interest rate and term I could say after which payment.`,
  );
}

/** "an 80%", "an 11%", "an 18%", "a 90%": the article as the number is read aloud. */
function article(percent: number): string {
  return /^(?:8|11(?!\d)|18(?!\d)|11\.|18\.)/.test(String(percent)) ? 'an' : 'a';
}

function months(value: number): string {
  return Number.isInteger(value) ? `${value} months` : `about ${value} months`;
}
