/**
 * RFC 9457 problem details: the one error format of this API. `type` is a stable URI-like identifier
 * clients may branch on; `title` is for humans; validation problems list each field with its reason.
 */
import type { Response } from 'express';

export interface FieldProblem {
  field: string;
  reason: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_BASE = 'https://boletoflow.dev/problems/';

/** `problem.type` is the short name (e.g. 'validation'); it is sent as PROBLEM_BASE + name. */
export function sendProblem(res: Response, problem: Problem): void {
  const requestId = res.locals.requestId as string | undefined;
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ ...problem, type: PROBLEM_BASE + problem.type, ...(requestId ? { requestId } : {}) });
}
