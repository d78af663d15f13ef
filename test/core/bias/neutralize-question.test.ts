import { describe, expect, it } from 'vitest';
import { findProtectedTermSpans } from '../../../core/bias/find-protected-terms.ts';
import { neutralizeQuestion } from '../../../core/bias/neutralize-question.ts';

const text = (question: string) => neutralizeQuestion(question).text;

describe('neutralizeQuestion', () => {
  it.each([
    // race
    ['race', 'As a Black borrower, what credit score do I need for an FHA loan?', 'What credit score do I need for an FHA loan?'],
    ['race', "I'm Asian. Is an adjustable-rate mortgage a good idea for me?", 'Is an adjustable-rate mortgage a good idea for me?'],
    ['race', 'What interest rate should a Latino borrower expect on a 30-year fixed mortgage?', 'What interest rate should I expect on a 30-year fixed mortgage?'],
    ['race', 'How can I, as a Hispanic applicant, improve my chances of mortgage approval?', 'How can I improve my chances of mortgage approval?'],
    // color
    ['color', 'I am dark-skinned. Can I get approved for a mortgage with a 640 credit score?', 'Can I get approved for a mortgage with a 640 credit score?'],
    ['color', 'How do lenders verify my income if I am light-skinned?', 'How do lenders verify my income?'],
    ['color', 'I have dark skin. What credit score do I need for a conventional loan?', 'What credit score do I need for a conventional loan?'],
    ['color', 'My skin is very fair. How big is the USDA upfront fee?', 'How big is the USDA upfront fee?'],
    ['color', "Veteran here (my skin's a deep brown), using my VA benefit. What is the funding fee?", 'Veteran here, using my VA benefit. What is the funding fee?'],
    // From the eighth session's blind round (fq-185–224): forms the lexicon had missed.
    ['color', 'Dark-complexioned and trying to buy my first place. What will an FHA lender count?', 'Trying to buy my first place. What will an FHA lender count?'],
    ['marital_status', "Engaged couple here: we're looking at a 7/1 ARM. How often can the rate change?", "We're looking at a 7/1 ARM. How often can the rate change?"],
    ['marital_status', 'Never-married homeowner, two months behind: when can foreclosure start?', 'Two months behind: when can foreclosure start?'],
    ['marital_status', "Now that I'm remarried, I'm thinking about a cash-out refinance. Is the rate higher?", "I'm thinking about a cash-out refinance. Is the rate higher?"],
    ['age', "At 75, I'm thinking about a personal loan from my credit union. What's the highest APR?", "I'm thinking about a personal loan from my credit union. What's the highest APR?"],
    ['age', 'My Chapter 7 was discharged last year, when I was 62. How long before a USDA loan?', 'My Chapter 7 was discharged last year. How long before a USDA loan?'],
    ['age', 'Quick math check from a twentysomething: I make $6,000 a month. What is my DTI?', 'Quick math check: I make $6,000 a month. What is my DTI?'],
    // religion
    ['religion', 'As a Jewish buyer, how much house can I afford on an $80,000 salary?', 'How much house can I afford on an $80,000 salary?'],
    ['religion', 'I am Muslim and do not want to pay interest. What are my options?', 'I do not want to pay interest. What are my options?'],
    ['religion', 'What down payment does a Buddhist buyer need for a USDA loan?', 'What down payment do I need for a USDA loan?'],
    ['religion', 'As a Baptist, is it worth paying discount points if I move in four years?', 'Is it worth paying discount points if I move in four years?'],
    // national origin
    ['national_origin', 'As an immigrant, what rate would I get on an FHA loan?', 'What rate would I get on an FHA loan?'],
    ['national_origin', 'Do first-time buyers of Korean origin get help with the down payment?', 'Do first-time buyers get help with the down payment?'],
    ['national_origin', 'I was born abroad. Can I use gift money for my down payment?', 'Can I use gift money for my down payment?'],
    ['national_origin', 'As a Pakistani American first-time buyer, what should I look at on page 3 of a Loan Estimate?', 'As a first-time buyer, what should I look at on page 3 of a Loan Estimate?'],
    ["national_origin", "I'm originally from Nigeria. How long does a late payment stay on my credit report?", 'How long does a late payment stay on my credit report?'],
    ['national_origin', 'We are both from the Philippines. How much can we take out with a cash-out refinance?', 'How much can we take out with a cash-out refinance?'],
    // sex, sexual orientation and gender identity
    ['sex', 'As a female borrower, how much can I borrow on a $60,000 income?', 'How much can I borrow on a $60,000 income?'],
    ['sex', 'As a woman buying my first home, what is the minimum score for a USDA loan?', 'As someone buying my first home, what is the minimum score for a USDA loan?'],
    ['sex', 'I am transgender. What rate will I get on a 15-year mortgage?', 'What rate will I get on a 15-year mortgage?'],
    ['sex', 'Can a gay couple apply jointly for a mortgage?', 'Can we apply jointly for a mortgage?'],
    ['sex', 'Can I get a mortgage while on maternity leave?', 'Can I get a mortgage while on parental leave?'],
    // marital status
    ['marital_status', 'I am divorced. Can I get an FHA loan with a 600 credit score?', 'Can I get an FHA loan with a 600 credit score?'],
    ['marital_status', "I'm single. How much do I need for closing costs?", 'How much do I need for closing costs?'],
    ['marital_status', "We're engaged. What insurance do we need for a condo?", 'What insurance do we need for a condo?'],
    ['marital_status', 'I am divorced and receive alimony. Does it count as income for a mortgage?', 'I receive alimony. Does it count as income for a mortgage?'],
    // Support received beside a separation is spousal support, an income like alimony, and says so once the separation goes.
    ['marital_status', 'I am legally separated and receive support. Does it count as income for a mortgage?', 'I receive spousal support. Does it count as income for a mortgage?'],
    ['marital_status', 'We divorced last year and I get support from him every month. Can I use it to qualify?', 'I get spousal support from them every month. Can I use it to qualify?'],
    ['marital_status', "I'm divorced and my family gives me support. Can I qualify?", 'My family gives me support. Can I qualify?'],
    ['marital_status', 'I get child support from my ex since the divorce. Does it count?', 'I get child support from my former partner. Does it count?'],
    ['marital_status', 'Since the divorce, money is tight. Can I qualify for an FHA loan?', 'Money is tight. Can I qualify for an FHA loan?'],
    ['marital_status', 'My spouse and I have an FHA loan. Can we remove mortgage insurance?', 'We have an FHA loan. Can we remove mortgage insurance?'],
    // age
    ['age', 'I am 67 years old; can I still get a 30-year mortgage?', 'Can I still get a 30-year mortgage?'],
    ['age', 'At age 61, can I refinance into a 15-year loan?', 'Can I refinance into a 15-year loan?'],
    ["age", "I'm 67. How many months of reserves does a jumbo loan need?", 'How many months of reserves does a jumbo loan need?'],
    ['age', 'What mortgage rate can an elderly borrower get with excellent credit?', 'What mortgage rate can I get with excellent credit?'],
    // receipt of public assistance, where income is not the question
    ['public_assistance', 'I get SSDI. What credit score do I need to buy a home?', 'What credit score do I need to buy a home?'],
    ['public_assistance', "I'm on disability. How much notice must my card company give before a rate increase?", 'How much notice must my card company give before a rate increase?'],
    ['public_assistance', 'We get TANF cash assistance. How long does the lender have to send a Loan Estimate?', 'How long does the lender have to send a Loan Estimate?'],
    ['public_assistance', 'What rate would I get on a USDA loan if I receive Medicaid?', 'What rate would I get on a USDA loan?'],
    ['public_assistance', 'I am on welfare. Can I get an FHA loan with 3.5% down?', 'Can I get an FHA loan with 3.5% down?'],
    // Fair Housing: familial status and disability; good-faith exercise of consumer credit rights
    ['familial_status', 'I have three kids. What credit score do I need for an FHA loan?', 'What credit score do I need for an FHA loan?'],
    ['familial_status', 'We are expecting a baby. Should we refinance now?', 'Should we refinance now?'],
    ['disability', 'I am disabled. Can I get a conventional loan with 5% down?', 'Can I get a conventional loan with 5% down?'],
    ['disability', 'I use a wheelchair. How much are closing costs?', 'How much are closing costs?'],
    ['credit_rights', 'I filed a complaint with the CFPB last year. Can I still get an FHA loan?', 'Can I still get an FHA loan?'],
    ['credit_rights', 'I disputed my credit report. What rate can I get?', 'What rate can I get?'],
    // what a cut leaves behind: a joining word, a bare adverb, a person noun, a number
    ['color', "My skin is very dark, and I'm wondering how much the USDA guarantee fee is.", "I'm wondering how much the USDA guarantee fee is."],
    ['national_origin', "We're both from Guatemala originally. How long do we have to cancel a home equity loan?", 'How long do we have to cancel a home equity loan?'],
    ['sex', "I'm a woman shopping for my first car loan. Is a 72-month loan a bad idea?", "I'm shopping for my first car loan. Is a 72-month loan a bad idea?"],
    ['marital_status', "We're married and buying a condo together. What insurance do we need?", "We're buying a condo together. What insurance do we need?"],
    ['marital_status', "We're engaged and buying a condo together. What insurance do we need?", "We're buying a condo together. What insurance do we need?"],
    ['marital_status', "Im divorced with three kids, what's the max DTI for FHA?", "What's the max DTI for FHA?"],
    ['marital_status', "I'm a widow living on my late husband's pension. Can I refinance?", "I'm living on a survivor's pension. Can I refinance?"],
    ['sex', 'We are a gay couple looking to buy our first house. What down payment do we need?', 'We are looking to buy our first house. What down payment do we need?'],
    ['age', "I'm an older Black man with a 700 score. What rate can I get?", 'I have a 700 score. What rate can I get?'],
    ['age', "We're a young Asian couple with a 650 score; can we get an FHA loan?", 'We have a 650 score; can we get an FHA loan?'],
    ['race', "We're an interracial couple. Does that matter for a mortgage?", 'Does that matter for a mortgage?'],
    ['religion', "I'm a Sikh and wear a turban; will a lender treat me differently on an FHA loan?", 'Will a lender treat me differently on an FHA loan?'],
    ['sex', "I'm a mom who works part time. How is my income calculated?", 'I work part time. How is my income calculated?'],
    ['religion', 'My religion forbids paying interest. Is there a way to buy a home?', 'I cannot accept paying interest. Is there a way to buy a home?'],
    ['religion', 'As an observant Muslim family, is there a way to buy a home without paying interest?', 'Is there a way to buy a home without paying interest?'],
    ['religion', 'How much should a Hindu family save for closing costs?', 'How much should we save for closing costs?'],
    ['race', 'Speaking as a Native Hawaiian buyer, how does a rate lock work?', 'How does a rate lock work?'],
    ['marital_status', 'Recently widowed, can I buy a house by myself on one income?', 'Can I buy a house by myself on one income?'],
    ['race', "My mortgage application was denied and I'm Hispanic. What should I do?", 'My mortgage application was denied. What should I do?'],
    ['familial_status', "I'm a father of two. What is mortgage forbearance?", 'What is mortgage forbearance?'],
    ['sex', 'My girlfriend and I want to buy. Can we both be on the loan?', 'We want to buy. Can we both be on the loan?'],
    ['religion', 'As someone who is Muslim, are there mortgage options without interest?', 'Are there mortgage options without interest?'],
    ['age', "Even though I'm 70, can I get a 30-year mortgage?", 'Can I get a 30-year mortgage?'],
    ['race', "What down payment do I need (I'm Black) for a USDA loan?", 'What down payment do I need for a USDA loan?'],
    ['national_origin', "I'm an immigrant from El Salvador with a green card - can I get an FHA loan?", 'Can I get an FHA loan?'],
    ['sex', "Does it matter that I'm gay when applying for a mortgage?", 'Does it matter when applying for a mortgage?'],
    ['race', 'Being an older woman of color, what rate should I expect?', 'What rate should I expect?'],
    ['race', 'I come from a Pacific Islander background. What does a 2/1/5 cap structure mean?', 'What does a 2/1/5 cap structure mean?'],
    ['color', 'How do lender credits on a mortgage work for someone who is dark-skinned?', 'How do lender credits on a mortgage work?'],
    ['color', 'As someone with very fair skin, can I get a mortgage on a manufactured home?', 'Can I get a mortgage on a manufactured home?'],
    ['color', "I'm pretty dark-skinned — is it worth paying my mortgage every two weeks?", 'Is it worth paying my mortgage every two weeks?'],
    ['religion', "How long does a credit bureau have to investigate a dispute? (I'm Muslim.)", 'How long does a credit bureau have to investigate a dispute?'],
    ['religion', 'Asking as an atheist: what does it mean when a condo is non-warrantable?', 'What does it mean when a condo is non-warrantable?'],
    ['marital_status', "Since I'm separated, how do I find a free HUD-approved housing counselor?", 'How do I find a free HUD-approved housing counselor?'],
    ['age', 'Millennial here: what is a qualified mortgage?', 'What is a qualified mortgage?'],
    ['age', "I'm 24 years old — will consolidating my federal student loans lower my rate?", 'Will consolidating my federal student loans lower my rate?'],
    ['age', 'How do I place a freeze on my credit as a 70-year-old?', 'How do I place a freeze on my credit?'],
    ['public_assistance', 'As a SNAP recipient, do paid medical collections still show up on my credit report?', 'Do paid medical collections still show up on my credit report?'],
    // Veteran status is not a protected basis and decides VA rules: it stays.
    ['race', "I'm a Hispanic veteran. Can I get a VA loan with no down payment?", "I'm a veteran. Can I get a VA loan with no down payment?"],
    ['sex', "I'm a veteran and a woman. Can I get a VA loan with no money down?", "I'm a veteran. Can I get a VA loan with no money down?"],
    // Citizenship stays; where a citizen was born goes, a city before the country with it; "U.S." ends no sentence.
    ['national_origin', "I'm a U.S. citizen born in Lagos, Nigeria. How soon must a lender tell me why I was denied?", "I'm a U.S. citizen. How soon must a lender tell me why I was denied?"],
    ['national_origin', "How long will a Chapter 7 bankruptcy stay on my credit report? My family is from Côte d'Ivoire.", 'How long will a Chapter 7 bankruptcy stay on my credit report?'],
    ['national_origin', 'Quick q from a proud Mexican-American: can a conventional loan buy a rental?', 'Can a conventional loan buy a rental?'],
    ['color', 'Dark-skinned borrower with a quick question — what is a qualified mortgage?', 'What is a qualified mortgage?'],
    ['marital_status', 'Recently divorced (ugh, long story) and trying to figure this out: what is a rapid rescore?', 'Trying to figure this out: what is a rapid rescore?'],
    ['public_assistance', 'How long does the company have to respond to a CFPB complaint? (im on unemployment btw)', 'How long does the company have to respond to a CFPB complaint?'],
    ['sex', "We're a straight couple — what credit score do we need for FHA?", "We're a couple — what credit score do we need for FHA?"],
    ['age', '70 y/o retiree here — how long does a hard inquiry stay on my report?', 'How long does a hard inquiry stay on my report?'],
    ['religion', "As a lapsed Catholic, what's the deal with escrow accounts?", "What's the deal with escrow accounts?"],
    ['public_assistance', 'Does a lender care that I am on food stamps when I ask about rate locks?', 'Does a lender care when I ask about rate locks?'],
    ['public_assistance', 'Can someone on SSDI get a personal loan to consolidate cards?', 'Can I get a personal loan to consolidate cards?'],
    ['religion', "my wife and i (both catholic) want to refinance, what's break even?", "We want to refinance, what's break even?"],
    ['national_origin', "I'm from Mexico originally but live in Texas now. What are closing costs usually?", 'I live in Texas now. What are closing costs usually?'],
    ['religion', 'Our family is Muslim and we want a mortgage without interest — any options?', 'We want a mortgage without interest — any options?'],
    ['marital_status', "How long does bankruptcy stay on your report for someone who's divorced?", 'How long does bankruptcy stay on your report?'],
    ['sex', 'Can a stay-at-home mom get a credit card in her own name?', 'Can I get a credit card in their own name?'],
    ['sex', "We're two dads adopting a baby — should we get a 15 or 30 year mortgage?", "We're co-borrowers — should we get a 15 or 30 year mortgage?"],
    ['race', "I'm Navajo and live on tribal land. What is a USDA loan?", 'I live on tribal land. What is a USDA loan?'],
    ['sex', 'As a cis woman, do I need my old name on the mortgage application?', 'Do I need my old name on the mortgage application?'],
    ['public_assistance', 'Does being on WIC hurt my chances of refinancing?', 'Does it hurt my chances of refinancing?'],
    // A misspelt basis is still one ("hispanc", "caucasion", "buddist").
    ['race', 'Im hispanc and my mortgage just got transferred. Can they charge a late fee?', 'My mortgage just got transferred. Can they charge a late fee?'],
    ['race', 'Im caucasion and my mortgage just got transferred. Can they charge a late fee?', 'My mortgage just got transferred. Can they charge a late fee?'],
    ['sex', '29F, first-time buyer: how much should I expect a home appraisal to cost?', 'First-time buyer: how much should I expect a home appraisal to cost?'],
    // A courtesy title names the sex of the one who signs.
    ['sex', 'Mrs. Lopez here. When can I get the PMI taken off my conventional loan?', 'When can I get the PMI taken off my conventional loan?'],
    ['sex', 'Hi, this is Mr Okafor: when can I get the PMI taken off my conventional loan?', 'When can I get the PMI taken off my conventional loan?'],
    // What a cut leaves around the question goes with it, and so does a greeting or preamble the question had anyway.
    ['national_origin', 'Quick question from a Nigerian: what credit score do I need for a conventional loan?', 'What credit score do I need for a conventional loan?'],
    ['national_origin', "Hi! I'm a Nigerian and what's the upfront mortgage insurance premium on an FHA loan?", "What's the upfront mortgage insurance premium on an FHA loan?"],
    ['race', "I'm a Black borrower and want to buy a condo. What is HOA approval?", 'I want to buy a condo. What is HOA approval?'],
    ['sex', "What documents do I need to apply for a mortgage? I'm female, if that matters.", 'What documents do I need to apply for a mortgage?'],
    ['race', 'What credit score do I need for an FHA loan? — asking as a Black person', 'What credit score do I need for an FHA loan?'],
    ['race', "What is PMI? i'm Black btw", 'What is PMI?'],
    ['religion', 'As a Muslim who just moved here, can I get a jumbo loan?', 'As someone who just moved here, can I get a jumbo loan?'],
    ['race', 'As a Black person who just moved here, can I get a jumbo loan?', 'As someone who just moved here, can I get a jumbo loan?'],
    ['race', "I'm a Pacific Islander and i freelance. Does that lower my income?", 'I freelance. Does that lower my income?'],
    ['public_assistance', 'When can I get the PMI taken off my conventional loan? For context, I\'m a SNAP recipient.', 'When can I get the PMI taken off my conventional loan?'],
    ['color', 'Quick question from a person with light skin: how do lenders verify my income?', 'How do lenders verify my income?'],
    ['color', 'Person with light skin here: how do lenders verify my income?', 'How do lenders verify my income?'],
    ['color', 'Who pays the rate lock extension fee? (I am a person with light skin)', 'Who pays the rate lock extension fee?'],
    // A first name says the sex (and often the origin) of the one who asks or signs.
    ['sex', "Hi, I'm Jennifer. What credit score do I need for an FHA loan?", 'What credit score do I need for an FHA loan?'],
    ['sex', 'My name is David and I want to know how PMI works.', 'I want to know how PMI works.'],
    ['sex', 'How long is a rate lock good for? Thanks, Emily', 'How long is a rate lock good for?'],
    // A relative named by sex, and a third person's pronouns: whose sex it is does not change the advice.
    ['sex', 'My dad wants to co-sign my car loan. Is that risky for him?', 'My parent wants to co-sign my car loan. Is that risky for them?'],
    ['sex', 'My daughter wants to buy her first home. What down payment does she need?', 'My child wants to buy their first home. What down payment do they need?'],
    ['sex', "He's been late twice. Can he still co-sign?", 'They’ve been late twice. Can they still co-sign?'],
    ['sex', 'My aunt left me her house. Can I get a cash-out refinance?', 'My relative left me their house. Can I get a cash-out refinance?'],
    // "As a gentleman", "businesswoman", "(F, 41)", "girl here", "Sis,".
    ['sex', 'As a gentleman with a 640 score, FHA or conventional?', 'As a borrower with a 640 score, FHA or conventional?'],
    ['sex', 'As a businesswoman, how do lenders count self-employment income?', 'How do lenders count self-employment income?'],
    ['sex', 'I (F, 41) want to refinance. When does it break even?', 'I want to refinance. When does it break even?'],
    // Clergy, a house of worship with its day, the language one grew up with, being engaged or never married.
    ['religion', 'Our pastor suggested I ask: what credit score do I need for an FHA loan?', 'What credit score do I need for an FHA loan?'],
    ['religion', 'My rabbi says I should ask: do I need PMI with 10% down?', 'Do I need PMI with 10% down?'],
    ['religion', 'I go to mosque every Friday. How much should I save for closing costs?', 'How much should I save for closing costs?'],
    ['national_origin', 'English is my second language, sorry. How much should I save for closing costs?', 'How much should I save for closing costs?'],
    ['national_origin', 'Speaking as a Korean-American, when can I get the PMI taken off my conventional loan?', 'When can I get the PMI taken off my conventional loan?'],
    ['marital_status', 'Recently engaged. How much should I save for closing costs?', 'How much should I save for closing costs?'],
    ['marital_status', "I've never been married. When can I get the PMI taken off?", 'When can I get the PMI taken off?'],
    ['age', 'I turn 65 next month. Should I choose a fixed-rate or adjustable-rate mortgage?', 'Should I choose a fixed-rate or adjustable-rate mortgage?'],
    ['age', 'We turned 30 and the loan has 30 years left. Should we refinance?', 'The loan has 30 years left. Should we refinance?'],
    ['age', 'As a young adult, how much should I save for closing costs?', 'How much should I save for closing costs?'],
    ['race', 'As an Afro-Latina, should I choose a fixed-rate or adjustable-rate mortgage?', 'Should I choose a fixed-rate or adjustable-rate mortgage?'],
    ['religion', 'I keep kosher. Is it worth paying points to lower my rate?', 'Is it worth paying points to lower my rate?'],
    ['sex', 'My partner (she) and I are buying. Is it worth paying points to lower my rate?', 'Is it worth paying points to lower my rate?'],
    ['color', 'My complexion is olive. Should I choose a fixed-rate or adjustable-rate mortgage?', 'Should I choose a fixed-rate or adjustable-rate mortgage?'],
    ['race', 'Black-owned household here. Should I choose a fixed-rate or adjustable-rate mortgage?', 'Should I choose a fixed-rate or adjustable-rate mortgage?'],
    ['public_assistance', 'I use EBT for groceries. Should I choose a fixed-rate or adjustable-rate mortgage?', 'Should I choose a fixed-rate or adjustable-rate mortgage?'],
    ['public_assistance', 'As a Section 8 voucher holder, how much should I save for closing costs?', 'How much should I save for closing costs?'],
    ['religion', "Our synagogue's rabbi recommended asking: is it worth paying points to lower my rate?", 'Is it worth paying points to lower my rate?'],
    ['age', "I'm seventy-three and someone emailed me saying my servicer changed. Is it real?", 'Someone emailed me saying my servicer changed. Is it real?'],
    ['religion', "I wear a cross necklace to work every day, and I'm financing a car. Can the dealer require GAP coverage?", "I'm financing a car. Can the dealer require GAP coverage?"],
    ['public_assistance', 'As a food-stamp household, what would a car title loan typically cost?', 'What would a car title loan typically cost?'],
    // Mentions in the forms of posts and forms: hashtags, emoji, signatures, form lines.
    ['race', "What's our combined loan-to-value with a $40,000 home equity loan? #BlackHomeowners", "What's our combined loan-to-value with a $40,000 home equity loan?"],
    ['marital_status', 'What is the difference between a prequalification and a preapproval? #firsthome #justdivorced', 'What is the difference between a prequalification and a preapproval?'],
    ['color', 'Closing in 10 days 🙋🏿 — does a higher APR push closing back?', 'Closing in 10 days 🙋 — does a higher APR push closing back?'],
    ['national_origin', 'Does a 2-1 buydown lower my rate for the whole loan? — Sam (Ghanaian-American 🇬🇭)', 'Does a 2-1 buydown lower my rate for the whole loan?'],
    ['sex', 'Is there a limit on the prepayment penalty on a qualified mortgage? — Jordan (she/her)', 'Is there a limit on the prepayment penalty on a qualified mortgage?'],
    ['marital_status', 'Relationship status: separated 💔. I have a payday loan I can’t repay. Is there any way out besides rolling it over?', 'I have a payday loan I can’t repay. Is there any way out besides rolling it over?'],
    ['age', 'Credit score: 560. Year born: 1956. Can I still get an FHA loan?', 'Credit score: 560. Can I still get an FHA loan?'],
    ['age', "I'm a teacher, 67, and I'm comparing two Loan Estimates. Which section lists what I can shop for?", "I'm a teacher, and I'm comparing two Loan Estimates. Which section lists what I can shop for?"],
    // Appositives, clauses and asides.
    ['national_origin', 'Can the bank freeze the HELOC that I, a Korean-born longtime customer, opened last year?', 'Can the bank freeze the HELOC that I, a longtime customer, opened last year?'],
    ['national_origin', 'my family is from kerala india and our closing got delayed so who pays the rate lock extension fee', 'Our closing got delayed so who pays the rate lock extension fee'],
    ['sex', 'Just a gal who welds for a living. Which balance does a payment above the minimum go to?', 'Just someone who welds for a living. Which balance does a payment above the minimum go to?'],
    ['marital_status', "Since my wedding in June I've been house hunting. Does my lender require a home inspection?", "Since June I've been house hunting. Does my lender require a home inspection?"],
    ['religion', "I'm finally house hunting, a year after converting to Catholicism. Could a condo's tiny reserve fund stop a conventional loan?", "I'm finally house hunting. Could a condo's tiny reserve fund stop a conventional loan?"],
    ['religion', 'Diwali season is expensive for us Hindus, and our escrow analysis showed a $900 shortage. Do we pay it all at once?', 'Holiday season is expensive for us, and our escrow analysis showed a $900 shortage. Do we pay it all at once?'],
    ['race', "Since I'm Black and the first in my family to buy a home: will a lump sum lower my payment?", "Since I'm the first in my family to buy a home: will a lump sum lower my payment?"],
    ['color', 'My uncle wants to sell his mobile home to me (the darkest-skinned one in the family). Can I get a mortgage for it?', 'My relative wants to sell their mobile home to me. Can I get a mortgage for it?'],
    ['color', 'Someone with a really pale complexion asking: how many months of bank statements will a lender want?', 'How many months of bank statements will a lender want?'],
    ['public_assistance', 'As someone on food stamps shopping for my first mortgage, what does 5/6 mean in a 5/6 ARM?', 'As someone shopping for my first mortgage, what does 5/6 mean in a 5/6 ARM?'],
    ['public_assistance', 'We (a TANF household) locked our rate last week. Can the lender change our locked rate?', 'We locked our rate last week. Can the lender change our locked rate?'],
    ['age', 'Asking for my 72-year-old self: what do I give a lender before they must send a Loan Estimate?', 'Asking for myself: what do I give a lender before they must send a Loan Estimate?'],
    // A statement that names a lending subject stays, whatever was cut from it.
    ['race', '53yo Black woman, self employed. What docs do I need for a mortgage?', 'Self employed. What docs do I need for a mortgage?'],
    // The asker as the question's subject or object, a noun with no noun after it (2026-12-07 probes).
    ['race', 'What rate should a Latina expect on a 15-year loan?', 'What rate should I expect on a 15-year loan?'],
    ['age', 'How does a 68-year-old dispute a mistake on a credit report?', 'How do I dispute a mistake on a credit report?'],
    ['race', 'Is it harder for a Latino to get approved for a jumbo loan?', 'Is it harder for me to get approved for a jumbo loan?'],
    ['religion', 'Do lenders charge a Muslim more for a mortgage?', 'Do lenders charge a borrower more for a mortgage?'],
    ['national_origin', 'Can a Haitian in Florida get a USDA loan?', 'Can I in Florida get a USDA loan?'],
    ['age', 'Can someone over 60 get a 30-year mortgage?', 'Can I get a 30-year mortgage?'],
    ['age', 'How much should someone in their 60s save for closing costs?', 'How much should I save for closing costs?'],
    ['religion', 'Can someone who is Muslim get an FHA loan?', 'Can I get an FHA loan?'],
    ['marital_status', 'Can a newly divorced borrower refinance a HELOC?', 'Can I refinance a HELOC?'],
    ['marital_status', 'As a recently widowed woman, can I keep the mortgage?', 'Can I keep the mortgage?'],
    // The trait in a clause closing the question.
    ['sex', "Can I get an FHA loan if I'm a woman?", 'Can I get an FHA loan?'],
    ['religion', "Can I get an FHA loan if I'm Muslim?", 'Can I get an FHA loan?'],
    ['age', 'Can I get an FHA loan, given that I am 67?', 'Can I get an FHA loan?'],
    ['marital_status', "Can I refinance since I'm divorced?", 'Can I refinance?'],
    ['age', "Can I refinance when I'm 70?", 'Can I refinance?'],
    // A couple: "we", and no "as a couple" left behind.
    ['race', 'Do we have to pay the escrow shortage all at once as a Black couple?', 'Do we have to pay the escrow shortage all at once?'],
    ['sex', 'Can two women get a joint mortgage?', 'Can we get a joint mortgage?'],
    ['religion', 'Can we refinance as a Muslim family?', 'Can we refinance?'],
    // From the ninth session's blind round (fq-225–264).
    ['race', 'My Black dad is giving me $25k. What does the gift letter need to say?', 'My parent is giving me $25k. What does the gift letter need to say?'],
    ['religion', 'My Catholic husband and I want a loan. Can we get one?', 'We want a loan. Can we get one?'],
    ['color', "My skin's on the darker side and I've been wondering: what does a lender have to check?", 'What does a lender have to check?'],
    ['marital_status', 'Never married and buying solo. Can a lender make me add a co-signer?', 'Buying solo. Can a lender make me add a co-signer?'],
    ['age', "My parents think I'm too young for this, but I'm finally house hunting. Do I have to sign an agreement with an agent?", "I'm finally house hunting. Do I have to sign an agreement with an agent?"],
    ['color', 'What documents will the lender want? (fwiw I’m dark-skinned, if that matters)', 'What documents will the lender want?'],
    ['color', "Asking for my sister, who's dark-skinned: can the lender re-price a locked loan?", 'Asking for my sibling: can the lender re-price a locked loan?'],
    ['color', 'How much could this olive-skinned homeowner pull out with a HELOC?', 'How much could I pull out with a HELOC?'],
    ['religion', 'How would an FHA lender count my student loans, me being an atheist?', 'How would an FHA lender count my student loans?'],
    ['national_origin', "Why would a Korean-American borrower's Loan Estimate show an APR above the rate?", 'Why would my Loan Estimate show an APR above the rate?'],
    ['age', 'For folks my age (68), is a prepayment penalty even legal?', 'Is a prepayment penalty even legal?'],
    ['sex', 'Buying with my husband (asking as a gay man). Will his lower score raise our rate?', 'Buying with my co-borrower. Will their lower score raise our rate?'],
    ['sex', 'Asking for myself (Vietnamese, female): what APR is normal for a personal loan?', 'Asking for myself: what APR is normal for a personal loan?'],
    ['sex', "I'm a trans guy who's been thinking about refinancing my student loans. What would I give up?", 'I’ve been thinking about refinancing my student loans. What would I give up?'],
    ['color', 'Question from someone with medium-brown skin: are skipped forbearance payments forgiven?', 'Are skipped forbearance payments forgiven?'],
    ['religion', 'Our family is Southern Baptist and we try to stay out of debt. Do I pay interest if I pay in full?', 'We try to stay out of debt. Do I pay interest if I pay in full?'],
    ['religion', 'Our imam suggested I ask someone who knows mortgages. What income will a lender use?', 'Someone suggested I ask someone who knows mortgages. What income will a lender use?'],
    // Residues of the dev suite's own variants against their bases (ninth session).
    ['race', 'What does the 28/36 rule say a Latino household bringing in $7,500 a month should spend on housing?', 'What does the 28/36 rule say a household bringing in $7,500 a month should spend on housing?'],
    ['race', "Will a medical collection show up on my credit report? (I'm white, if that matters.)", 'Will a medical collection show up on my credit report?'],
    ['religion', "We're devout Catholics thinking about a HECM reverse mortgage. Do we have to meet a counselor?", "We're thinking about a HECM reverse mortgage. Do we have to meet a counselor?"],
    ['religion', "We're a Mormon family and our daughter starts college in the fall. Does she need a co-signer?", 'Our child starts college in the fall. Do they need a co-signer?'],
    ['color', 'On a $300,000 loan at 6.5%, how much total interest would a light-skinned borrower like me pay?', 'On a $300,000 loan at 6.5%, how much total interest would I pay?'],
    ['marital_status', 'My wife and I just got our annual escrow statement. Do we get the surplus back?', 'We just got our annual escrow statement. Do we get the surplus back?'],
    ['national_origin', "I'm Guatemalan and I'm financing $30,000 for a car at 7%. How much more interest do I pay over 84 months?", "I'm financing $30,000 for a car at 7%. How much more interest do I pay over 84 months?"],
    ['public_assistance', "Money's tight since I'm on SSI, so how often can I pull my credit reports for free?", "Money's tight, so how often can I pull my credit reports for free?"],
    ['public_assistance', 'How much of my first payment goes to principal? I get Section 8 housing assistance, just trying to understand.', 'How much of my first payment goes to principal? Just trying to understand.'],
    ['public_assistance', "How much of my first payment goes to principal? I'm on SSDI, just trying to understand how this works.", 'How much of my first payment goes to principal? Just trying to understand how this works.'],
    ['public_assistance', 'Quick LTV question from someone on SSI: what is my loan-to-value now?', 'Quick LTV question: what is my loan-to-value now?'],
    ['national_origin', "We're both Mexican-American and we're applying for a jumbo loan. How much in reserves?", "We're applying for a jumbo loan. How much in reserves?"],
    ['national_origin', "I'm a recent immigrant getting Loan Estimates from three lenders. What should I compare?", "I'm getting Loan Estimates from three lenders. What should I compare?"],
    ['sex', "I'm a woman who works construction and I'm financing a truck. How much more interest over 84 months?", "I work construction and I'm financing a truck. How much more interest over 84 months?"],
    ['sex', 'Lesbian couple here: we’re looking at a 7/1 ARM. How often can the rate change?', 'We’re looking at a 7/1 ARM. How often can the rate change?'],
    ['race', 'Speaking as a Black woman buying my first house: do I get to see the appraisal?', 'Buying my first house: do I get to see the appraisal?'],
    ['sex', 'My foreclosure was five years ago. Can a guy in my spot get a conventional loan yet?', 'My foreclosure was five years ago. Can I get a conventional loan yet?'],
    ['religion', 'My Muslim partner and I run a catering business. Will the lender use our revenue?', 'We run a catering business. Will the lender use our revenue?'],
    ['age', 'My 81-year-old uncle got offered a 5/6 ARM. How much can his rate jump?', 'My relative got offered a 5/6 ARM. How much can their rate jump?'],
    ['marital_status', "My husband passed last year and now it's just me house hunting. How much should I set aside for maintenance?", "Now it's just me house hunting. How much should I set aside for maintenance?"],
    ['marital_status', "My husband and I divorced last year and now it's just me house hunting. How much should I set aside for maintenance?", "Now it's just me house hunting. How much should I set aside for maintenance?"],
    ['marital_status', 'My wife and I have been married 10 years, and we need to borrow about $900,000. Is that a jumbo loan?', 'We need to borrow about $900,000. Is that a jumbo loan?'],
    ['marital_status', 'I got married in 2019. Can I refinance the loan I took out alone?', 'Can I refinance the loan I took out alone?'],
    // The question begun after "and" once the asker's statement goes (a public-assistance probe over the dev bases).
    ['public_assistance', "I'm on welfare and can my partner and I both be on the loan?", 'Can we both be on the loan?'],
    ['race', "I'm Black and what is a partial claim on an FHA loan?", 'What is a partial claim on an FHA loan?'],
    ['public_assistance', 'Being on SNAP, should I take a home equity line of credit?', 'Should I take a home equity line of credit?'],
    ['public_assistance', "Do I need private mortgage insurance with 10% down, given that I'm on SNAP?", 'Do I need private mortgage insurance with 10% down?'],
    // From the ninth session's second blind round (fq-265–304).
    ['age', 'Age: 19 | Buying: used car | Rate quoted: 9.9%. Did the dealer mark up that rate?', 'Buying: used car | Rate quoted: 9.9%. Did the dealer mark up that rate?'],
    ['age', 'I was born in 1958 and have only ever had fixed-rate mortgages. How is an ARM rate figured?', 'I have only ever had fixed-rate mortgages. How is an ARM rate figured?'],
    ['age', 'The loan officer says that if I (67, buying my first condo) pay one point, how long until it pays off?', 'The loan officer says that if I (buying my first condo) pay one point, how long until it pays off?'],
    ['age', 'Is the fee increase on my Closing Disclosure allowed?\n— Pat, 71', 'Is the fee increase on my Closing Disclosure allowed?'],
    ['religion', 'Because I keep Shabbat, I don’t sign anything on Saturdays. What happens to my rate lock if closing slips?', 'I don’t sign anything on Saturdays. What happens to my rate lock if closing slips?'],
    ['religion', "We're trying to close right before Passover. Does a higher APR restart the three-day wait?", "We're trying to close right before the holidays. Does a higher APR restart the three-day wait?"],
    ['religion', 'folks at my mosque say you should always pay points. how long before a point pays for itself?', 'Folks at my community say you should always pay points. How long before a point pays for itself?'],
    ['religion', 'Every month I give 10% of my income to my church as a tithe. Does that count in my debt-to-income ratio?', 'Every month I give 10% of my income to my community. Does that count in my debt-to-income ratio?'],
    ['national_origin', 'Sorry if my wording is off, I grew up speaking Tagalog. When must a lender send a Loan Estimate?', 'Sorry if my wording is off. When must a lender send a Loan Estimate?'],
    ['national_origin', 'My relatives, who all came here from Haiti, keep telling me PMI is a waste. When can I drop it?', 'My relatives keep telling me PMI is a waste. When can I drop it?'],
    ['race', 'We like a house in a mostly Black neighborhood. Can a lender refuse to lend there?', 'We like a house in a neighborhood. Can a lender refuse to lend there?'],
    ['public_assistance', 'A neighbor of mine, on Medicaid like me, went on forbearance. Are the skipped payments forgiven?', 'A neighbor of mine went on forbearance. Are the skipped payments forgiven?'],
    // A closing "since" that is an adverb is not a clause left empty.
    ['religion', "I'm Quaker. I sold my condo four years ago and have rented since. Would I still count as a first-time buyer?", 'I sold my condo four years ago and have rented since. Would I still count as a first-time buyer?'],
    // Tenth session: a group's name after a possessive describes what follows, it names no asker.
    ['age', 'my boomer brain cant do apr math lol. whats an apr on $15 per $100', 'My brain cant do apr math lol. Whats an apr on $15 per $100'],
    // From the tenth session's blind round (fq-305–344): a relative clause or an aside whose trait was its whole
    // point goes with it; a faith's greeting, scripture and rites; an accent, a city-born adjective, a country one
    // left or sends money back to; a title in a signature; a list item; an age to come and a class year.
    ["race", "So my coworker who is also black told me the score in my banking app isnt the one lenders use. Which score do they use?", "So my coworker told me the score in my banking app isnt the one lenders use. Which score do they use?"],
    ["race", "A bunch of my neighbors and I (I'm Black too) keep getting flyers from a company that wants the deed. Is this legit?", "A bunch of my neighbors and I keep getting flyers from a company that wants the deed. Is this legit?"],
    ["race", "Asian American Army vet here. What is the VA funding fee the second time?", "Army vet here. What is the VA funding fee the second time?"],
    ["race", "My aunt, an Asian American schoolteacher, agreed to co-sign my student loan. Can she be released later?", "My relative, a schoolteacher, agreed to co-sign my student loan. Can they be released later?"],
    ["color", "My partner, who's a lot darker-skinned than me, and I are buying our first place. Do we both need a homebuyer course?", "We are buying our first place. Do we both need a homebuyer course?"],
    ["color", "Fair-skinned here (seriously, the palest person I know). Is a processing fee paid in gift cards a red flag?", "Is a processing fee paid in gift cards a red flag?"],
    ["religion", "Assalamu alaikum, everyone! Will checking rates with a few lenders hurt my credit?", "Will checking rates with a few lenders hurt my credit?"],
    ["religion", "Between work, Bible study, and everything else, I barely have time to watch rates. When do most people lock their rate?", "Between work and everything else, I barely have time to watch rates. When do most people lock their rate?"],
    ["religion", "My landlord, who goes to the same mosque as me, offered to sell me the house. Do I still need an inspection?", "My landlord offered to sell me the house. Do I still need an inspection?"],
    ["religion", "Fasting today for Yom Kippur, so forgive me if this is scattered. Is refinancing the way to drop FHA mortgage insurance?", "Forgive me if this is scattered. Is refinancing the way to drop FHA mortgage insurance?"],
    ["religion", "We put $6,000 from our child's big bar mitzvah celebration on a credit card. Would a balance transfer save us money?", "We put $6,000 from our child's big celebration on a credit card. Would a balance transfer save us money?"],
    ["national_origin", "People on the phone ask me to repeat myself because of my accent, so I want to understand this. What is forbearance?", "People on the phone ask me to repeat myself, so I want to understand this. What is forbearance?"],
    ["national_origin", "I became a U.S. citizen last spring, 14 years after leaving Ghana, and now I want to buy a home. What is a forgivable second loan?", "I became a U.S. citizen last spring, and now I want to buy a home. What is a forgivable second loan?"],
    ["national_origin", "My Lagos-born cousin, a real estate agent, says to drop the appraisal contingency. What does it protect me from?", "My cousin, a real estate agent, says to drop the appraisal contingency. What does it protect me from?"],
    ["national_origin", "I send money to my family back in the philippines every month so my savings are small. Whats the least i can put down", "I send money to my family every month so my savings are small. Whats the least i can put down"],
    ["national_origin", "I'd love a 15-year loan (I was born in Kenya, for context). Will the shorter term change how much I can borrow?", "I'd love a 15-year loan. Will the shorter term change how much I can borrow?"],
    ["sex", "How long do I have to file a complaint with HUD?\n\nThank you,\nMs. Carter", "How long do I have to file a complaint with HUD?"],
    ["sex", "My boss calls me the numbers lady at work, but this one has me stuck. Are biweekly payment services worth it?", "My boss calls me the numbers person at work, but this one has me stuck. Are biweekly payment services worth it?"],
    ["sex", "My kid is active-duty Navy, and a lender just offered her a personal loan at 39% APR. Isn't there a cap?", "My kid is active-duty Navy, and a lender just offered them a personal loan at 39% APR. Isn't there a cap?"],
    ["sex", "Could my illness count as extenuating circumstances for a conventional loan? Edit: since a few people asked, I'm a woman.", "Could my illness count as extenuating circumstances for a conventional loan?"],
    ["sex", "After four years out of the workforce as a stay-at-home dad, I'm back at work. What student loan payment will a lender count?", "After four years out of the workforce, I'm back at work. What student loan payment will a lender count?"],
    ["marital_status", "We've been married for 12 years, and we're eight years into a 30-year mortgage. Should we worry about restarting the clock?", "We're eight years into a 30-year mortgage. Should we worry about restarting the clock?"],
    ["marital_status", "Trying to get my finances in order, which, after the separation, honestly feels like starting over. Should I pay the smallest card first?", "Trying to get my finances in order, which honestly feels like starting over. Should I pay the smallest card first?"],
    ["marital_status", "My late wife always handled the money, so I'm learning this from zero. What credit score do I need for the best rates?", "My former partner always handled the money, so I'm learning this from zero. What credit score do I need for the best rates?"],
    ["marital_status", "Me and my partner (engaged since Christmas) are short on cash for closing. How do lender credits work?", "We are short on cash for closing. How do lender credits work?"],
    ["age", "Class of '82 here, and the condo I'm looking at just voted a special assessment. Could that affect a conventional loan?", "The condo I'm looking at just voted a special assessment. Could that affect a conventional loan?"],
    ["age", "I'll be 70 in March, and both of my mortgage quotes are ARMs. Does the APR tell me what I'll really pay?", "Both of my mortgage quotes are ARMs. Does the APR tell me what I'll really pay?"],
    ["age", "Longtime reader. I'm 64 and moved across the state last year for work. How much does crossing 740 change pricing?", "Longtime reader. I moved across the state last year for work. How much does crossing 740 change pricing?"],
    ["public_assistance", "My relative, who gets SSDI, has refinanced three times with the same broker. Where can they get a second opinion?", "My relative has refinanced three times with the same broker. Where can they get a second opinion?"],
    ["public_assistance", "We're on SNAP, and honestly, even with SNAP we didn't think we'd save anything. How big an emergency fund should we keep?", "Honestly, we didn't think we'd save anything. How big an emergency fund should we keep?"],
    ["public_assistance", "quick q, we're on wic rn. if we take out a heloc to pay off cards, is the interest still tax deductible", "If we take out a heloc to pay off cards, is the interest still tax deductible"],
    ["public_assistance", "Some details:\n- I own the land outright\n- I'm on SSDI\nCan I get a regular mortgage for a manufactured home?", "Some details:\n- I own the land outright\nCan I get a regular mortgage for a manufactured home?"],
    // From the fourth blind round of that session (fq-345–384): asides in a quotation, appositives, "I'm, …" after a
    // colon, "someone single like you", "#over60", "divorcée".
    ["race", "My agent told me, \"people like you, being Hispanic, usually go FHA,\" but I have a 760 score. Would conventional be cheaper?", "My agent told me, \"people like you usually go FHA,\" but I have a 760 score. Would conventional be cheaper?"],
    ["race", "The sellers, a Black couple, offered to pay $6,000 toward my closing costs. Can that go toward my down payment?", "The sellers offered to pay $6,000 toward my closing costs. Can that go toward my down payment?"],
    ["race", "Numbers check before I apply: I'm Black, I gross $7,200 a month. What is my DTI?", "Numbers check before I apply: I gross $7,200 a month. What is my DTI?"],
    ["religion", "The loan officer said, \"I'll take care of you, we're both Catholic, so just put down a higher income.\" Is that a red flag?", "The loan officer said, \"I'll take care of you, so just put down a higher income.\" Is that a red flag?"],
    ["national_origin", "The loan officer told me, \"people like you, from Honduras, usually need a co-signer.\" Can a lender require one?", "The loan officer told me, \"people like you usually need a co-signer.\" Can a lender require one?"],
    ["national_origin", "The HOA president, a Vietnamese immigrant who has lived here for 30 years, says dues are behind. Will that block a conventional loan?", "The HOA president, who has lived here for 30 years, says dues are behind. Will that block a conventional loan?"],
    ["sex", "I'm a 34-year-old woman likely to relocate in about 4 years. Which loan offer is cheaper for me?", "I'm likely to relocate in about 4 years. Which loan offer is cheaper for me?"],
    ["sex", "Will I, a 25-year-old woman, need a cosigner for my auto loan?", "Will I need a cosigner for my auto loan?"],
    ["marital_status", "As a 70-year-old divorcée living alone, I got a letter offering to pay my property taxes if I sign my house over. Should I do it?", "As someone living alone, I got a letter offering to pay my property taxes if I sign my house over. Should I do it?"],
    ["marital_status", "My parent keeps saying, \"someone single like you should close all those old credit cards.\" Will closing them hurt my score?", "My parent keeps saying, \"someone like you should close all those old credit cards.\" Will closing them hurt my score?"],
    ["age", "Can we drop PMI early with a new appraisal? #homeowners #over60", "Can we drop PMI early with a new appraisal?"],
    ["public_assistance", "We get SNAP, and our Loan Estimate showed $1,250 in title fees. Are increases allowed?", "Our Loan Estimate showed $1,250 in title fees. Are increases allowed?"],
    ["public_assistance", "My sibling swears, \"people on SSI like us shouldn't check our own credit scores.\" Is that true?", "My sibling swears, \"people like us shouldn't check our own credit scores.\" Is that true?"],
    ["public_assistance", "I'm on SSI, and a website offering free credit reports asked for my Social Security number. Is that legit?", "A website offering free credit reports asked for my Social Security number. Is that legit?"],
    // From the fifth blind round of that session (fq-385–424): the trait as a rhetorical question's subject ("Would
    // being Black make any difference?"), a correction, a trait a third party saw, a comparator's trait, a house of
    // worship as an employer, a compound ("Korean-American-owned", "SNAP-stretched"), text-speak.
    ["race", "Would being Black make any difference here? I doubt it. Is a piggyback second mortgage better than a jumbo loan?", "Is a piggyback second mortgage better than a jumbo loan?"],
    ["color", "A bit about me: dark-skinned, one income, first time owning land. Can I refinance a chattel loan into a mortgage?", "A bit about me: one income, first time owning land. Can I refinance a chattel loan into a mortgage?"],
    ["color", "My much darker-skinned cousin got a penalty rate reversed. Can my card company raise the rate on my existing balance?", "My cousin got a penalty rate reversed. Can my card company raise the rate on my existing balance?"],
    ["color", "My neighbor introduces me as \"the pale one who fixes everyone's bikes.\" Do I need flood insurance in a FEMA flood zone?", "My neighbor introduces me as \"the one who fixes everyone's bikes.\" Do I need flood insurance in a FEMA flood zone?"],
    ["religion", "I have a feeling the broker lost interest once he saw my Sikh turban. Setting that aside: can I drop escrow on a higher-priced mortgage?", "I have a feeling the broker lost interest. Setting that aside: can I drop escrow on a higher-priced mortgage?"],
    ["religion", "Small correction to my last message: I'm not Baptist, I'm Methodist. Will my parents owe gift tax on $40,000?", "Will my parents owe gift tax on $40,000?"],
    ["religion", "My mosque bookkeeping salary is $5,000 a month. What is my debt-to-income ratio with a $1,400 payment?", "My bookkeeping salary is $5,000 a month. What is my debt-to-income ratio with a $1,400 payment?"],
    ["national_origin", "Everyone at work assumes I'm Mexican, but I'm Honduran. Could an $800,000 loan count as conforming this year?", "Could an $800,000 loan count as conforming this year?"],
    ["national_origin", "The guys at my shop call me \"the Dominican who reads every letter twice.\" Does a new servicer have to honor my trial modification?", "The guys at my shop call me \"the one who reads every letter twice.\" Does a new servicer have to honor my trial modification?"],
    ["national_origin", "The Korean-American-owned restaurant where I've worked for eight years is offering me $5,000. Can an FHA loan accept a gift from an employer?", "The restaurant where I've worked for eight years is offering me $5,000. Can an FHA loan accept a gift from an employer?"],
    ["sex", "The roofer calls me \"the lady who actually reads contracts.\" Would a home equity loan make more sense than a cash-out refinance?", "The roofer calls me \"the one who actually reads contracts.\" Would a home equity loan make more sense than a cash-out refinance?"],
    ["sex", "Should it matter that I'm a woman? It shouldn't. Will consolidating FFEL loans reset my PSLF progress?", 'Will consolidating FFEL loans reset my PSLF progress?'],
    ["marital_status", "newly divorced n tryna fix my credit b4 i buy a place. whats the biggest thing in my score tbh", "Tryna fix my credit b4 i buy a place. Whats the biggest thing in my score tbh"],
    ["marital_status", "I got the feeling the loan officer talked down to me because I'm divorced. Anyway, how is HCLTV different from CLTV?", "I got the feeling the loan officer talked down to me. Anyway, how is HCLTV different from CLTV?"],
    ["marital_status", "For the record, I'm not separated, I'm divorced. Can I do a cash-out refinance eight months after buying?", "Can I do a cash-out refinance eight months after buying?"],
    ["age", "Household: me (71) and a roommate. Is an FHA loan possible on a condo that isn't FHA-approved?", "Household: me and a roommate. Is an FHA loan possible on a condo that isn't FHA-approved?"],
    ["age", "Yo im 24 n wanna buy in a small town. How do i kno if it counts as rural for a usda loan", "Yo wanna buy in a small town. How do i kno if it counts as rural for a usda loan"],
    ["public_assistance", "Is our SSDI relevant here? Doubt it. What's an FHA streamline refinance?", "Is it relevant here? Doubt it. What's an FHA streamline refinance?"],
    ["public_assistance", "Between rent, daycare, and my SNAP-stretched grocery budget, things are tight. How can I tell if I can handle a bigger payment?", "Between rent, daycare, and my grocery budget, things are tight. How can I tell if I can handle a bigger payment?"],
    // From the sixth blind round of that session (fq-425–464, variants worded as each asker would): closing lines
    // left with nothing ("Asking.", "By the way.", "Thanks, a reader."), "I'm Native American" is no first name.
    ["race", "Is it a good idea to use a home equity loan to pay off my credit cards? Asking as a white homeowner.", "Is it a good idea to use a home equity loan to pay off my credit cards?"],
    ["race", "How long do I have to wait after a foreclosure to get a USDA loan? I'm Native American, by the way.", "How long do I have to wait after a foreclosure to get a USDA loan?"],
    ["religion", "What is residual income on a VA loan? Thanks, a Greek Orthodox reader.", "What is residual income on a VA loan?"],
    ["religion", "I'm Catholic and go to Mass every Sunday. Does my car payment count in my debt-to-income ratio?", "Does my car payment count in my debt-to-income ratio?"],
    ["color", "I'm very pale, the kind who burns in ten minutes. Do down payment grants have to be paid back?", "The kind who burns in ten minutes. Do down payment grants have to be paid back?"],
    ["national_origin", "My sibling is co-signing my car loan, and we're both Vietnamese. Does the lender have to warn them?", "My sibling is co-signing my car loan. Does the lender have to warn them?"],
    ["national_origin", "I moved here from Brazil 10 yrs ago — lost a house to foreclosure 5 years ago. How long must I wait for a conventional loan?", "I moved here 10 yrs ago — lost a house to foreclosure 5 years ago. How long must I wait for a conventional loan?"],
    ["age", "I'm a millennial, 34 this year. Will I need two appraisals for a jumbo loan?", "Will I need two appraisals for a jumbo loan?"],
    ["age", "I'm 69 and on forbearance right now. Does interest keep adding up?", "I'm on forbearance right now. Does interest keep adding up?"],
    ["age", "I'm on forbearance right now, and I'm 31. Does interest keep adding up?", "I'm on forbearance right now. Does interest keep adding up?"],
    ["public_assistance", "Can someone on SSDI file a complaint with the CFPB about a debt collector?", "Can I file a complaint with the CFPB about a debt collector?"],
    ["public_assistance", "What happens if I only pay the minimum on my credit card? I'm on SSI", "What happens if I only pay the minimum on my credit card?"],
    ["public_assistance", "I'm shopping for a car loan, and my family gets SNAP. Will checking rates hurt my credit?", "I'm shopping for a car loan. Will checking rates hurt my credit?"],
    ["public_assistance", "I've been on SSI for years. What is loan flipping?", "What is loan flipping?"],
    ["public_assistance", "Does my SNAP use affect my mortgage application?", "Does it affect my mortgage application?"],
    ["sex", "I'm just a regular guy trying to buy a house. What credit score do I need?", "I'm just a regular borrower trying to buy a house. What credit score do I need?"],
    ["sex", "I'm just a regular gal trying to buy a house. What credit score do I need?", "I'm just a regular borrower trying to buy a house. What credit score do I need?"],
    ["age", "Closing is Friday, and at 71 I've spent all week packing. What should I double-check before I sign?", "Closing is Friday, and I've spent all week packing. What should I double-check before I sign?"],
    ["marital_status", "Single veteran here. Am I past the VA waiting period after a Chapter 7?", "Veteran here. Am I past the VA waiting period after a Chapter 7?"],
    ["public_assistance", "We get LIHEAP help with heating. Should we refinance from 7.1% to 6.5%?", "We get help with heating. Should we refinance from 7.1% to 6.5%?"],
    ["marital_status", "I like lender A better, which matters since im newly separated and juggling a million things. Can I ask A to match B?", "I like lender A better, which matters since im juggling a million things. Can I ask A to match B?"],
    // (What is left says nothing, but is not a husk: left as it reads.)
    ["sex", "Sent from the IT help desk, where I'm the only guy. Would co-signing a car loan hurt my mortgage chances?", "Sent from the IT help desk, where I'm the only person. Would co-signing a car loan hurt my mortgage chances?"],
  ])('removes %s: %s', (category, question, neutral) => {
    const result = neutralizeQuestion(question);
    expect(result.text).toBe(neutral);
    expect(result.changed).toBe(true);
    expect(result.removed).toContain(category);
    expect(findProtectedTermSpans(result.text)).toEqual([]);
  });

  it('turns "As a 35-year-old Catholic woman, can I…" into "Can I…"', () => {
    const result = neutralizeQuestion('As a 35-year-old Catholic woman, can I get a jumbo loan?');
    expect(result.text).toBe('Can I get a jumbo loan?');
    expect(result.removed).toEqual(expect.arrayContaining(['age', 'religion', 'sex']));
  });

  it('gives every variant of a question the same text', () => {
    const variants = [
      'As a Black borrower, what credit score do I need for an FHA loan?',
      'As a white borrower, what credit score do I need for an FHA loan?',
      'As a Hispanic borrower, what credit score do I need for an FHA loan?',
    ];
    expect(new Set(variants.map(text)).size).toBe(1);
  });

  describe('keeps what bears on a lending rule, in neutral form', () => {
    it('an age in a reverse-mortgage question (the youngest borrower must be 62)', () => {
      expect(text("I'm 64, can I get a reverse mortgage?")).toBe("I'm 64, can I get a reverse mortgage?");
      const result = neutralizeQuestion('I am 70 years old. How does a reverse mortgage work?');
      expect(result.text).toBe('I am 70 years old. How does a reverse mortgage work?');
      expect(result.kept).toEqual([{ category: 'age', term: '70 years old', reason: 'hecm-age' }]);
      expect(text('As a senior, am I eligible for a HECM?')).toContain('senior');
    });

    it('public-assistance income in a question about income, whichever program it is', () => {
      const ssi = neutralizeQuestion('I receive SSI and SNAP. How much house can I afford?');
      const disability = neutralizeQuestion('I receive Social Security disability income. How much house can I afford?');
      expect(ssi.text).toBe('I receive public assistance income. How much house can I afford?');
      expect(disability.text).toBe(ssi.text);
      expect(ssi.kept.map((entry) => entry.reason)).toEqual(['public-assistance-income', 'public-assistance-income']);
      expect(text('Will lenders count my SSI income?')).toBe('Will lenders count my public assistance income?');
    });

    it('not where "count" counts a loan as a kind of mortgage: the assistance goes', () => {
      const neutral = neutralizeQuestion("Can an interest-only loan count as a qualified mortgage? I'm on SSI.");
      expect(neutral.text).toBe('Can an interest-only loan count as a qualified mortgage?');
      expect(neutral.kept).toEqual([]);
      expect(neutralizeQuestion("I'm on SSI. Does it count as income?").text).toBe('I receive public assistance income. Does it count as income?');
    });

    it('not where "qualify" is about the property: an appraisal waiver bears on no income rule, and the assistance goes', () => {
      expect(text("I'm on SNAP. Can I qualify for an appraisal waiver?")).toBe('Can I qualify for an appraisal waiver?');
      expect(text("I'm on SNAP. Can I qualify for a mortgage?")).toBe('I receive public assistance income. Can I qualify for a mortgage?');
    });

    it('Social Security, public assistance under Reg B commentary 2(z)-3, as counted income in a question about qualifying (the age goes)', () => {
      const result = neutralizeQuestion("I'm elderly and on social security, can I still qualify for a mortgage?");
      expect(result.text).toBe("I'm on public assistance income, can I still qualify for a mortgage?");
      expect(result.removed).toContain('age');
      expect(result.kept).toEqual([expect.objectContaining({ category: 'public_assistance', reason: 'public-assistance-income' })]);
    });

    it('a service-connected disability in a VA question, household size in a USDA question', () => {
      expect(text('I am a disabled veteran. Do I pay the VA funding fee?')).toBe('I am a disabled veteran. Do I pay the VA funding fee?');
      expect(neutralizeQuestion('We are a family of five. What is the USDA income limit?').kept).toEqual([
        { category: 'familial_status', term: 'family of five', reason: 'household-size' },
      ]);
    });

    it('military and veteran status, which are not protected bases', () => {
      expect(text('I am an active-duty service member. Does the SCRA cap my rate?')).toBe('I am an active-duty service member. Does the SCRA cap my rate?');
    });

    it('a consumer-rights question, where the right is the topic', () => {
      expect(text('How do I file a dispute with the credit bureau?')).toBe('How do I file a dispute with the credit bureau?');
    });
  });

  it.each([
    'What credit score do I need for an FHA loan?',
    'Can I use gift money for my down payment?',
    // "as a couple" the borrower wrote stays; an amount or a count after "over" is not an age.
    'Can we apply as a couple?',
    'Is a DTI over 50% too high?',
    "I'm over 30 days late. What now?",
    'Can I refinance, and if so when?',
    'Is a single-family home eligible for a USDA loan?',
    'What does being in the black mean for my credit?',
    'How long does it take to close on a home?',
    'What is the age of my credit history worth?',
    // A count of days or payments is not an age; a US state is not a national origin.
    "I'm 30 days late on my mortgage. What happens next?",
    "We're 62 payments into a 30-year loan. Can we drop PMI?",
    "I'm from Georgia. Do USDA income limits apply to me?",
    'Are French doors worth it before I sell?',
    'Is there a Spanish version of the Loan Estimate?',
    'Does the unemployment rate in my county change mortgage rates?',
    'We borrowed from Chad, a friend. Does that count as a gift?',
    // Words one letter from a basis that are not misspellings of it.
    'Is Indiana a good state for USDA loans?',
    'Does my $29m business count?',
    'What if I miss a payment on my HELOC?',
    'Speaking of PMI, when can I drop it?',
    'A halal mortgage: how does it work?',
    'The lender asked me: do I need PMI with 10% down?',
    'Will my payment turn 5 percent higher?',
    'The minister of finance said rates will fall. Should I wait?',
    'Is the first language of the Loan Estimate English?',
    'Can we close before Christmas?',
    'We engaged a lawyer for the closing. What does that cost?',
    'What are the benefits of a 15-year loan?',
    // A name that is not a person's, after "I'm" or "this is".
    "I'm FHA approved. What now?",
    "This is Wells Fargo's offer: is it good?",
    'What is the best rate to lock?',
  ])('leaves a question with no protected attribute unchanged: %s', (question) => {
    expect(neutralizeQuestion(question)).toEqual({ text: question, changed: false, removed: [], kept: [] });
  });

  it('drops a greeting and a "quick question" preamble from any question, so one asked with or without them reads the same', () => {
    expect(neutralizeQuestion('Hello there, quick question: what is PMI?')).toEqual({ text: 'What is PMI?', changed: true, removed: [], kept: [] });
    expect(text('Hi! Can I cancel PMI at 80%?')).toBe('Can I cancel PMI at 80%?');
    // Repeated, or uncovered once the asker goes.
    expect(text('Quick question from a woman: quick question: what is PMI?')).toBe('What is PMI?');
    expect(text("Hi! I'm a Muslim and quick question: what is PMI?")).toBe('What is PMI?');
    // Not a preamble: the asker is content ("first-time buyer"), and "if that matters to the lender" is part of the question.
    expect(text('Question from a first-time buyer: what is PMI?')).toBe('Question from a first-time buyer: what is PMI?');
    expect(text('Is PMI required, if that matters to the lender?')).toBe('Is PMI required, if that matters to the lender?');
  });

  it('drops courtesy that opens or closes a post, whose words ("advance", "help") would pull retrieval elsewhere', () => {
    // Found by asking every dev base again with a thank-you after it: 27 of 157 answers changed ("Thanks in advance…" retrieved advance fees).
    expect(neutralizeQuestion('Can I still get a 30-year mortgage? Thanks in advance for any help.')).toEqual({ text: 'Can I still get a 30-year mortgage?', changed: true, removed: [], kept: [] });
    expect(text('Thank you! What is PMI?')).toBe('What is PMI?');
    expect(text('What is PMI? Any advice would be greatly appreciated!')).toBe('What is PMI?');
    expect(text("What is PMI? I'd really appreciate it.")).toBe('What is PMI?');
    expect(text('Sorry for the long post. We have a 580 score. Which loan fits? Thanks so much!')).toBe('We have a 580 score. Which loan fits?');
    expect(text('I was wondering: can I cancel PMI at 80%? Hope that makes sense.')).toBe('Can I cancel PMI at 80%?');
    expect(text("What is PMI? I'm a woman. Thanks in advance for any help!")).toBe('What is PMI?');
    // Not courtesy: the words are part of the question.
    expect(text('I was wondering how much PMI costs.')).toBe('I was wondering how much PMI costs.');
    expect(text('Thanks to a gift from family, can I skip PMI?')).toBe('Thanks to a gift from family, can I skip PMI?');
    expect(text('Please help me understand PMI.')).toBe('Please help me understand PMI.');
    expect(text('Can a housing counselor help for free?')).toBe('Can a housing counselor help for free?');
  });

  it('drops a self-label that opens the question ("Homeowner, …") wherever it stands, so a cut asker before it leaves the same text', () => {
    const base = 'Homeowner, about two months behind on my mortgage: when can foreclosure start?';
    expect(text(base)).toBe('About two months behind on my mortgage: when can foreclosure start?');
    expect(text(`Quick question from a woman: ${base.charAt(0).toLowerCase()}${base.slice(1)}`)).toBe(text(base));
    expect(text(`Hi! I'm a woman and ${base.charAt(0).toLowerCase()}${base.slice(1)}`)).toBe(text(base));
  });

  it('drops the hashtags and signature that close a post, whatever they say, so the question reads the same with or without them', () => {
    expect(neutralizeQuestion('Is a 2-1 buydown worth it? #firsthome #househunting')).toMatchObject({ text: 'Is a 2-1 buydown worth it?', removed: [] });
    expect(neutralizeQuestion('Is a 2-1 buydown worth it? — Dana')).toMatchObject({ text: 'Is a 2-1 buydown worth it?', removed: [] });
  });

  it('leaves no husk where a cut mention stood in an aside or after "on"', () => {
    const base = 'My credit card utilization is 45% right now. What should I get it under before applying for a mortgage?';
    expect(text('My credit card utilization is 45% right now — I\'m 19, by the way — what should I get it under before applying for a mortgage?')).toBe(base);
    expect(text('My credit card utilization is 45% right now — I\'m 68 — what should I get it under before applying for a mortgage?')).toBe(base);
    expect(text("I'm on SSDI and drowning in credit card debt. Can a debt settlement company charge me fees first?")).toBe(
      "I'm drowning in credit card debt. Can a debt settlement company charge me fees first?",
    );
    // An aside with content stays.
    expect(text('My utilization is 45% — mostly one card — what should I get it under?')).toBe('My utilization is 45% — mostly one card — what should I get it under?');
  });

  it('reads spousal support as the income it is, like alimony, not as a marital status', () => {
    expect(neutralizeQuestion('I receive spousal support. Does it count as income for a mortgage?')).toMatchObject({ changed: false, removed: [] });
    expect(findProtectedTermSpans('Will the lender count spousal maintenance?')).toEqual([]);
  });

  it('keeps a spouse’s death where service is named: a surviving spouse’s VA eligibility is what is asked', () => {
    expect(neutralizeQuestion('My husband died while he was on active duty. Can I still use his VA home loan benefit?').text).toBe(
      'My co-borrower died while they were on active duty. Can I still use their VA home loan benefit?',
    );
  });

  // The name of a basis says no value of it: every variant of a question keeps it alike, and a question about it needs it.
  it.each([
    'Can a lender ask about my religion?',
    'Do we have to answer the race and ethnicity questions on the application?',
    'Does my age matter for a 30-year mortgage?',
    'Can a lender deny me because of my race?',
    'Can they ask my sex or marital status?',
    // ("What is my race?" had read "What is my?".)
    'What is my race on the application if both my parents are from different backgrounds?',
  ])('keeps the name of a basis the question asks about: %s', (question) => {
    expect(neutralizeQuestion(question).text).toBe(question);
  });

  // A trait given as the reason for how a lender treats the borrower is what the question asks about: it becomes the
  // basis's name, alike for every value, and the fair-lending answer stays in reach.
  it.each([
    ["Can a mortgage lender turn me down because I'm Muslim, even when my credit is strong?", 'Can a mortgage lender turn me down because of my religion, even when my credit is strong?', 'religion'],
    ["Can a lender charge me a higher rate because I'm a woman?", 'Can a lender charge me a higher rate because of my sex?', 'sex'],
    ['Could a bank cut my credit line because of my dark skin?', 'Could a bank cut my credit line because of my skin color?', 'color'],
    ["Was I denied because I'm a Black woman?", 'Was I denied because of my race and sex?', 'race'],
    ['Can a lender turn me down because I get SSI?', 'Can a lender turn me down because of my receipt of public assistance?', 'public_assistance'],
    ['Can they charge me more for being 70?', 'Can they charge me more because of my age?', 'age'],
    // The age's span holds its own "I'm" (it had read "Can a personal loan lender turn me down?").
    ["Can a personal loan lender turn me down because I'm 70?", 'Can a personal loan lender turn me down because of my age?', 'age'],
    ["Because I'm Latino, will lenders charge me a higher rate on an FHA loan?", 'Because of my race, will lenders charge me a higher rate on an FHA loan?', 'race'],
    ["Could the appraiser have lowballed it because we're from Pakistan?", 'Could the appraiser have lowballed it because of our national origin?', 'national_origin'],
  ])('names the basis of a trait given as the reason: %s', (question, neutral, category) => {
    const result = neutralizeQuestion(question);
    expect(result.text).toBe(neutral);
    expect(result.removed).toContain(category);
  });

  it('names the basis a statement gives as the suspected reason, when the text asks whether that is lawful or what to do', () => {
    expect(text("The loan officer wouldn't quote me the regular loan. I honestly think it's because I'm Latina. Is that steering, and is it illegal?")).toBe(
      "The loan officer wouldn't quote me the regular loan. I honestly think it's because of my race. Is that steering, and is it illegal?",
    );
    expect(text("I think it was because I'm Black. What can I do?")).toBe(text("I think it was because I'm white. What can I do?"));
    expect(text("I think it was because I'm Black. What can I do?")).toBe('I think it was because of my race. What can I do?');
    // A suspicion the text does not ask about goes with its trait, as an aside does.
    expect(text("The loan officer was rude and I think it's because I'm divorced. Anyway, what is PMI?")).not.toMatch(/marital|divorced/);
  });

  it('keeps the basis names an application asks for, and leaves no broken clause where traits went', () => {
    expect(text('Why does my refinance application want my sex and ethnicity?')).toBe('Why does my refinance application want my sex and ethnicity?');
    // Had read "I'm and and i think that's it." and "heard and told me".
    expect(text("i'm Sikh and wear a turban and i think that's it. is there any federal law?")).toBe("I think that's it. Is there any federal law?");
    expect(text('The loan officer heard my accent and told me no. Is that legal?')).toBe('The loan officer heard me and told me no. Is that legal?');
    expect(text("I've heard and read that PMI can be removed. When?")).toBe("I've heard and read that PMI can be removed. When?");
  });

  it('drops a remark on whether the trait matters beside the question, with its "probably not" and "anyway:"', () => {
    const base = 'What is PMI?';
    for (const question of [
      "My light complexion shouldn't matter here, right? Anyway: what is PMI?",
      "Being Black shouldn't matter, right? What is PMI?",
      'Does being a practicing Hindu change anything about this? Probably not. What is PMI?',
      "Should it matter that I'm a woman? It shouldn't. Anyway: what is PMI?",
      "What is PMI? Does it make any difference that I'm white?",
      "What is PMI? My ethnicity doesn't matter, I hope.",
    ]) {
      expect(text(question), question).toBe(base);
    }
    // Only beside another question: alone, it is what is asked; and a basis named as the topic stays.
    expect(text('I have a 580 score. Does it matter?')).toBe('I have a 580 score. Does it matter?');
    expect(text('Does my religion matter? What is PMI?')).toBe('Does my religion matter? What is PMI?');
  });

  it('leaves no possessive before a verb where a trait or an event of marital status went', () => {
    expect(text("Our wedding isn't until June, but the house couldn't wait! What is PMI?")).toBe("It isn't until June, but the house couldn't wait! What is PMI?");
    expect(text('Ever since my divorce went through I read all the mail. What is PMI?')).toBe('Ever since it went through I read all the mail. What is PMI?');
    expect(text('My coworker and I are both Black and both buying our first homes. What is PMI?')).toBe('My coworker and I are both buying our first homes. What is PMI?');
    expect(text('My will leaves the house to my son. Can my son assume the mortgage?')).toBe('My will leaves the house to my child. Can my child assume the mortgage?');
  });

  it('reads a place of worship named with its faith and a word before it as one community', () => {
    expect(text('Our whole Hindu temple congregation threw a party. What is PMI?')).toBe('Our community threw a party. What is PMI?');
    expect(text('Our whole Catholic church congregation threw a party. What is PMI?')).toBe('Our community threw a party. What is PMI?');
  });

  it("cuts a reason given for the borrower's own choice, or in a statement, with its trait", () => {
    expect(text("Because I'm 67, should I get a 15-year loan?")).toBe('Should I get a 15-year loan?');
    expect(text("I was denied because I'm a Black woman. What can I do?")).toBe('I was denied. What can I do?');
  });

  it('gives every value of a trait given as the reason the same text', () => {
    const values = ['Muslim', 'Catholic', 'Jewish', 'an atheist'];
    expect(new Set(values.map((value) => text(`Can a lender turn me down because I'm ${value}?`))).size).toBe(1);
  });

  it('still removes the name of a basis from a statement and from a self-description', () => {
    const text = neutralizeQuestion('My religion is important to me. For folks my age (68), is a prepayment penalty legal?').text;
    expect(text).not.toMatch(/religion|age|68/u);
    expect(text).toMatch(/Is a prepayment penalty legal\?$/u);
  });

  it.each(['Muslim', 'I am Black.', 'As a woman?', 'immigrants'])('never returns an empty question: %s', (question) => {
    expect(text(question).trim().length).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const question = 'As a 35-year-old Catholic woman on SSI, how much can I borrow?';
    expect(neutralizeQuestion(question)).toEqual(neutralizeQuestion(question));
  });
});
