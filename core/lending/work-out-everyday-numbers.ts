import type { BorrowerFigures, Figure } from './read-figures.ts';
import { formatMoney, formatPercent } from './calculation.ts';
import { consolidationRate, type LoanBalance } from './consolidation-rate.ts';
import { maintenanceBudget, selfEmployedIncome } from './homeowner-budget.ts';
import { balanceTransferCost, paydayLoanCost } from './short-term-credit-costs.ts';
import { jumboReserves } from './cash-reserves.ts';
import { utilizationTargets } from './credit-utilization.ts';
import { escrowCushion } from './escrow-cushion.ts';
import { condoDelinquencyLimit } from './condo-approval.ts';
import { closingCostRange, originationFeeProceeds, qmPointsAndFeesCap, thirdPartyFeeTolerance } from './loan-fees.ts';
import { earnestMoney, giftTaxFiling } from './purchase-money.ts';
import { hecmHeirsPayoff, hecmUpfrontPremium } from './reverse-mortgage-costs.ts';
import { scraInterestCap } from './service-member-rates.ts';
import { waitingPeriods, type CreditEvent, type WaitingProgram } from './waiting-periods.ts';
import { NO_STUDENT_LOAN_PAYMENT, STUDENT_LOANS, studentLoanQualifyingPayment, vaStudentLoanPayment } from './student-loan-payment.ts';
import type { Add, Need } from './figure-collector.ts';

/** Money the question names (any role but a rate, percentage or score), in the order written. */
const MONEY_ROLES = new Set<Figure['role']>(['monthlyIncome', 'annualIncome', 'monthlyDebt', 'housingPayment', 'loanAmount', 'propertyValue', 'appraisedValue', 'downPayment', 'secondLien', 'closingCosts', 'monthlySavings', 'extraPayment', 'newPayment', 'amount']);

/**
 * The everyday numbers beside the mortgage ones, each from a rule the guide states: the payment a
 * lender counts for student loans with none reported, a Direct Consolidation Loan's rate, a payday
 * loan's fee and APR, a balance transfer's fee and what clears it in the promotion, a maintenance
 * budget, and a self-employed borrower's two-year average. Each is read only from a question that
 * names its subject and gives its figures; nothing is assumed.
 */
