import type { Calculation } from './calculation.ts';

/** Records a calculation's figure (or, when it refused its inputs, its reason) under an id and label, described in one sentence. */
export type Add = <I, R>(id: string, label: string, calculation: Calculation<I, R>, describe: (inputs: I, result: R) => string) => void;

/** Names what a calculation the borrower is working out still needs ("To work out … I need …"). */
export type Need = (what: string, label: string) => void;
