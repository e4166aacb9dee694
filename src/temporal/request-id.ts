/**
 * Request ids from the HTTP API to workflow and activity logs. The API runs each request inside
 * `requestScope`; the client interceptor copies its id into a Temporal header on start / signal / update; the
 * workflow interceptors (src/workflows/interceptors.ts) log it and pass it to every activity; the activity
 * interceptor adds it to activity log lines. An operator can grep one id from the API log to the worker's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { REQUEST_ID_HEADER } from '../contracts/request-id';

export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

function withRequestId(headers: Headers): Headers {
  const id = requestScope.getStore()?.requestId;
  return id ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } : headers;
}

export function requestIdClientInterceptor(): WorkflowClientInterceptor {
  return {
    start: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
    signal: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
    signalWithStart: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
    startUpdate: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
    startUpdateWithStart: (input, next) =>
      next({
        ...input,
        workflowStartHeaders: withRequestId(input.workflowStartHeaders),
        updateHeaders: withRequestId(input.updateHeaders),
      }),
  };
}

export const requestIdActivityInterceptor: ActivityInterceptorsFactory = () => {
  let requestId: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        const p = input.headers[REQUEST_ID_HEADER];
        requestId = p ? defaultPayloadConverter.fromPayload<string>(p) : undefined;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes: (attrs, next) => next(requestId ? { ...attrs, requestId } : attrs),
    },
  };
};