export function workOutEverydayNumbers(text: string, figures: readonly Figure[], numbers: BorrowerFigures, add: Add, need: Need): void {
  const money = figures.filter((figure) => figure.source === 'question' && MONEY_ROLES.has(figure.role)).map((figure) => figure.value);
  const largest = money.length === 0 ? undefined : Math.max(...money);

  const studentLoans = STUDENT_LOANS.test(text);
  if (studentLoans && /consolidat/.test(text)) {
    const loans = balancesWithRates(figures);
    if (loans.length >= 2)
      add('consolidation-rate', 'Direct Consolidation rate', consolidationRate(loans), (inputs, result) =>
        `Consolidating ${inputs.loans.map((loan) => `${formatMoney(loan.balance)} at ${formatPercent(loan.ratePercent)}`).join(' and ')}: the weighted average is ${formatPercent(result.weightedAveragePercent)}, so the Direct Consolidation Loan's fixed rate is ${formatPercent(result.ratePercent)} (rounded up to the next eighth of a point).`,
      );
    else need('each loan’s balance and rate', 'the consolidated rate');
  } else if (studentLoans && /\bva\b/.test(text) && !NO_STUDENT_LOAN_PAYMENT.test(text) && largest !== undefined) {
    // VA: 5% of the balance over 12 against the reported payment, the higher counted.
    const reported = money.filter((value) => value < largest).at(-1);
    add('va-student-loan-payment', 'Student loan payment a VA lender counts', vaStudentLoanPayment({ balance: largest, reportedPayment: reported }), (inputs, result) => {
      const five = `5% of the ${formatMoney(inputs.balance)} balance divided by 12 (${formatMoney(result.fivePercentMonthly)} a month)`;
      return inputs.reportedPayment === undefined
        ? `For student loans not deferred at least 12 months past closing, a VA lender compares the reported payment with ${five} and counts the higher.`
        : `A VA lender compares your reported ${formatMoney(inputs.reportedPayment)} payment with ${five} and generally counts the higher, ${formatMoney(result.counted)} a month, unless documentation supports the lower one.`;
    });
  } else if (studentLoans && NO_STUDENT_LOAN_PAYMENT.test(text)) {
    // "deferred with a $0 payment": the $0 is the payment, not the balance.
    if (largest === undefined || largest === 0) need('the student loan balance', 'the payment a lender counts');
    else
      add('student-loan-payment', 'Student loan payment a lender counts', studentLoanQualifyingPayment({ balance: largest }), (inputs, result) =>
        `With no payment reported on ${formatMoney(inputs.balance)} of student loans, a Fannie Mae conventional lender may count 1% of the balance, ${formatMoney(result.fannieMae)} a month; Freddie Mac, FHA and USDA use 0.5%, ${formatMoney(result.halfPercent)}.`,
      );
  }

  const per100 = /\$\s?(\d+(?:\.\d+)?) (?:for|per) (?:every |each )?\$\s?100\b/.exec(text);
  if (/\bpayday\b/.test(text) && per100) {
    const feePer100 = Number(per100[1]);
    const borrowed = numbers.loanAmount ?? money.filter((value) => value !== 100 && value !== feePer100).reduce<number | undefined>((most, value) => Math.max(most ?? 0, value), undefined);
    const days = /\b(\d{1,3})[- ]days?\b/.exec(text)?.[1];
    if (borrowed === undefined) need('the amount borrowed', 'the payday loan’s cost');
    else
      add('payday-loan-cost', 'Payday loan cost', paydayLoanCost({ borrowed, feePer100, ...(days === undefined ? {} : { days: Number(days) }) }), (inputs, result) =>
        `Borrowing ${formatMoney(inputs.borrowed)} at ${formatMoney(inputs.feePer100)} per $100 costs a ${formatMoney(result.fee)} fee, so ${formatMoney(result.owed)} is due on payday; for ${inputs.days === 14 ? 'two weeks' : `${inputs.days} days`} that is an APR of about ${formatPercent(result.aprPercent)}.`,
      );
  }

  const transferFee = /(\d+(?:\.\d+)?)\s*%\s*(?:balance[- ]transfer |transfer )?fee|(?:transfer )?fee (?:of |is )?(\d+(?:\.\d+)?)\s*%/.exec(text);
  if (/balance[- ]transfer|transfer fee|0% (?:intro |introductory |promo )?(?:apr )?card/.test(text) && transferFee && largest !== undefined) {
    const months = /(\d{1,2})\s*months?\b/.exec(text)?.[1];
    add('balance-transfer', 'Balance transfer', balanceTransferCost({ balance: largest, feePercent: Number(transferFee[1] ?? transferFee[2]), promoMonths: months === undefined ? undefined : Number(months) }), (inputs, result) => {
      const fee = `Moving ${formatMoney(inputs.balance)} with a ${formatPercent(inputs.feePercent)} transfer fee costs ${formatMoney(result.fee)}, ${formatMoney(result.total)} in all`;
      return result.monthlyToClear === undefined ? `${fee}.` : `${fee}; clearing it within the ${inputs.promoMonths}-month promotion takes ${formatMoney(result.monthlyToClear)} a month.`;
    });
  }

  const feePercent = figures.find((figure) => figure.source === 'question' && figure.role === 'percent')?.value;
  if (/origination (?:fee|charge)/.test(text) && !/\bpoints?\b/.test(text) && feePercent !== undefined && largest !== undefined) {
    add('origination-fee', 'Origination fee', originationFeeProceeds({ loanAmount: numbers.loanAmount ?? largest, feePercent }), (inputs, result) =>
      `A ${formatPercent(inputs.feePercent)} origination fee on ${formatMoney(inputs.loanAmount)} is ${formatMoney(result.fee)}; taken from the proceeds, you receive ${formatMoney(result.received)} but repay the full ${formatMoney(result.repaid)} plus interest.`,
    );
  }

  if (/closing costs?/.test(text) && /\bloan\b|mortgage|borrow/.test(text) && /how much|roughly|estimate|expect|plan|budget|save|about|typical/.test(text) && !figures.some((figure) => figure.role === 'closingCosts' || figure.role === 'monthlySavings')) {
    const loanAmount = numbers.loanAmount ?? largest;
    if (loanAmount !== undefined)
      add('closing-cost-range', 'Closing costs', closingCostRange({ loanAmount }), (inputs, result) =>
        `At the typical 2% to 5% of the loan amount, closing costs on a ${formatMoney(inputs.loanAmount)} loan come to about ${formatMoney(result.low)} to ${formatMoney(result.high)}, not counting the down payment.`,
      );
  }

  if (/utili[sz]ation/.test(text) && /limits?\b/.test(text) && largest !== undefined) {
    const balances = money.length === 2 ? Math.min(...money) : undefined;
    add('utilization-targets', 'Credit utilization', utilizationTargets({ totalLimits: largest, balances }), (inputs, result) => {
      const targets = `With ${formatMoney(inputs.totalLimits)} in total limits, staying under the common 30% guideline means balances below ${formatMoney(result.guideline)}; people with top scores often use less than 10%, under ${formatMoney(result.topScores)}`;
      return result.currentPercent === undefined ? `${targets}.` : `${targets}. ${formatMoney(inputs.balances!)} is ${formatPercent(result.currentPercent)} of your limits.`;
    });
  }

  if (/\bescrow\b/.test(text) && /cushion/.test(text) && /a year|per year|yearly|annual|\/yr\b/.test(text) && money.length > 0) {
    add('escrow-cushion', 'Escrow cushion', escrowCushion({ yearlyBills: money }), (inputs, result) =>
      `${inputs.yearlyBills.length > 1 ? `${inputs.yearlyBills.map(formatMoney).join(' + ')} = ${formatMoney(result.yearlyDisbursements)}` : formatMoney(result.yearlyDisbursements)} a year paid from escrow (${formatMoney(result.monthlyDeposit)} a month); the servicer's cushion can be no more than one-sixth of that, ${formatMoney(result.maxCushion)}, about two months of deposits.`,
    );
  }

  if (/\bjumbo\b/.test(text) && /\breserves?\b/.test(text) && largest !== undefined) {
    add('jumbo-reserves', 'Jumbo cash reserves', jumboReserves({ monthlyPayment: numbers.housingPayment ?? largest }), (inputs, result) =>
      `Six to twelve months of a ${formatMoney(inputs.monthlyPayment)} monthly payment is ${formatMoney(result.low)} to ${formatMoney(result.high)} left in savings or retirement accounts after closing.`,
    );
  }

  workOutWaitingPeriod(text, need, add);

  const rate = figures.find((figure) => figure.source === 'question' && figure.role === 'rate')?.value;
  if (/\bscra\b|servicemembers civil relief|active[- ]duty|\bdeploy/.test(text) && rate !== undefined && rate > 6 && largest !== undefined) {
    add('scra-cap', 'SCRA interest cap', scraInterestCap({ balance: largest, ratePercent: rate }), (inputs, result) =>
      `On ${formatMoney(inputs.balance)} at ${formatPercent(inputs.ratePercent)} from before active duty, the SCRA's 6% cap cuts a year's interest from about ${formatMoney(result.yearlyInterestNow)} to ${formatMoney(result.yearlyInterestCapped)}: about ${formatMoney(result.yearlyForgiven)} a year forgiven, not deferred, with the payment lowered to match.`,
    );
  }

  const homeValue = numbers.propertyValue ?? largest;
  if (/reverse mortgage|\bhecm/.test(text) && /upfront|mortgage insurance|\bmip\b|premium/.test(text) && homeValue !== undefined) {
    add('hecm-upfront-premium', 'HECM upfront premium', hecmUpfrontPremium({ homeValue }), (inputs, result) =>
      `The upfront mortgage insurance premium is 2% of the maximum claim amount (the home's value, up to $1,209,750): ${result.maximumClaim < inputs.homeValue ? `${formatMoney(result.maximumClaim)} (the limit)` : formatMoney(result.maximumClaim)} gives ${formatMoney(result.upfrontPremium)}.`,
    );
  }

  workOutPurchaseRules(text, figures, numbers, largest, homeValue, add);

  if (/\bmaintenance\b|\brepairs\b|upkeep/.test(text) && /\bbudget|how much|set aside|\bsave\b|expect|plan for|\bcost\b/.test(text) && homeValue !== undefined) {
    add('maintenance-budget', 'Maintenance budget', maintenanceBudget({ homeValue }), (inputs, result) =>
      `At the usual 1% to 4% of the home's value a year, a ${formatMoney(inputs.homeValue)} home needs ${formatMoney(result.yearlyLow)} to ${formatMoney(result.yearlyHigh)} a year for maintenance and repairs, about ${formatMoney(result.monthlyLow)} to ${formatMoney(result.monthlyHigh)} a month (more for an older home).`,
    );
  }

  if (/self[- ]employ|schedule c|\b1099\b|own (?:a |my |our )?business|business income/.test(text) && money.length === 2 && /\byears?\b|\b(?:19|20)\d\d\b/.test(text)) {
    const [first, second] = money as [number, number];
    // "…$58,000 two years ago and $66,000 last year": in the order written unless the recent year comes first.
    const recentAt = text.search(/last year|this year|most recent|\bthe latest\b/);
    const earlierAt = text.search(/two years ago|year before|previous year|prior year/);
    const years = [...text.matchAll(/\b((?:19|20)\d\d)\b/g)].map((match) => Number(match[1]));
    const recentFirst = years.length === 2 ? years[0]! > years[1]! : recentAt !== -1 && earlierAt !== -1 && recentAt < earlierAt;
    add('self-employed-income', 'Self-employed income', selfEmployedIncome(recentFirst ? { earlierYear: second, recentYear: first } : { earlierYear: first, recentYear: second }), (inputs, result) => {
      const average = `Averaged over the two years, ${formatMoney(inputs.earlierYear)} and ${formatMoney(inputs.recentYear)} make ${formatMoney(result.yearlyAverage)} a year, ${formatMoney(result.monthlyAverage)} a month`;
      return result.falling ? `${average}; because income fell, a lender may use the lower recent year instead, ${formatMoney(result.recentMonthly)} a month.` : `${average}.`;
    });
  }
}

