import { describe, expect, it } from 'vitest';
import { detectPersonalData, redactPersonalData } from '../../../core/privacy/personal-data.ts';
import { passesAbaChecksum, passesIbanChecksum, passesLuhn } from '../../../core/privacy/luhn.ts';

describe('redactPersonalData: positives', () => {
  it.each([
    ['Email me at jane.doe+loans@example.co.uk please', 'Email me at [email] please', 'email'],
    ['my address is JOSÉ@correo.mx.', 'my address is [email].', 'email'],
    ['Call (555) 123-4567 after 5pm', 'Call [phone] after 5pm', 'phone'],
    ['Call 555-123-4567.', 'Call [phone].', 'phone'],
    ['Reach me on 555.123.4567', 'Reach me on [phone]', 'phone'],
    ['Toll free 1-800-555-0199 today', 'Toll free [phone] today', 'phone'],
    ['UK mobile +44 7700 900123 ok', 'UK mobile [phone] ok', 'phone'],
    ['Paris: +33 1 42 68 53 00.', 'Paris: [phone].', 'phone'],
    ['US intl +1 (415) 555-2671', 'US intl [phone]', 'phone'],
    ['phone number: 5551234567', '[phone]', 'phone'],
    ['My SSN is 123-45-6789.', 'My SSN is [ssn].', 'ssn'],
    ['ssn 123 45 6789', 'ssn [ssn]', 'ssn'],
    ['social security number: 123456789', 'social security number: [ssn]', 'ssn'],
    ['my number is 123.45.6789 thanks', 'my number is [ssn] thanks', 'ssn'],
    ['SSN: 123.45.6789', 'SSN: [ssn]', 'ssn'],
    ['ITIN 912-78-1234 for my wife', 'ITIN [itin] for my wife', 'itin'],
    ['I file with 987.65.4321', 'I file with [itin]', 'itin'],
    ['her itin is 923 94 5678', 'her itin is [itin]', 'itin'],
    ['itin: 912781234', 'itin: [itin]', 'itin'],
    ['I was born 04/12/1985 and', 'I was born [dob] and', 'date_of_birth'],
    ['DOB: 1985-04-12', 'DOB: [dob]', 'date_of_birth'],
    ['D.O.B. 4.12.85, first home', 'D.O.B. [dob], first home', 'date_of_birth'],
    ['date of birth is March 3, 1980.', 'date of birth is [dob].', 'date_of_birth'],
    ['I was born on the 3rd of March 1980', 'I was born on the [dob]', 'date_of_birth'],
    ['my birthday: 12 Aug 1979', 'my birthday: [dob]', 'date_of_birth'],
    ['birth date 1990/01/31', 'birth date [dob]', 'date_of_birth'],
    ['Card 4111 1111 1111 1111 expires', 'Card [card] expires', 'card'],
    ['card 4111-1111-1111-1111', 'card [card]', 'card'],
    ['Amex 378282246310005 works', 'Amex [card] works', 'card'],
    ['Mastercard 5500000000000004.', 'Mastercard [card].', 'card'],
    ['routing number 021000021 and', 'routing number [routing] and', 'routing_number'],
    ['ABA: 123456789', 'ABA: [routing]', 'routing_number'],
    ['use 021000021 for the wire', 'use [routing] for the wire', 'routing_number'],
    ['account number 000123456789 at my bank', 'account number [account] at my bank', 'bank_account'],
    ['checking acct # 4455-6677-8899', 'checking acct # [account]', 'bank_account'],
    ['IBAN GB82 WEST 1234 5698 7654 32 here', 'IBAN [account] here', 'bank_account'],
    ['DE89370400440532013000', '[account]', 'bank_account'],
    ['I live at 1600 Pennsylvania Avenue NW, Washington', 'I live at [address] NW, Washington', 'street_address'],
    ['Send it to 42 Main St. Apt 5B, Springfield', 'Send it to [address], Springfield', 'street_address'],
    ['house at 350 5th Ave', 'house at [address]', 'street_address'],
    ['mail to PO Box 1234 please', 'mail to [address] please', 'street_address'],
    ['at 12 North Elm Road', 'at [address]', 'street_address'],
  ] as const)('%s', (input, expected, kind) => {
    const result = redactPersonalData(input);
    expect(result.text).toBe(expected);
    expect(result.found).toEqual([kind]);
  });

  it('finds several kinds in one text, each once, and keeps the rest', () => {
    const input = 'I am Jane (jane@example.com, 555-123-4567, jo@example.org). SSN 123-45-6789; card 4111111111111111. I want a $200,000 loan.';
    const result = redactPersonalData(input);
    expect(result.text).toBe('I am Jane ([email], [phone], [email]). SSN [ssn]; card [card]. I want a $200,000 loan.');
    expect(result.found).toEqual(['email', 'card', 'ssn', 'phone']);
  });
});

describe('redactPersonalData: negatives (loan text stays as is)', () => {
  it.each([
    'What are my options for a $200,000 home with a 620 credit score?',
    'A 30-year fixed at 6.75% versus a 15-year at 6.1%.',
    'FHA needs 3.5% down with a 580 score; 10% down with 500-579.',
    'The 2025 conforming limit is $806,500 and $1,209,750 in high-cost areas.',
    'I closed on 2024-06-01 and my first payment is 07/01/2024.',
    'My ZIP is 94107 and the ZIP+4 is 94107-1234.',
    'Debt-to-income of 43% and a loan-to-value of 96.5% are typical.',
    'I earn 85000 a year and owe 1200 a month.',
    'Scores from 580-620 and 620-680 get different pricing.',
    'My account is in good standing and I have 2 accounts.',
    'Mortgage insurance costs 0.55% a year on a loan of 250000 dollars.',
    'Loan number 12345 closed in 45 days.',
    'Version 1.2.3 of the calculator, page 12 of 300.',
    'Credit card debt of $4,111.11 and 4 cards.',
    'The 4111111111111112 number fails Luhn.',
    'Call your lender about the 2 years of income history.',
    'There are 3 Big Steps to buying a home.',
    'Section 8 vouchers and SSI count as income.',
    'Points cost 1% each; 2 points lower the rate by about 0.5%.',
    'A 5/1 ARM resets after 5 years; a 7/6 ARM after 7.',
    'I was born in 1980 and want a 30-year loan at 3.5% for $200,000 with a 620 score.',
    'My birthday is in March; the rate lock ends 03/15/2025.',
    'Rates of 6.45.7 and a 12.45.6789 ratio are not an SSN, nor is 1234.56.7890.',
    'The 30-year rate rose 0.25 on 1985-04-12 historically.',
  ])('%s', (input) => {
    expect(redactPersonalData(input)).toEqual({ text: input, found: [] });
  });
});

describe('detectPersonalData', () => {
  it('reports kinds without changing anything', () => {
    expect(detectPersonalData('write to a@b.io or call +1 415 555 2671')).toEqual(['email', 'phone']);
    expect(detectPersonalData('no personal data here, just 3.5% down')).toEqual([]);
  });
});

describe('checksums', () => {
  it('Luhn', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('12a4')).toBe(false);
  });
  it('ABA routing', () => {
    expect(passesAbaChecksum('021000021')).toBe(true);
    expect(passesAbaChecksum('021000022')).toBe(false);
    expect(passesAbaChecksum('12345678')).toBe(false);
  });
  it('IBAN mod 97', () => {
    expect(passesIbanChecksum('GB82WEST12345698765432')).toBe(true);
    expect(passesIbanChecksum('GB82WEST12345698765433')).toBe(false);
  });
});
