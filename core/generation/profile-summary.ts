import type { BorrowerProfile } from '../../shared/contracts/advice.ts';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/**
 * One neutral sentence echoing what the borrower told us ("You mentioned a $200,000 home and a
 * 620 credit score."), or null when the profile holds nothing to echo. It restates the given
 * values only; no derived figures, so it cannot introduce facts.
 */
export function describeProfile(profile: BorrowerProfile | undefined): string | null {
  if (!profile) return null;
  const parts: string[] = [];
  if (profile.propertyValue !== undefined) parts.push(`a ${usd.format(profile.propertyValue)} home`);
  if (profile.loanAmount !== undefined) parts.push(`a ${usd.format(profile.loanAmount)} loan`);
  if (profile.downPayment !== undefined) parts.push(`a ${usd.format(profile.downPayment)} down payment`);
  if (profile.creditScore !== undefined) parts.push(`${article(String(profile.creditScore))} ${profile.creditScore} credit score`);
  if (profile.annualIncome !== undefined) parts.push(`an annual income of ${usd.format(profile.annualIncome)}`);
  if (profile.monthlyDebt !== undefined) parts.push(`${usd.format(profile.monthlyDebt)} in monthly debt payments`);
  if (profile.loanTermYears !== undefined) parts.push(`${article(String(profile.loanTermYears))} ${profile.loanTermYears}-year term`);
  if (profile.loanPurpose !== undefined) parts.push(`a loan purpose of ${profile.loanPurpose.replaceAll('_', ' ')}`);
  if (profile.firstTimeBuyer === true) parts.push('that you are a first-time buyer');
  if (profile.veteran === true) parts.push('VA eligibility');
  if (profile.state !== undefined) parts.push(`a property in ${profile.state}`);
  if (parts.length === 0) return null;
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `You mentioned ${list}.`;
}

/**
 * Extra retrieval terms suggested by the profile, used only to rank sentences (never shown):
 * a 620 score makes sentences about 620, nearby score cut-offs, FHA and credit scores rank higher.
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

/** "an" before numbers read with a leading vowel sound: 8…, 11, 18 (as in "an 800", "an 18-year"). */
function article(number: string): 'a' | 'an' {
  return number.startsWith('8') || number === '11' || number === '18' ? 'an' : 'a';
}