/** "$12,000 at 4.5% and $8,000 at 6.8%": each amount with the rate written after it. */
function balancesWithRates(figures: readonly Figure[]): LoanBalance[] {
  const loans: LoanBalance[] = [];
  let balance: number | undefined;
  for (const figure of figures) {
    if (figure.source !== 'question') continue;
    if (MONEY_ROLES.has(figure.role)) balance = figure.value;
    else if (figure.role === 'rate' && balance !== undefined) {
      loans.push({ balance, ratePercent: figure.value });
      balance = undefined;
    }
  }
  return loans;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** "March 2023", "june of 2022", "2021": an optional month before a year. */
const YEAR_WITH_MONTH = new RegExp(`\\b(?:(${MONTHS.join('|')})\\s+(?:of\\s+)?)?((?:19|20)\\d\\d)\\b`);
const PROGRAM_NAMES: Readonly<Record<WaitingProgram, string>> = { conventional: 'conventional', fha: 'FHA', va: 'VA', usda: 'USDA' };
const EVENT_NAMES: Readonly<Record<CreditEvent, string>> = { 'chapter-7': 'a Chapter 7 discharge', 'chapter-13': 'a Chapter 13 discharge', foreclosure: 'a foreclosure', 'short-sale': 'a short sale or deed-in-lieu' };

/** "My Chapter 7 was discharged in March 2023. When can I get an FHA loan?": the year each program's wait ends. */
function workOutWaitingPeriod(text: string, need: Need, add: Add): void {
  if (!/\bwhen\b|how long|\bwait|eligible|qualify|\bcan (?:i|we)\b|\bhow soon\b/.test(text)) return;
  const event: CreditEvent | 'bankruptcy' | undefined = /chapter\s*13|\bch\.?\s*13\b/.test(text)
    ? 'chapter-13'
    : /chapter\s*7|\bch\.?\s*7\b/.test(text)
      ? 'chapter-7'
      : /\bforeclos/.test(text)
        ? 'foreclosure'
        : /short sale|deed[- ]in[- ]lieu/.test(text)
          ? 'short-sale'
          : /\bbankrupt/.test(text)
            ? 'bankruptcy'
            : undefined;
  if (event === undefined) return;
  const when = YEAR_WITH_MONTH.exec(text);
  if (when === null) return;
  if (event === 'bankruptcy') {
    need('whether it was a Chapter 7 or a Chapter 13', 'your waiting period');
    return;
  }
  const month = when[1] === undefined ? undefined : MONTHS.indexOf(when[1]) + 1;
  const programs = (['conventional', 'fha', 'va', 'usda'] as const).filter((program) =>
    program === 'conventional' ? /\bconventional\b|\bnormal (?:loan|mortgage)\b|fannie|freddie/.test(text) : new RegExp(`\\b${program}\\b`).test(text),
  );
  add('waiting-period', 'Waiting period', waitingPeriods({ event, year: Number(when[2]), month, programs }), (inputs, result) => {
    const at = (year: number) => (inputs.month === undefined ? `${year}` : `${MONTHS[inputs.month - 1]!.replace(/^./, (letter) => letter.toUpperCase())} ${year}`);
    const parts = result.waits.map((wait) => {
      const base = `${PROGRAM_NAMES[wait.program]} from ${at(wait.eligibleYear)} (${wait.years} years)`;
      return wait.extenuatingYear === undefined ? base : `${base}, or ${at(wait.extenuatingYear)} (${wait.extenuatingYears} years) with documented extenuating circumstances`;
    });
    return `After ${EVENT_NAMES[inputs.event]} in ${at(inputs.year)}, the usual waits end: ${parts.join('; ')}.`;
  });
}

/** Rules around a purchase and its loan: earnest money, a gift's tax filing, the fee tolerance, the QM fee cap, a condo's delinquency limit, a HECM's payoff for heirs. */
function workOutPurchaseRules(text: string, figures: readonly Figure[], numbers: BorrowerFigures, largest: number | undefined, price: number | undefined, add: Add): void {
  if (/earnest money|good[- ]faith deposit/.test(text) && price !== undefined) {
    add('earnest-money', 'Earnest money', earnestMoney({ price }), (inputs, result) =>
      `Earnest money is often 1% to 3% of the price: ${formatMoney(result.low)} to ${formatMoney(result.high)} on a ${formatMoney(inputs.price)} offer.`,
    );
  }
  if (/\bgift/.test(text) && /\btax|exclusion|\b709\b|\bfile\b|\birs\b|report/.test(text) && largest !== undefined) {
    add('gift-tax-filing', 'Gift tax filing', giftTaxFiling({ gift: largest }), (inputs, result) =>
      result.form709
        ? `A ${formatMoney(inputs.gift)} gift is ${formatMoney(result.overExclusion)} over the $19,000 annual exclusion (2025), so the giver files IRS Form 709; tax is rarely owed, because it counts against a large lifetime exemption.`
        : `A ${formatMoney(inputs.gift)} gift is within the $19,000 annual exclusion (2025): no gift tax return is needed.`,
    );
  }
  if (/third[- ]party|lender (?:chose|chosen|selected|picked)|lender-selected/.test(text) && /\bfees?\b/.test(text) && /\bmost\b|increase|go up|rise|add up|tolerance|\blimit/.test(text) && largest !== undefined) {
    add('fee-tolerance', 'Third-party fee tolerance', thirdPartyFeeTolerance({ estimated: largest }), (inputs, result) =>
      `Third-party fees from providers the lender selected can rise no more than 10% in total: ${formatMoney(inputs.estimated)} on the Loan Estimate can reach at most ${formatMoney(result.maxAtClosing)} at closing (${formatMoney(result.increase)} more).`,
    );
  }
  if (/qualified mortgage|\bqm\b/.test(text) && /points and fees|points & fees|\bfees\b/.test(text) && (numbers.loanAmount ?? largest) !== undefined) {
    add('qm-points-fees', 'QM points and fees cap', qmPointsAndFeesCap({ loanAmount: (numbers.loanAmount ?? largest)! }), (inputs, result) =>
      `On a ${formatMoney(inputs.loanAmount)} qualified mortgage, points and fees are generally capped at 3% of the loan, ${formatMoney(result.cap)} (smaller loans have higher percentage limits).`,
    );
  }
  const units = /\b(\d{1,5})[- ]units?\b/.exec(text)?.[1];
  if (/\bcondo/.test(text) && /behind|delinquent|\blate\b/.test(text) && units !== undefined) {
    add('condo-delinquency', 'Condo delinquency limit', condoDelinquencyLimit({ units: Number(units) }), (inputs, result) =>
      `At the usual limit of 15% of units 60 or more days behind on HOA dues, a ${inputs.units}-unit building can have at most ${result.maxDelinquentUnits} such units.`,
    );
  }
  const appraised = numbers.priceAndAppraisal?.appraised ?? figures.find((figure) => figure.role === 'appraisedValue')?.value ?? numbers.propertyValue;
  if (/reverse mortgage|\bhecm/.test(text) && /\bkeep\b|\bheirs?\b|inherit|\blate (?:father|mother|dad|mom|parent|husband|wife)|\bestate\b/.test(text) && numbers.loanAmount !== undefined && appraised !== undefined) {
    add('hecm-heirs-payoff', 'HECM payoff for heirs', hecmHeirsPayoff({ balance: numbers.loanAmount, appraisedValue: appraised }), (inputs, result) =>
      `Heirs keep the home by paying the lesser of the ${formatMoney(inputs.balance)} balance and 95% of the ${formatMoney(inputs.appraisedValue)} appraised value (${formatMoney(result.ninetyFivePercent)}): ${formatMoney(result.payoff)}.`,
    );
  }
}
