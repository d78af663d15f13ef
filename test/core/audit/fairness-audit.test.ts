import { describe, expect, it } from 'vitest';
import type { BiasReportContext } from '../../../core/advice/answer-question.ts';
import { FAIRNESS_FLAGGED_ACTION, flaggedAnswerAuditEntry } from '../../../core/audit/fairness-audit.ts';
import type { BiasReport } from '../../../shared/contracts/advice.ts';

const context = (overrides: Partial<BiasReportContext> = {}): BiasReportContext => ({
  query: 'I am married, email me at jane@example.com. Can I get an FHA loan?',
  answer: 'Because you are married, you qualify [1].',
  neutralAnswerReturned: false,
  answerReplaced: false,
  checkedGenerator: 'extractive-v1',
  returnedGenerator: 'extractive-v1',
  indexVersion: 'v1',
  ...overrides,
});

describe('flaggedAnswerAuditEntry', () => {
  it('records a flagged answer returned for want of an alternative as a failure, with no text of the question or answer', () => {
    const report: BiasReport = {
      score: 1,
      flagged: true,
      flags: [{ characteristic: 'marital_status', location: 'answer', term: 'married', conditionsEligibility: true }],
      reasons: ['conditioning'],
      counterfactual: {
        score: 0,
        threshold: 0.3,
        variants: [],
        neutralAnswerReturned: false,
        incomplete: true,
        unscored: [{ characteristic: 'marital_status', change: 'removed', term: 'married', replacement: '', reason: 'out-of-time' }],
      },
    };
    const entry = flaggedAnswerAuditEntry(report, context());
    expect(entry).toEqual({
      actorId: null,
      actorUsername: null,
      action: FAIRNESS_FLAGGED_ACTION,
      target: 'generator:extractive-v1',
      outcome: 'failure',
      clientIp: null,
      requestId: null,
      details: {
        score: 1,
        reasons: ['conditioning'],
        characteristics: ['marital_status'],
        conditionsEligibility: true,
        neutralAnswerReturned: false,
        answerReplaced: false,
        returnedGenerator: 'extractive-v1',
        indexVersion: 'v1',
        counterfactual: { score: 0, threshold: 0.3, compared: 0, incomplete: true, unscored: ['out-of-time'] },
      },
    });
    expect(JSON.stringify(entry)).not.toMatch(/married|jane|qualify/);
  });

  it('takes the actor and request id from the caller and counts a replaced answer as a success', () => {
    const report: BiasReport = { score: 0.6, flagged: true, flags: [], reasons: ['counterfactual'] };
    const entry = flaggedAnswerAuditEntry(report, context({ answerReplaced: true, neutralAnswerReturned: true, caller: { userId: 'u-1', username: 'borrower', requestId: 'r-1' } }));
    expect(entry).toMatchObject({ actorId: 'u-1', actorUsername: 'borrower', requestId: 'r-1', outcome: 'success' });
    expect(entry.details.counterfactual).toBeUndefined();
  });
});
