import type { BiasReport, ProtectedCharacteristic } from '../../shared/contracts/advice.ts';
import type { BiasReportContext } from '../advice/answer-question.ts';
import type { AuditEntry } from './audit-log.ts';

/** The audit action of an answer flagged by the fairness check. */
export const FAIRNESS_FLAGGED_ACTION = 'advice.fairness.flagged';

/**
 * The audit row for an answer the fairness check flagged (score above the threshold, or a
 * conditioning phrase): the borrower who asked (actor), the generator whose answer was flagged
 * (target), what the check found and what the borrower received. Outcome `success` when the
 * borrower got a replacement (the attribute-neutral answer or the extractive fallback),
 * `failure` when the flagged answer itself was returned because there was no alternative.
 *
 * The question's and answer's text are left out, and so are the matched terms (they are the
 * borrower's own words); only the protected-characteristic categories are kept, which a
 * fair-lending review needs. The audit log redacts personal data from whatever remains.
 */
export function flaggedAnswerAuditEntry(report: BiasReport, context: BiasReportContext): AuditEntry {
  const characteristics = new Set<ProtectedCharacteristic>([
    ...report.flags.map((flag) => flag.characteristic),
    ...(report.counterfactual?.variants ?? []).map((variant) => variant.characteristic),
    ...(report.counterfactual?.unscored ?? []).map((variant) => variant.characteristic),
  ]);
  const counterfactual = report.counterfactual;
  return {
    actorId: context.caller?.userId ?? null,
    actorUsername: context.caller?.username ?? null,
    action: FAIRNESS_FLAGGED_ACTION,
    target: `generator:${context.checkedGenerator}`,
    outcome: context.answerReplaced ? 'success' : 'failure',
    clientIp: context.caller?.clientIp ?? null,
    requestId: context.caller?.requestId ?? null,
    details: {
      score: report.score,
      reasons: report.reasons ?? [],
      characteristics: [...characteristics].sort(),
      conditionsEligibility: report.flags.some((flag) => flag.conditionsEligibility),
      neutralAnswerReturned: context.neutralAnswerReturned,
      answerReplaced: context.answerReplaced,
      returnedGenerator: context.returnedGenerator,
      indexVersion: context.indexVersion,
      ...(counterfactual
        ? {
            counterfactual: {
              score: counterfactual.score,
              threshold: counterfactual.threshold,
              compared: counterfactual.variants.length,
              ...(counterfactual.incomplete ? { incomplete: true, unscored: (counterfactual.unscored ?? []).map((variant) => variant.reason) } : {}),
            },
          }
        : {}),
    },
  };
}
