import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BorrowerProfileSchema } from '../../shared/contracts/advice.ts';
import { AppError } from '../../shared/errors/app-error.ts';

/** What a question expects: an answer, a refusal (not covered), or — with the extractive generator — the other-language notice. */
export const AnswerExpectationSchema = z.enum(['answer', 'refuse', 'language-notice']);

export const AnswerQuestionSchema = z
  .object({
    id: z.string().min(1),
    split: z.enum(['dev', 'test']),
    /** direct, numbers, off-topic, unusual, spanish (free text: only used to stratify and report). */
    kind: z.string().min(1),
    query: z.string().min(5).max(500),
    profile: BorrowerProfileSchema.optional(),
    expect: AnswerExpectationSchema,
    /** The documents that answer it (any one of them cited counts). Empty for refusals. */
    documents: z.array(z.string().min(1)),
    /** Key facts: each group is a list of alternatives, one of which must appear in the answer. */
    facts: z.array(z.array(z.string().min(1)).min(1)),
  })
  .strict()
  .superRefine((question, context) => {
    if (question.expect !== 'refuse' && (question.documents.length === 0 || question.facts.length === 0)) {
      context.addIssue({ code: 'custom', message: 'a question that expects an answer needs documents and facts' });
    }
  });

export type AnswerEvalQuestion = z.infer<typeof AnswerQuestionSchema>;
export type EvalSplit = AnswerEvalQuestion['split'];

/** Reads and validates a JSONL question file (one question per line, unique ids). */
export async function loadAnswerQuestions(path: string): Promise<AnswerEvalQuestion[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new AppError('validation-failed', { detail: `cannot read ${path}`, cause: error });
  }
  return parseAnswerQuestions(content, path);
}

/** Parses JSONL question text; `name` labels errors. */
export function parseAnswerQuestions(content: string, name = 'questions'): AnswerEvalQuestion[] {
  const questions: AnswerEvalQuestion[] = [];
  const ids = new Set<string>();
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: AnswerEvalQuestion;
    try {
      parsed = AnswerQuestionSchema.parse(JSON.parse(line));
    } catch (error) {
      throw new AppError('validation-failed', { detail: `${name}:${i + 1}: not an answer-quality question`, cause: error });
    }
    if (ids.has(parsed.id)) throw new AppError('validation-failed', { detail: `${name}:${i + 1}: duplicate id ${parsed.id}` });
    ids.add(parsed.id);
    questions.push(parsed);
  });
  return questions;
}
