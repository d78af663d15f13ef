import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GenerationInput, Passage, WorkedFigure } from '../../../core/ports/generator.ts';
import { ExtractiveGenerator, NOT_COVERED_ANSWER } from '../../../core/generation/extractive-generator.ts';
import { analyzeQuestion } from '../../../core/generation/question-analysis.ts';
import { scoreSentences } from '../../../core/generation/sentence-scoring.ts';

const corpus = new Map(
  readFileSync(new URL('../../../data/corpus/lending-guide.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as { id: string; title: string; text: string })
    .map((document) => [document.id, document]),
);

/** Real corpus documents as retrieved passages, numbered in the given (retrieval) order. */
function retrieved(...ids: string[]): Passage[] {
  return ids.map((id, index) => {
    const document = corpus.get(id);
    if (!document) throw new Error(`no corpus document ${id}`);
    return { citation: index + 1, id, title: document.title, text: document.text, score: 1 - index * 0.1 };
  });
}

/** The answer's sentences (figures included) with the citation each carries, if any. */
function answerSentences(text: string): { sentence: string; citation: number | null }[] {
  return text
    .split(/(?<=[.!?]["'”’)\]]*)\s+(?=[A-Z$(])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0)
    .map((sentence) => {
      const marker = / \[(\d+)\]([.!?]*["'”’)\]]*)$/.exec(sentence);
      return marker ? { sentence: `${sentence.slice(0, marker.index)}${marker[2]}`, citation: Number(marker[1]) } : { sentence, citation: null };
    });
}

const generator = new ExtractiveGenerator();
const answer = (input: Omit<GenerationInput, 'passages'> & { passages: Passage[] }) => generator.generate(input);

describe('question analysis', () => {
  it.each([
    ['What credit score do I need for an FHA loan?', 'threshold'],
    ['How long is the draw period on a HELOC?', 'deadline'],
    ['When can I cancel PMI?', 'deadline'],
    ['What are my options for a $200,000 home with a 620 credit score?', 'comparison'],
    ['What is the difference between APR and interest rate?', 'comparison'],
    ['Can I use gift money for my down payment?', 'eligibility'],
    ['How do I dispute an error on my credit report?', 'how-to'],
    ['What is loan-to-value ratio?', 'definition'],
    // A claim to check: no cue (not "a cost, so a number"), the answer confirms or corrects it.
    ['Is it true that the APR includes every cost, even title insurance?', 'general'],
    // A "when" that sets the scene is not a question about time; one that asks is.
    ['When I line up Loan Estimates side by side, where do I find what the lender charges?', 'general'],
    ['When does my HELOC draw period end?', 'deadline'],
    // "when buying a house" sets the scene.
    ['How much does a home inspection usually cost when buying a house?', 'threshold'],
  ] as const)('%s → %s', (question, intent) => {
    expect(analyzeQuestion(question).intent).toBe(intent);
  });

  it('reads the programs and concepts named, abbreviated or spelled out, and keeps numbers apart from terms', () => {
    const analysis = analyzeQuestion('Does a $300,000 FHA loan need private mortgage insurance or MIP?');
    expect([...analysis.entities.programs]).toEqual(['fha']);
    expect([...analysis.entities.concepts]).toEqual(expect.arrayContaining(['pmi', 'mortgage-insurance-premium']));
    expect(analysis.numbers).toEqual(['300000']);
    expect(analysis.terms).not.toContain('300000');
    // Amounts in the borrower's shorthand are not words the guide uses either; nor is hearsay around a claim.
    expect(analyzeQuestion('everyone keeps telling me u need 20% down. thats like $70k, is that actually true?').terms).toEqual(['keep', 'down']);
    expect(analyzeQuestion('Is my DTI too high?').entities.concepts).toEqual(analyzeQuestion('Is my debt-to-income ratio too high?').entities.concepts);
  });

  it('drops a program the borrower rules out, and everyday filler, from what the answer must be about', () => {
    const analysis = analyzeQuestion("I'm not going the FHA route. What's the least I can put down on a regular conventional mortgage?");
    expect([...analysis.entities.programs]).toEqual(['conventional']);
    expect(analysis.terms).not.toContain('fha');
    // Named without a negation it stays.
    expect([...analyzeQuestion('FHA or conventional: which needs less down?').entities.programs].sort()).toEqual(['conventional', 'fha']);
    expect(analyzeQuestion("I can't afford my house anymore. What other ways out do I have?").terms).toEqual(['afford', 'hous']);
    // Chat spellings and contractions without their apostrophe say nothing either.
    expect(analyzeQuestion('closing disclosure how many days b4 closing am i supposed to get it?? lender hasnt sent nothing yet').terms).toEqual(
      ['close', 'disclosur', 'dai', 'lender', 'sent'],
    );
    // Hearsay and chat filler say nothing about the subject.
    expect(analyzeQuestion('lol my coworker swears USDA loans are only for farmers').terms).toEqual(['usda', 'loan', 'onli', 'farmer']);
  });

  it('matches a word family the stemmer splits ("foreclose" in the question, "foreclosure" in the passage)', () => {
    const passages = retrieved('servicemember-protections-scra-mla');
    const scores = scoreSentences(analyzeQuestion('Can they foreclose on me while I am deployed?'), passages, '');
    const court = scores.ranked.find((sentence) => sentence.text.includes('restricts foreclosure without a court order'));
    expect(court?.coverage).toBeGreaterThan(0.5);
    // A word with no related form in the passages is left as it is (and counts as missing).
    expect(scoreSentences(analyzeQuestion('Can they garnish my wages?'), passages, '').ranked.every((sentence) => !sentence.terms.has('garnish'))).toBe(true);
  });

  it('reads the intent from the question the borrower asks, not the statements before it', () => {
    // "afford" in the statement would make it an amount question; the question asks for options.
    expect(analyzeQuestion("I can't afford my house anymore and want to avoid a foreclosure. What other ways out do I have?").intent).toBe('comparison');
    expect(analyzeQuestion('My yearly escrow review says I paid in more than was needed. Do I get that money back?').intent).toBe('eligibility');
    expect(analyzeQuestion("What does it mean when people say they're underwater on their house?").intent).toBe('definition');
    // With no question mark, the whole text decides.
    expect(analyzeQuestion('fha min score').intent).toBe('general');
  });

  it('reads "how often" as a time question whose answer names a span or a frequency', () => {
    const analysis = analyzeQuestion('How often can I get my credit reports for free?');
    expect(analysis.intent).toBe('deadline');
    expect(analysis.cue!.test('You can get free reports from each bureau every week at AnnualCreditReport.com.')).toBe(true);
    expect(analysis.cue!.test('Payments for the first several years, often 5 to 10, cover only interest.')).toBe(true);
    expect(analysis.cue!.test('Your credit reports are records kept by three agencies.')).toBe(false);
  });

  it('reads "how soon … about options" as a time question, which "by the 36th day" answers', () => {
    const analysis = analyzeQuestion("I've missed a couple of mortgage payments. How soon is my servicer supposed to reach out to me about options?");
    expect(analysis.intent).toBe('deadline');
    expect(analysis.cue!.test('Servicers must try to reach you by phone by the 36th day of delinquency.')).toBe(true);
    expect(analyzeQuestion('What are my options if I cannot pay?').intent).toBe('comparison');
  });

  it('takes "neither" and "never" as the answer to a yes/no question', () => {
    const analysis = analyzeQuestion('I have a preapproval letter. Does that mean the lender has to give me the loan?');
    expect(analysis.intent).toBe('eligibility');
    expect(analysis.cue!.test('Neither document commits the lender to fund your loan.')).toBe(true);
  });

  it('reads "which one should I pay off first…" as a choice, not a limit question, whatever "least" says', () => {
    const analysis = analyzeQuestion('I have balances on several credit cards. Which one should I pay off first if I want to pay the least interest?');
    expect(analysis.intent).toBe('general');
    expect(analysis.cue).toBeNull();
  });

  it('reads "which one will the lender go by" as a choice, whatever the scores it lists', () => {
    expect(analyzeQuestion('My three credit scores are 702, 688 and 715. Which one will the mortgage company actually go by?').intent).toBe('general');
  });

  it('reads "any way to…" as a question asking for steps, whatever numbers set the scene', () => {
    expect(analyzeQuestion("The place would need a loan $15k over the normal limit and the lender says 'jumbo'. Any way to not be jumbo??").intent).toBe('how-to');
  });

  it('reads "whats X" as a definition question, and "what\'s the most…" still as a limit one', () => {
    expect(analyzeQuestion('whats TIP on my loan estimate').intent).toBe('definition');
    expect(analyzeQuestion("What's the most a lender can charge in points and fees?").intent).toBe('threshold');
  });

  it('reads a yes/no question offering alternatives as asking which is true, not for a comparison', () => {
    const vaScore = analyzeQuestion('Does the VA itself make you have a certain credit score for a home loan, or is that just up to the bank?');
    expect(vaScore.intent).toBe('general');
    expect(vaScore.cue).toBeNull();
    expect(analyzeQuestion('Can I use a conventional mortgage to buy a rental property, or do I need some other kind of loan for that?').intent).toBe('general');
    // Naming a comparison keeps it one; a question not asked yes/no stays one too.
    expect(analyzeQuestion('Should I go FHA or conventional, which is cheaper?').intent).toBe('comparison');
    expect(analyzeQuestion('FHA or conventional for a 640 score?').intent).toBe('comparison');
  });

  it('reads a verdict asked on the scene ("is that allowed??", "whats the catch") over the numbers the scene gives', () => {
    // Permission: the eligibility cue (may, only, cannot…), not "a number" because of "$400".
    expect(analyzeQuestion("They want a $400 'application fee' before they'll send me a loan estimate. I havent agreed yet, is that allowed??").intent).toBe('eligibility');
    expect(analyzeQuestion('4 days before closing the lender switched us to an ARM. can they even do that').intent).toBe('eligibility');
    // A claim to check: no cue.
    for (const question of [
      'dealer says he can knock my car payment way down if i just go 84 months instead of 60. whats the catch with that',
      'my coworker swears USDA loans are only for farmers. we live 30 min outside the city, is he right??',
      'They refinanced her loan three times in four years. Something feels off?',
    ]) {
      expect(analyzeQuestion(question).intent).toBe('general');
      expect(analyzeQuestion(question).cue).toBeNull();
    }
  });

  it('takes a comparative as what answers a comparison ("…half a point lower")', () => {
    const analysis = analyzeQuestion('How much lower is the interest rate on a 15-year mortgage compared to a 30-year?');
    expect(analysis.intent).toBe('comparison');
    expect(analysis.cue!.test('A 15-year fixed mortgage typically carries a rate roughly half a percentage point to a full point lower.')).toBe(true);
    expect(analysis.cue!.test('A middle path is taking a 30-year loan and paying it on a 15-year schedule.')).toBe(false);
  });

  it('reads the question before a doubled question mark ("Is this OK?? I really…"), not an empty one after it', () => {
    // The empty "?" after "??" used to leave the whole text to decide, where "$1,800" made it a limit question.
    expect(analyzeQuestion('The loan guy told me to put my income as higher than it is on the application. Is this OK?? I really want this house').intent).toBe('eligibility');
  });

  it('reads "is there a ceiling" as a limit question that a sentence saying there is none answers', () => {
    const analysis = analyzeQuestion('Is there a ceiling on what the house can cost if I go with a USDA guaranteed loan?');
    expect(analysis.intent).toBe('threshold');
    expect(analysis.cue!.test('The guaranteed program has no maximum purchase price, though the income cap effectively limits loan size.')).toBe(true);
    expect(analysis.cue!.test('There is no VA loan limit for borrowers with full entitlement.')).toBe(true);
    expect(analysis.cue!.test('The guaranteed program backs mortgages made by approved private lenders.')).toBe(false);
  });
});

describe('ExtractiveGenerator: the answer first', () => {
  it('weighs the words of a situation stated beside the asked sentence below the question’s', async () => {
    const passages = retrieved('self-employed-borrower-documentation', 'discount-points-and-lender-credits');
    const query = 'I work as a nurse and I am trying to plan ahead. Are mortgage points tax deductible?';
    // Every word alike, "plan ahead" and "work" pick the self-employed guide's tax advice.
    expect(answerSentences((await answer({ query, passages })).text)[0]?.sentence).toMatch(/^Plan ahead/);
    const situated = answerSentences((await answer({ query, passages, asked: 'Are mortgage points tax deductible?' })).text);
    expect(situated[0]).toEqual({ sentence: 'Points on a home purchase may be tax deductible in some cases; a tax professional can confirm.', citation: 2 });
  });

  it('opens from the passage the retriever clearly ranked first', async () => {
    // "without paying what a payday lender charges" asks for the alternatives the payday guide lists.
    const query = 'Where can I borrow a few hundred dollars in an emergency without paying what a payday lender charges?';
    const passages = retrieved('payday-and-title-loans', 'va-loans-eligibility-funding-fee', 'predatory-lending-warning-signs');
    passages[1]!.score = 0.69;
    passages[2]!.score = 0.68;
    expect(answerSentences((await answer({ query, passages })).text)[0]!.citation).toBe(1);
    const inspection = retrieved('appraisals-vs-home-inspections', 'usda-guaranteed-rural-loans', 'condo-loans-project-approval');
    inspection[1]!.score = 0.7;
    inspection[2]!.score = 0.65;
    const lead = answerSentences((await answer({ query: 'Do I need a home inspection for the bank to approve my mortgage?', passages: inspection })).text)[0]!;
    expect(lead.citation).toBe(1);
  });

  it('prefers the passage about the concept asked (a DTI question opens with the DTI guide, not the ability-to-repay rule)', async () => {
    // The retriever barely prefers the ability-to-repay guide (a near tie), so what the passages are about decides.
    const passages = retrieved('ability-to-repay-and-qualified-mortgages', 'debt-to-income-ratio', 'private-mortgage-insurance-pmi');
    passages[1]!.score = 0.99;
    const result = await answer({ query: 'What is a good debt-to-income ratio for a mortgage?', passages });
    const sentences = answerSentences(result.text);
    expect(sentences[0]!.sentence).toContain('43% remains a widely used benchmark');
    expect(sentences[0]!.citation).toBe(2);
  });

  it('opens an FHA credit-score question with the 580 and 500 tiers, not USDA underwriting', async () => {
    const passages = retrieved('usda-guaranteed-rural-loans', 'down-payment-options-and-assistance', 'loan-to-value-ratio', 'fha-loans-credit-down-payment-mip');
    const result = await answer({ query: 'What credit score do I need for an FHA loan?', passages });
    const sentences = answerSentences(result.text);
    expect(sentences[0]!.sentence).toContain('580');
    expect(sentences[0]!.citation).toBe(4);
    expect(sentences.slice(0, 3).some(({ sentence }) => sentence.includes('500 to 579'))).toBe(true);
    expect(result.text).not.toContain('USDA sets no official minimum credit score');
  });

  it("answers the README's example with the FHA-vs-conventional comparison at 620, not cash-out refinancing", async () => {
    const passages = retrieved('buying-200k-home-with-620-credit-score', 'cash-out-refinance', 'conventional-loans-conforming-limits', 'fha-loans-credit-down-payment-mip');
    const result = await answer({
      query: 'What are my options for a $200,000 home with a 620 credit score?',
      profile: { propertyValue: 200_000, creditScore: 620 },
      passages,
    });
    const lead = answerSentences(result.text).slice(0, 3);
    expect(lead[0]!.citation).toBe(1);
    expect(lead.some(({ sentence }) => /FHA/.test(sentence))).toBe(true);
    expect(lead.some(({ sentence }) => /[Cc]onventional/.test(sentence))).toBe(true);
    // Without worked figures (the pipeline adds them), the guide's own comparison at 620 answers it.
    expect(result.text).toMatch(/FHA produces the lower monthly payment|minimum down payment is 3\.5%/);
    expect(result.text).not.toMatch(/^Cash-out/);
    expect(result.citations).not.toContain(2);
  });

  it('does not lead a debt-to-income question with adverse-action notices', async () => {
    const passages = retrieved('fair-housing-act-adverse-action-notices', 'ability-to-repay-and-qualified-mortgages', 'debt-to-income-ratio');
    const result = await answer({ query: 'How is my debt-to-income ratio calculated?', passages });
    const [first] = answerSentences(result.text);
    expect(first!.citation).toBe(3);
    expect(first!.sentence).toMatch(/DTI|income/);
    expect(result.text).not.toMatch(/^[^\n]*adverse action/i);
  });

  it('damps a sentence about another program unless it is the one asked about', async () => {
    const passages: Passage[] = [
      { citation: 1, id: 'usda', title: 'USDA loans', score: 0.9, text: 'USDA loans need no down payment for a rural home and a credit score near 640.' },
      { citation: 2, id: 'va', title: 'VA loans', score: 0.5, text: 'VA loans need no down payment for an eligible veteran with any credit score.' },
    ];
    const single = new ExtractiveGenerator({ maxSentences: 1, minSentences: 1 });
    const va = await single.generate({ query: 'Do VA loans need a down payment?', passages });
    expect(va.citations).toEqual([2]);
    const usda = await single.generate({ query: 'Do USDA loans need a down payment?', passages });
    expect(usda.citations).toEqual([1]);
  });

  it('keeps one of two near-duplicate sentences, cites every sentence and quotes only the sources', async () => {
    const sentence = 'VA loans require no down payment for eligible veterans.';
    const passages: Passage[] = [
      { citation: 1, id: 'va1', title: 'VA', score: 0.7, text: sentence },
      { citation: 2, id: 'va2', title: 'VA again', score: 0.6, text: `${sentence} VA loans also have no monthly mortgage insurance.` },
    ];
    const result = await answer({ query: 'VA loan down payment', passages });
    expect(result.text.split(sentence.slice(0, -1)).length - 1).toBe(1);
    expect(result.text).toContain('VA loans also have no monthly mortgage insurance [2].');
    for (const { sentence: quoted, citation } of answerSentences(result.text)) {
      expect(citation, quoted).not.toBeNull();
      expect(passages[citation! - 1]!.text).toContain(quoted);
    }
  });

  it('answers in 3–5 cited sentences quoted verbatim from a real passage set', async () => {
    const passages = retrieved('private-mortgage-insurance-pmi', 'buying-200k-home-with-620-credit-score', 'conventional-loans-conforming-limits');
    const result = await answer({ query: 'When can I cancel PMI?', passages });
    const sentences = answerSentences(result.text);
    expect(sentences.length).toBeGreaterThanOrEqual(3);
    expect(sentences.length).toBeLessThanOrEqual(5);
    for (const { sentence, citation } of sentences) {
      expect(citation, sentence).not.toBeNull();
      expect(passages[citation! - 1]!.text).toContain(sentence);
    }
    expect(sentences.slice(0, 2).some(({ sentence }) => sentence.includes('80%'))).toBe(true);
    expect(result.citations).toEqual([...new Set(sentences.map(({ citation }) => citation!))].sort((a, b) => a - b));
  });

  it('reads a passage title that names the asked concept in full as holding the question\'s abbreviation ("PMI")', () => {
    const sentence = 'You may request cancellation once the balance reaches 80% of the original value.';
    const score = (title: string) =>
      scoreSentences(analyzeQuestion('When can I cancel PMI?'), [{ citation: 1, id: 'doc', title, text: sentence, score: 1 }], '').ranked[0]!.score;
    // The same whether the title abbreviates it or spells it out.
    expect(score('Private Mortgage Insurance: Cost and How to Remove It')).toBeCloseTo(score('PMI: Cost and How to Remove It'), 6);
  });

  it("does not take the question's own number for the number it asks for", () => {
    const asked = analyzeQuestion('Everyone says you need 20% down. What is the least I can put down on a house?');
    const text = 'Many buyers believe a house needs 20% down. A house can be bought with as little as three percent down through some programs, and FHA allows 3.5% down.';
    const [first] = scoreSentences(asked, [{ citation: 1, id: 'down', title: 'Down payments', text, score: 1 }], '').ranked;
    expect(first!.text).toMatch(/^A house can be bought/);
  });

  it('brings the sentence a pronoun-led sentence leans on', async () => {
    const pmi: Passage[] = [
      {
        citation: 1,
        id: 'pmi',
        title: 'PMI',
        score: 0.4,
        text: 'Private mortgage insurance (PMI) is usually required with less than 20% equity. It can be cancelled once the loan-to-value ratio reaches 80%. Appraisals cost extra.',
      },
    ];
    const result = await answer({ query: 'When can PMI be cancelled?', passages: pmi });
    expect(result.text).toContain('equity [1]. It can be cancelled once the loan-to-value ratio reaches 80% [1].');
  });
});

describe('ExtractiveGenerator: worked figures', () => {
  const passages = retrieved('buying-200k-home-with-620-credit-score', 'fha-loans-credit-down-payment-mip', 'budgeting-for-homeownership-28-36-rule');
  const figure = (text: string, sourceDocumentId: string): WorkedFigure => ({ id: 'test', label: 'test', text, inputs: {}, result: {}, sourceDocumentId });
  const figures = [
    figure('FHA: 3.5% down on $200,000 is $7,000, leaving a base loan of $193,000.', 'fha-loans-credit-down-payment-mip'),
    figure('Conventional: 5% down on $200,000 is $10,000.', 'not-retrieved'),
  ];

  it('puts the figures right after the lead, each cited to its rule when that passage was retrieved', async () => {
    const input: GenerationInput = {
      // Figures from the profile only: the question states none, so the quoted answer leads.
      query: 'What are my options with my credit score?',
      profile: { propertyValue: 200_000, creditScore: 620 },
      passages,
      figures,
      figureProblems: ['The down payment of $500,000 is more than the home price, so it was not used.'],
    };
    const result = await generator.generate(input);
    const paragraphs = result.text.split('\n\n');
    expect(paragraphs).toHaveLength(3);
    expect(answerSentences(paragraphs[0]!)).toHaveLength(1);
    expect(paragraphs[1]).toBe(
      'FHA: 3.5% down on $200,000 is $7,000, leaving a base loan of $193,000 [2]. Conventional: 5% down on $200,000 is $10,000. ' +
        'The down payment of $500,000 is more than the home price, so it was not used.',
    );
    expect(result.citations).toContain(2);
  });

  it('puts the figures first for a question that states its numbers, whatever it asks (the README example)', async () => {
    const result = await generator.generate({
      query: 'What are my options for a $200,000 home with a 620 credit score?',
      profile: { propertyValue: 200_000, creditScore: 620 },
      passages,
      figures,
    });
    expect(result.text.startsWith('FHA: 3.5% down on $200,000 is $7,000, leaving a base loan of $193,000 [2]. Conventional: 5% down on $200,000 is $10,000.\n\n')).toBe(true);
  });

  it('puts the figures first for a numbers question', async () => {
    const result = await generator.generate({
      query: 'We make $9,000 a month; by the 28/36 rule how much can we spend on housing?',
      passages,
      figures: [figure('28% of $9,000 is $2,520 for housing; 36% is $3,240 for all debts.', 'budgeting-for-homeownership-28-36-rule')],
    });
    expect(result.text.startsWith('28% of $9,000 is $2,520 for housing; 36% is $3,240 for all debts [3].\n\n')).toBe(true);
  });

  it('puts the figures first when the question writes its amounts as "$620k"', async () => {
    const result = await generator.generate({
      query: 'House is worth around $620k. We owe $410k and want a $75k HELOC on top. What would the combined LTV be?',
      passages,
      figures: [figure('A $410,000 loan on a $620,000 home is an LTV of 66.13%. With $75,000 in other liens, the combined LTV (CLTV) is 78.23%.', 'loan-to-value-ratio')],
    });
    expect(result.text.startsWith('A $410,000 loan on a $620,000 home is an LTV of 66.13%.')).toBe(true);
  });

  it('never opens with a figure problem: it closes the answer, after the figures or, without figures, after every quoted sentence', async () => {
    const problem = 'To work out the VA funding fee I need the loan amount.';
    const query = 'We make $9,000 a month; by the 28/36 rule how much can we spend on housing?';
    const rule = figure('28% of $9,000 is $2,520 for housing; 36% is $3,240 for all debts.', 'budgeting-for-homeownership-28-36-rule');
    const first = await generator.generate({ query, passages, figures: [rule], figureProblems: [problem] });
    const paragraphs = first.text.split('\n\n');
    expect(paragraphs[0]).toBe('28% of $9,000 is $2,520 for housing; 36% is $3,240 for all debts [3].');
    expect(paragraphs.at(-1)).toBe(problem);
    const only = await generator.generate({ query, passages, figureProblems: [problem] });
    const quoted = only.text.split('\n\n');
    expect(quoted).toHaveLength(2);
    expect(answerSentences(quoted[0]!).length).toBeGreaterThan(1);
    expect(quoted[1]).toBe(problem);
  });
});

describe('ExtractiveGenerator: answer or refuse', () => {
  it.each([
    ['How much should car insurance cost for a new driver in Texas?', ['payday-and-title-loans', 'debt-to-income-ratio', 'closing-costs-loan-estimate-closing-disclosure', 'auto-loans-term-cost-dealer-markup']],
    ['How are bitcoin gains taxed?', ['private-mortgage-insurance-pmi', 'escrow-property-taxes-homeowners-insurance', 'self-employed-borrower-documentation']],
    ["What's the most I can put into a Roth IRA this year?", ['conventional-loans-conforming-limits', 'private-mortgage-insurance-pmi', 'fha-loans-credit-down-payment-mip', 'cash-out-refinance']],
    ['Can my landlord raise the rent in the middle of my lease?', ['manufactured-home-financing', 'improving-credit-before-applying', 'fifteen-vs-thirty-year-mortgage', 'cosigners-and-coborrowers']],
    ['What is the capital of France?', ['fha-loans-credit-down-payment-mip']],
    // A lending product the guide never mentions: answering would quote the loans that share its words.
    ['Can I get an SBA loan to buy the building for my bakery?', ['personal-loans', 'home-equity-loans-vs-helocs', 'conventional-loans-conforming-limits']],
    ['Should I take a bridge loan to buy before I sell my house?', ['home-equity-loans-vs-helocs', 'cash-out-refinance', 'first-time-homebuyer-steps']],
  ])('refuses "%s" with no citations', async (query, ids) => {
    const result = await answer({ query, passages: retrieved(...ids) });
    expect(result).toEqual({ text: NOT_COVERED_ANSWER, citations: [], generator: 'extractive-v1' });
  });

  it.each([
    ['Is there an income limit for USDA loans?', 'usda-guaranteed-rural-loans', '115%'],
    ['How long does the credit bureau have to investigate my dispute?', 'credit-reports-and-disputes', '30 days'],
    ['How long is the draw period on a HELOC?', 'home-equity-loans-vs-helocs', '10 years'],
    ['What are cheaper alternatives to a payday loan?', 'payday-and-title-loans', 'Payday Alternative Loans'],
  ])('answers the covered "%s" from its document', async (query, id, fact) => {
    const passages = retrieved(id, 'conventional-loans-conforming-limits', 'debt-to-income-ratio');
    const result = await answer({ query, passages });
    expect(result.citations).toContain(1);
    expect(answerSentences(result.text).slice(0, 2).map(({ sentence }) => sentence).join(' ')).toContain(fact);
  });

  it('refuses when nothing was retrieved', async () => {
    const result = await answer({ query: 'FHA down payment?', passages: [] });
    expect(result).toEqual({ text: NOT_COVERED_ANSWER, citations: [], generator: 'extractive-v1' });
  });
});

describe('ExtractiveGenerator: determinism', () => {
  it('gives the same answer for the same input and honours an aborted signal', async () => {
    const input = { query: 'What credit score do I need for an FHA loan?', passages: retrieved('fha-loans-credit-down-payment-mip', 'usda-guaranteed-rural-loans') };
    const first = await generator.generate(input);
    expect(await new ExtractiveGenerator().generate(input)).toEqual(first);
    await expect(generator.generate({ ...input, signal: AbortSignal.abort() })).rejects.toThrow();
  });
});

describe('the answer vocabulary in sentence scoring', () => {
  it('ranks a sentence whose words answer the question’s words without sharing them higher', async () => {
    const { tokenize } = await import('../../../shared/text/tokenize.ts');
    const question = analyzeQuestion('How much of my credit card limit should I be using?');
    const passages = retrieved('credit-cards-revolving-debt', 'improving-credit-before-applying');
    const guideline = (vocabulary?: Map<string, Map<string, number>>) =>
      scoreSentences(question, passages, '', undefined, vocabulary).ranked.findIndex((sentence) => sentence.text.startsWith('Staying under 30%'));
    const [limit] = tokenize('limit');
    const vocabulary = new Map([[limit!, new Map(tokenize('guideline').map((term) => [term, 10] as const))]]);
    const without = guideline();
    expect(without).toBeGreaterThan(2);
    expect(guideline(vocabulary)).toBeLessThan(2);
    // The generator scores with the vocabulary it is given: "revolving" answering "limit" makes that sentence the lead.
    const ask = async (generator: ExtractiveGenerator) =>
      answerSentences((await generator.generate({ query: 'How much of my credit card limit should I be using?', passages })).text)[0]?.sentence;
    expect(await ask(new ExtractiveGenerator())).toMatch(/^The Credit CARD Act/);
    const revolving = new Map([[limit!, new Map(tokenize('revolving').map((term) => [term, 10] as const))]]);
    expect(await ask(new ExtractiveGenerator({ answerVocabulary: revolving }))).toMatch(/^Credit cards are revolving credit/);
  });
});
