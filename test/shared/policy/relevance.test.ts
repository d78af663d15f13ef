import { describe, expect, it } from 'vitest';
import { classifyRelevance } from '../../../shared/policy/relevance.ts';
import { OFF_TOPIC_EXAMPLES, ON_TOPIC_EXAMPLES } from '../../../shared/policy/relevance-examples.ts';

// Held out: none of these appear in the training lists (checked below), so the accuracy
// figures measure generalisation, not memory.
const HELD_OUT_ON_TOPIC: readonly string[] = [
  'What are my options for a $200,000 home with a 620 credit score?',
  'Can I buy a house if I just changed jobs?',
  'Is it smart to pay points?',
  'How long does a bankruptcy stay on my report?',
  'How much of my paycheck should go toward my house payment?',
  'Do I qualify for a first-time buyer grant in Ohio?',
  "What's a reasonable rate on a 5-year used truck loan?",
  'My lender says my DTI is 48%, what can I do?',
  'Can I remove my ex-wife from the mortgage after the divorce?',
  'How do I get PMI taken off my loan?',
  'Will paying off my car early help my credit?',
  "What's the catch with no-closing-cost refinancing?",
  'Can I get a mortgage with only one year of self-employment income?',
  'How is my monthly payment calculated?',
  'Is a 7/1 ARM a good choice if I plan to move in five years?',
  'How do I consolidate three credit cards into one payment?',
  'Can I use a personal loan for a down payment?',
  "What's the difference between a fixed and variable rate student loan?",
  "Does co-signing for my son's car affect my credit?",
  'How soon after a foreclosure can I get an FHA loan?',
  "What's a good interest rate for a mortgage right now?",
  'How much do I need to make to buy a $400k house?',
  'Should I refinance to shorten my term from 30 to 15 years?',
  'What does it mean when a loan is in deferment?',
  'How do I read my credit report?',
  'Why did my credit score drop 40 points?',
  'Can I have two mortgages at the same time?',
  'Is it worth paying off my student loans early?',
  'What are the requirements for a home equity line of credit?',
  'How do I negotiate a lower interest rate on my credit card?',
  'Can an appraisal gap kill my purchase?',
  'What are typical closing costs in Texas?',
  'Should I put 20% down or keep cash in reserves?',
  'What does the APR include?',
  'How do I build credit with no credit history?',
  'Can I get a loan with an ITIN instead of a social security number?',
  'What happens at a mortgage closing appointment?',
  'How do I stop collection calls on an old debt?',
  'Is a credit union better than a bank for a car loan?',
  'How much earnest money should I offer?',
  'Can I rent out my house if I have an FHA mortgage?',
  'What is a piggyback loan?',
  'My escrow shortage notice says I owe $900, why?',
  'How do late payments affect refinancing?',
  'Is it okay to open a new credit card before closing on a house?',
  'How much will my payment be on a $25,000 car at 7%?',
  "Can I afford a home on a teacher's salary?",
  'What is the difference between a mortgage broker and a bank?',
  'Are there loans for people with no credit score?',
  'Can I skip a payment on my student loans?',
  'I am a single mother on SNAP and 64 years old. Can I qualify?',
];
const HELD_OUT_OFF_TOPIC: readonly string[] = [
  "What's the forecast for Chicago this weekend?",
  'Who won the NBA finals last year?',
  'Give me a vegan lasagna recipe.',
  'How do I reverse a linked list in Java?',
  'Write a sonnet about friendship.',
  'How old is Taylor Swift?',
  'What should I pack for a trip to Iceland?',
  'What is the dosage of ibuprofen for a child?',
  'Solve 3x + 5 = 20 for x.',
  'Explain the causes of World War I.',
  'What is the best way to learn Spanish?',
  'How do I unclog a kitchen sink?',
  'Which planet has the most moons?',
  'Recommend some indie rock bands.',
  'How do I change the oil in my lawn mower?',
  "What's a good name for a golden retriever?",
  'How do I fold a fitted sheet?',
  'Who directed Jurassic Park?',
  'What are the symptoms of diabetes?',
  'How do I make my resume stand out for a software job?',
  'Tell me a riddle.',
  'How many bones are in the human body?',
  "What's the best way to cook a steak?",
  'How do I set up a Python virtual environment?',
  'What are some fun things to do in Tokyo?',
  'Write a rap verse about summer.',
  'Why do cats purr?',
  'What is the score of the Yankees game?',
  'How does a nuclear reactor work?',
  'Help me write a wedding toast for my sister.',
  "What's the difference between a crocodile and an alligator?",
  'How can I stop my kids from fighting?',
  'How do I get rid of ants in my kitchen?',
  'Which actor played James Bond first?',
  'Explain the rules of cricket.',
];

describe('classifyRelevance', () => {
  it('trains on at least 150 examples per class', () => {
    expect(ON_TOPIC_EXAMPLES.length).toBeGreaterThanOrEqual(150);
    expect(OFF_TOPIC_EXAMPLES.length).toBeGreaterThanOrEqual(150);
  });

  it('is evaluated on questions that are not in the training lists', () => {
    const training = new Set([...ON_TOPIC_EXAMPLES, ...OFF_TOPIC_EXAMPLES].map((example) => example.toLowerCase()));
    const leaked = [...HELD_OUT_ON_TOPIC, ...HELD_OUT_OFF_TOPIC].filter((question) => training.has(question.toLowerCase()));
    expect(leaked).toEqual([]);
    expect(HELD_OUT_ON_TOPIC.length).toBeGreaterThanOrEqual(40);
    expect(HELD_OUT_OFF_TOPIC.length).toBeGreaterThanOrEqual(25);
  });

  it('accepts at least 95% of held-out lending questions', () => {
    const refused = HELD_OUT_ON_TOPIC.filter((question) => !classifyRelevance(question).relevant);
    const accepted = HELD_OUT_ON_TOPIC.length - refused.length;
    expect(accepted / HELD_OUT_ON_TOPIC.length, `falsely refused: ${JSON.stringify(refused)}`).toBeGreaterThanOrEqual(0.95);
  });

  it.each([
    'What are my options for a $200,000 home with a 620 credit score?',
    'Can I buy a house if I just changed jobs?',
    'Is it smart to pay points?',
    'How long does a bankruptcy stay on my report?',
  ])('accepts the design example %j', (question) => {
    expect(classifyRelevance(question).relevant).toBe(true);
  });

  it('refuses at least 90% of held-out off-topic questions', () => {
    const accepted = HELD_OUT_OFF_TOPIC.filter((question) => classifyRelevance(question).relevant);
    const refused = HELD_OUT_OFF_TOPIC.length - accepted.length;
    expect(refused / HELD_OUT_OFF_TOPIC.length, `falsely accepted: ${JSON.stringify(accepted)}`).toBeGreaterThanOrEqual(0.9);
  });

  it('scores a lending question above an off-topic one and is deterministic', () => {
    const lending = classifyRelevance('How do I refinance my mortgage?');
    const weather = classifyRelevance('Will it rain in Seattle tomorrow?');
    expect(lending.score).toBeGreaterThan(weather.score);
    expect(classifyRelevance('How do I refinance my mortgage?')).toEqual(lending);
  });

  it('does not read "April" as APR', () => {
    expect(classifyRelevance('What is the weather like in April?').relevant).toBe(false);
  });
});
