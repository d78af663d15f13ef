import type { BorrowerProfile } from '../../shared/contracts/advice.ts';

/**
 * Extra terms suggested by the borrower profile, used only to rank sentences (never shown): a
 * 620 score makes sentences about 620, nearby score cut-offs, FHA, conventional loans and credit
 * scores rank higher. The answer does not echo the profile: worked figures show the borrower's
 * numbers with what was computed from them.
 */
export function profileTerms(profile: BorrowerProfile | undefined): string {
  if (!profile) return '';
  const words: string[] = [];
  if (profile.creditScore !== undefined) {
    const score = profile.creditScore;
    words.push(String(score), 'credit score');
    for (const cutoff of [500, 580, 620, 640, 660, 680, 700, 720, 740, 760, 780]) {
      if (Math.abs(cutoff - score) <= 40) words.push(String(cutoff));
    }
    if (score < 640) words.push('FHA');
    // 620 has long been the conventional floor, so scores around it weigh both programs.
    if (score >= 600 && score < 680) words.push('conventional');
  }
  if (profile.downPayment !== undefined || profile.propertyValue !== undefined) words.push('down payment');
  if (profile.downPayment !== undefined && profile.propertyValue !== undefined && profile.downPayment < 0.2 * profile.propertyValue) {
    words.push('private mortgage insurance PMI');
  }
  if (profile.loanAmount !== undefined && profile.propertyValue !== undefined) words.push('loan-to-value LTV');
  if (profile.annualIncome !== undefined || profile.monthlyDebt !== undefined) words.push('debt-to-income DTI income');
  if (profile.loanPurpose !== undefined) words.push(profile.loanPurpose.replaceAll('_', ' '));
  if (profile.loanTermYears !== undefined) words.push(`${profile.loanTermYears}-year term`);
  if (profile.firstTimeBuyer === true) words.push('first-time homebuyer buyer');
  if (profile.veteran === true) words.push('VA veteran');
  return words.join(' ');
}
