import { describe, expect, it } from 'vitest';
import { focusOnQuestion, prepareTopicTerms, topicTerms } from '../../../core/advice/scene-sentences.ts';

const documents = [
  { title: 'Fair Lending Rights Under ECOA and Regulation B' },
  { title: 'Home Equity Loans vs. HELOCs' },
  { title: 'Bankruptcy, Foreclosure, and Waiting Periods Before a New Mortgage' },
];
const topics = topicTerms(documents);
const focus = (text: string) => focusOnQuestion(text, topics).focus;
const askedSentences = (text: string) => focusOnQuestion(text, topics).asked;

describe('focusOnQuestion', () => {
  it('drops statements that name nothing the knowledge base is about, wherever they stand', () => {
    expect(focus('This is all great to learn. What is a HELOC draw period?')).toBe('What is a HELOC draw period?');
    expect(focus('A friend told me to ask here. What credit score do I need for an FHA loan?')).toBe('What credit score do I need for an FHA loan?');
    expect(focus('What is PMI? It has been a stressful month. Be gentle with me!')).toBe('What is PMI?');
  });

  it('keeps a statement that names a number, a lending term, an everyday money word or two title words: it is the borrower’s situation', () => {
    for (const statement of ['I have a 580 credit score.', 'I am paying PMI.', 'We went through a foreclosure.', 'I lost my job.', 'I just changed jobs.', 'We are new to home equity.']) {
      const text = `${statement} Can I get an FHA loan?`;
      expect(focus(text)).toBe(text);
    }
  });

  it('drops a statement whose one title word is a plain word ("new", "waiting"): it sets the scene', () => {
    expect(focus('This is all new to me. Can I get an FHA loan?')).toBe('Can I get an FHA loan?');
    expect(focus('I have been waiting all week. Can I get an FHA loan?')).toBe('Can I get an FHA loan?');
  });

  it('keeps every statement when the asked sentence does not stand on its own ("How do I get it back?" is about the statement)', () => {
    const text = 'My landlord is keeping my whole security deposit. How do I get it back?';
    expect(focus(text)).toBe(text);
  });

  it('drops a scene beside a question that names one title word but is clearly about borrowing, and weighs nothing as situation there', () => {
    const text = 'I have been reading about this for weeks and I am still confused. Do I need a Social Security number to get a mortgage?';
    expect(focus(text)).toBe('Do I need a Social Security number to get a mortgage?');
    expect(askedSentences(text)).toBeUndefined();
    // A statement that names the subject stays, and weighs whole beside so thin a question: it says what is asked.
    const leaning = 'I have only been at my job for a year. Can I get a mortgage?';
    expect(focus(leaning)).toBe(leaning);
    expect(askedSentences(leaning)).toBeUndefined();
    // Not clearly about borrowing by itself: the statement stays.
    expect(focus('My neighbor is so loud. Who pays for the repair?')).toBe('My neighbor is so loud. Who pays for the repair?');
  });

  it('keeps the statement a question refers back to ("Does it count…" after "I receive alimony."), not one beside "Is it worth…"', () => {
    for (const text of [
      'I receive alimony. Does it count as income for a mortgage?',
      'The lender mailed a notice. Should I sign it before the HELOC closes?',
      'I get child support every month. Do I have to tell the mortgage company about it?',
    ]) {
      expect(focus(text)).toBe(text);
    }
    expect(focus('A friend told me to ask here. Is it worth paying points on a HELOC?')).toBe('Is it worth paying points on a HELOC?');
    expect(focus('A friend told me to ask here. How long does it take to get a HELOC?')).toBe('How long does it take to get a HELOC?');
  });

  it('leaves a text with no asked sentence, or only asked sentences, as it is', () => {
    expect(focus('saw a debt settlement ad. whats the catch')).toBe('saw a debt settlement ad. whats the catch');
    expect(focus('What is a HELOC? What is PMI?')).toBe('What is a HELOC? What is PMI?');
  });

  it('names the asked sentences when a situation stands beside them, and nothing when the question leans on it', () => {
    expect(askedSentences('We went through a foreclosure. How long until I can get a HELOC?')).toBe('How long until I can get a HELOC?');
    expect(askedSentences('I receive alimony. Does it count as income for a mortgage?')).toBeUndefined();
    expect(askedSentences('What is a HELOC draw period?')).toBeUndefined();
    expect(askedSentences('saw a debt settlement ad. whats the catch')).toBeUndefined();
    // A scene statement goes; nothing is left beside the question.
    expect(askedSentences('A friend told me to ask here. What is a HELOC draw period?')).toBeUndefined();
  });

  it('reads question words in titles as no topic ("Rights" is not the "right place to ask")', () => {
    expect(topics.has('right')).toBe(false);
    expect([...topics]).toEqual(expect.arrayContaining(['heloc', 'foreclosur', 'bankruptci']));
    expect(focus('I hope this is the right place to ask. What is a HELOC?')).toBe('What is a HELOC?');
  });

  it('works the topics out once per loaded index', () => {
    expect(topicTerms(documents)).toBe(topics);
    expect(topicTerms([...documents])).not.toBe(topics);
  });

  it('works them out in steps when an index is prepared, and a request then reads what was prepared', async () => {
    // More titles than one step holds, so the work-out yields between steps.
    const many = Array.from({ length: 350 }, (_, i) => ({ title: i % 2 === 0 ? `Escrow guide ${i}` : 'Home Equity Loans vs. HELOCs' }));
    const prepared = await prepareTopicTerms(many);
    expect([...prepared]).toEqual(expect.arrayContaining(['escrow', 'heloc', 'equiti']));
    expect(topicTerms(many)).toBe(prepared);
    expect(await prepareTopicTerms(many)).toBe(prepared);
    expect(prepared).toEqual(topicTerms([...many]));
  });
});
