/**
 * Workflow interceptors (registered by the worker): keep the request id of the latest API call that touched
 * this workflow (start, signal or update: all recorded in history, so replay sees the same), add it to the
 * workflow's log lines and pass it on to every activity it schedules.
 */
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { REQUEST_ID_HEADER } from '../contracts/request-id';

export const interceptors: WorkflowInterceptorsFactory = () => {
  let requestId: string | undefined;
  const remember = (headers: Headers) => {
    const p = headers[REQUEST_ID_HEADER];
    if (p) requestId = defaultPayloadConverter.fromPayload<string>(p);
  };
  const pass = (headers: Headers): Headers =>
    requestId ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } : headers;
  return {
    inbound: [
      {
        execute: (input, next) => (remember(input.headers), next(input)),
        handleSignal: (input, next) => (remember(input.headers), next(input)),
        handleUpdate: (input, next) => (remember(input.headers), next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next({ ...input, headers: pass(input.headers) }),
        scheduleLocalActivity: (input, next) => next({ ...input, headers: pass(input.headers) }),
        getLogAttributes: (input, next) => next(requestId ? { ...input, requestId } : input),
      },
    ],
  };
};
