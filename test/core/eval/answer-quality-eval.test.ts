import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_CORPUS, DEFAULT_ANSWER_QUESTIONS, runAnswerQualityEvalCommand } from '../../../core/eval/answer-quality-eval-command.ts';
import { evaluateAnswerQuality, scoreAnswer, summarise } from '../../../core/eval/answer-quality-eval.ts';
import {
  citesExpectedDocument,
  classifyOutcome,
  containsFact,
  factRecall,
  leadSentences,
  leadsWithFact,
  refusalScores,
} from '../../../core/eval/answer-quality-metrics.ts';
import { loadAnswerQuestions, parseAnswerQuestions, type AnswerEvalQuestion } from '../../../core/eval/answer-questions.ts';
import { createDocumentSource } from '../../../core/sources/create-document-source.ts';
import { BorrowerProfileSchema } from '../../../shared/contracts/advice.ts';
import { AppError } from '../../../shared/errors/app-error.ts';

const RULE_FACTS = [['$2,520'], ['$3,240']];
const sources = [{ id: 'budgeting-for-homeownership-28-36-rule' }, { id: 'debt-to-income-ratio' }];

describe('answer-quality metrics', () => {
  it('matches facts through $, thousands separators and spacing, but not inside a longer number', () => {
    expect(containsFact('housing up to 2520 dollars', ['$2,520'])).toBe(true);
    expect(containsFact('up to $2,520.', ['2520'])).toBe(true);
    expect(containsFact('a 3.5 % down payment', ['3.5%'])).toBe(true);
    expect(containsFact('a score of 1,620', ['620'])).toBe(false);
    expect(containsFact('$25,200 a year', ['$2,520'])).toBe(false);
    expect(containsFact('$1,061.50 a year', ['$1,061'])).toBe(false);
    expect(containsFact('$1,061.50 a year', ['$1,061', '$1,061.50'])).toBe(true);
  });

  it('fact recall is the share of fact groups found', () => {
    expect(factRecall('Housing up to $2,520 and all debts up to $3,240 [1].', RULE_FACTS)).toBe(1);
    expect(factRecall('Housing up to $2,520 [1].', RULE_FACTS)).toBe(0.5);
    expect(factRecall('Spend no more than 28% on housing [1].', RULE_FACTS)).toBe(0);
  });

  it('the lead is the first two sentences after a fixed heading', () => {
    const headed = 'Here is what the sources say about your question:\nFor a $9,000 income.\n\nThe rule caps housing at 28% [1]. It caps debts at 36% [1]. Housing up to $2,520 [1].';
    expect(leadSentences(headed)).toEqual(['The rule caps housing at 28% [1].', 'It caps debts at 36% [1].']);
    expect(leadsWithFact(headed, RULE_FACTS)).toBe(false);
    expect(leadsWithFact('Housing up to $2,520 [1]. More detail follows [1].', RULE_FACTS)).toBe(true);
  });

  it('the right document must be cited with a [n] marker, not only listed', () => {
    expect(citesExpectedDocument({ advice: 'Up to $2,520 [1].', sources }, ['budgeting-for-homeownership-28-36-rule'])).toBe(true);
    expect(citesExpectedDocument({ advice: 'Up to $2,520 [2].', sources }, ['budgeting-for-homeownership-28-36-rule'])).toBe(false);
    expect(citesExpectedDocument({ advice: 'Up to $2,520.', sources }, ['budgeting-for-homeownership-28-36-rule'])).toBe(false);
  });

  it('a refusal has no sources; the not-covered text with sources is neither a refusal nor an answer', () => {
    const notCovered = 'The knowledge base does not cover this question, so there is no sourced answer to give.';
    expect(classifyOutcome({ advice: notCovered, sources: [] })).toBe('refused');
    expect(classifyOutcome({ advice: notCovered, sources })).toBe('refusal-with-sources');
    expect(classifyOutcome({ advice: 'Up to $2,520 [1].', sources })).toBe('answered');
  });

  it('refusal precision, recall and accuracy each fail on their own side', () => {
    const scores = refusalScores([
      { expected: 'refuse', outcome: 'refused' },
      { expected: 'refuse', outcome: 'answered' },
      { expected: 'answer', outcome: 'refused' },
      { expected: 'answer', outcome: 'answered' },
      { expected: 'answer', outcome: 'refusal-with-sources' },
    ]);
    expect(scores).toEqual({ precision: 0.5, recall: 0.5, correct: 0.4 });
    expect(refusalScores([{ expected: 'answer', outcome: 'answered' }])).toEqual({ precision: null, recall: null, correct: 1 });
  });

  it('a language-notice question expects the notice with the extractive generator and an answer with a model', () => {
    const question: AnswerEvalQuestion = {
      id: 'es',
      split: 'dev',
      kind: 'spanish',
      query: '¿Qué edad hay que tener para una hipoteca inversa?',
      expect: 'language-notice',
      documents: ['reverse-mortgages-hecm-basics'],
      facts: [['62']],
    };
    const notice = { advice: 'Por ahora solo respondemos preguntas en inglés.', sources: [] };
    expect(scoreAnswer(question, notice, { englishOnly: true })).toMatchObject({ expected: 'refuse', outcome: 'refused', languageNotice: true });
    expect(scoreAnswer(question, { advice: 'No cubrimos esto.', sources: [] }, { englishOnly: true }).languageNotice).toBe(false);
    const answered = scoreAnswer(question, { advice: 'Hay que tener al menos 62 años [1].', sources: [{ id: 'reverse-mortgages-hecm-basics' }] }, { englishOnly: false });
    expect(answered).toMatchObject({ expected: 'answer', outcome: 'answered', factRecall: 1, lead: true, rightDocument: true });
  });

  it('a problem raised instead of an answer counts as a refusal; summaries are per split', async () => {
    const questions = parseAnswerQuestions(
      [
        { id: 'a', split: 'dev', kind: 'numbers', query: 'We make $9,000 a month; 28/36?', expect: 'answer', documents: ['budgeting-for-homeownership-28-36-rule'], facts: RULE_FACTS },
        { id: 'b', split: 'test', kind: 'off-topic', query: 'Bitcoin taxes?', expect: 'refuse', documents: [], facts: [] },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    const { rows, results } = await evaluateAnswerQuality(
      async ({ query }) => {
        if (query.startsWith('Bitcoin')) throw new AppError('validation-failed', { detail: 'not covered' });
        return { advice: 'Housing up to $2,520 [1]. All debts up to $3,240 [1].', sources };
      },
      questions,
      { englishOnly: true },
    );
    expect(rows.map((row) => row.outcome)).toEqual(['answered', 'refused']);
    expect(results.dev).toMatchObject({ questions: 1, factRecall: 1, lead: 1, rightDocument: 1, refusalsCorrect: 1 });
    expect(results.test).toMatchObject({ questions: 1, factRecall: null, refusalRecall: 1, refusalPrecision: 1, refusalsCorrect: 1 });
    expect(summarise([]).refusalsCorrect).toBeNull();
  });
});

describe('the question file', async () => {
  const questions = await loadAnswerQuestions(DEFAULT_ANSWER_QUESTIONS);
  const corpus = new Set((await createDocumentSource({ kind: 'jsonl', path: DEFAULT_ANSWER_CORPUS }).read()).documents.map((document) => document.id));

  it('validates, with unique ids and both splits stratified by kind', () => {
    expect(questions.length).toBeGreaterThanOrEqual(60);
    expect(new Set(questions.map((question) => question.id)).size).toBe(questions.length);
    for (const kind of new Set(questions.map((question) => question.kind))) {
      const splits = new Set(questions.filter((question) => question.kind === kind).map((question) => question.split));
      expect([kind, [...splits].sort()]).toEqual([kind, ['dev', 'test']]);
    }
  });

  it('names only documents in the corpus, and valid profiles', () => {
    for (const question of questions) {
      for (const id of question.documents) expect(corpus.has(id), `${question.id}: ${id}`).toBe(true);
      if (question.profile) expect(BorrowerProfileSchema.safeParse(question.profile).success).toBe(true);
    }
  });

  it('has numbers, off-topic and Spanish questions', () => {
    expect(questions.filter((question) => question.kind === 'spanish').length).toBeGreaterThanOrEqual(4);
    expect(questions.filter((question) => question.expect === 'refuse').length).toBeGreaterThanOrEqual(5);
    expect(questions.filter((question) => question.kind === 'numbers').length).toBeGreaterThanOrEqual(10);
  });

  it('rejects duplicates and answer questions without facts', () => {
    const row = { id: 'x', split: 'dev', kind: 'direct', query: 'What is PMI?', expect: 'answer', documents: ['private-mortgage-insurance-pmi'], facts: [['80%']] };
    expect(() => parseAnswerQuestions([row, row].map((value) => JSON.stringify(value)).join('\n'))).toThrow(/duplicate id/);
    expect(() => parseAnswerQuestions(JSON.stringify({ ...row, facts: [] }))).toThrow(AppError);
    expect(() => parseAnswerQuestions(JSON.stringify({ ...row, profile: { creditScore: 1200 } }))).toThrow(AppError);
  });
});

describe('npm run eval -- answers', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  async function run(args: string[]) {
    const lines: string[] = [];
    const errors: string[] = [];
    const { log, error, table } = console;
    console.log = (line: unknown) => void lines.push(String(line));
    console.error = (line: unknown) => void errors.push(String(line));
    console.table = () => undefined;
    try {
      return { code: await runAnswerQualityEvalCommand(args, { env: { GENERATOR: 'extractive' }, now: () => new Date('2026-12-06T10:00:00Z') }), lines, errors };
    } finally {
      Object.assign(console, { log, error, table });
    }
  }

  it('runs a subset of both splits through the advice pipeline and writes the results file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'answer-quality-'));
    dirs.push(dir);
    const out = join(dir, 'answer-quality.json');
    const { code, lines } = await run(['--limit', '3', '--json', '--out', out]);
    expect(code).toBe(0);
    const printed = JSON.parse(lines.at(-1)!);
    const written = JSON.parse(await readFile(out, 'utf8'));
    expect(written).toMatchObject({ date: '2026-12-06', generator: 'extractive', split: 'all', limit: 3 });
    expect(written.results).toEqual(printed.results);
    for (const split of ['dev', 'test']) {
      expect(written.results[split].questions).toBe(3);
      for (const metric of ['factRecall', 'lead', 'rightDocument', 'refusalsCorrect']) expect(typeof written.results[split][metric]).toBe('number');
    }
    expect(written.perQuestion).toHaveLength(6);
  });

  it('--with-scene asks each question after the statement, records it, and writes apart from the plain results', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'answer-quality-'));
    dirs.push(dir);
    const plainOut = join(dir, 'plain.json');
    const sceneOut = join(dir, 'scene.json');
    const scene = 'I make $6,000 a month and pay $900 a month on debts.';
    expect((await run(['--split', 'dev', '--limit', '5', '--out', plainOut])).code).toBe(0);
    expect((await run(['--split', 'dev', '--limit', '5', '--with-scene', scene, '--out', sceneOut])).code).toBe(0);
    const plain = JSON.parse(await readFile(plainOut, 'utf8'));
    const withScene = JSON.parse(await readFile(sceneOut, 'utf8'));
    expect(plain.scene).toBeUndefined();
    expect(withScene).toMatchObject({ scene, split: 'dev', limit: 5 });
    expect(withScene.perQuestion.map((row: { id: string }) => row.id)).toEqual(plain.perQuestion.map((row: { id: string }) => row.id));
    // A statement with the borrower's numbers is read: some answer changes.
    const starts = (report: { perQuestion: { adviceStart: string }[] }) => report.perQuestion.map((row) => row.adviceStart);
    expect(starts(withScene)).not.toEqual(starts(plain));
  });

  it('exits 2 on bad flags', async () => {
    expect((await run(['--split', 'train'])).code).toBe(2);
    expect((await run(['--limit', 'many'])).code).toBe(2);
    expect((await run(['--bogus'])).code).toBe(2);
    expect((await run(['--generator', 'nonsense'])).code).toBe(2);
    expect((await run(['--with-scene', ' ... '])).code).toBe(2);
  });
});
