import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_QUESTIONS } from '../../../core/eval/answer-quality-eval-command.ts';
import { DEFAULT_ANSWER_VOCABULARY, runAnswerVocabularyCommand } from '../../../core/eval/answer-vocabulary-command.ts';

describe('npm run eval -- vocabulary', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function run(args: string[]): Promise<number> {
    const { log, error } = console;
    console.log = () => undefined;
    console.error = () => undefined;
    try {
      return await runAnswerVocabularyCommand(args, {});
    } finally {
      Object.assign(console, { log, error });
    }
  }

  it('learns the committed file from the dev questions alone: the test split, removed, changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'answer-vocabulary-'));
    dirs.push(dir);
    const devOnly = join(dir, 'dev-questions.jsonl');
    const lines = (await readFile(DEFAULT_ANSWER_QUESTIONS, 'utf8')).split('\n').filter((line) => line.trim().length > 0);
    const dev = lines.filter((line) => (JSON.parse(line) as { split: string }).split === 'dev');
    expect(dev.length).toBeLessThan(lines.length);
    await writeFile(devOnly, `${dev.join('\n')}\n`);
    const out = join(dir, 'answer-vocabulary.json');
    expect(await run(['--questions', devOnly, '--out', out])).toBe(0);
    const learned = JSON.parse(await readFile(out, 'utf8'));
    const committed = JSON.parse(await readFile(DEFAULT_ANSWER_VOCABULARY, 'utf8'));
    expect(learned.learnedFrom.examples).toBe(committed.learnedFrom.examples);
    // If this fails after a change to the questions, the retrieval or the sentence analysis, relearn: npm run eval -- vocabulary.
    expect(learned.terms).toEqual(committed.terms);
  }, 120_000);

  it('exits 2 on bad flags', async () => {
    expect(await run(['--bogus'])).toBe(2);
  });
});
