/**
 * Calls that need a worker (workflow queries and updates), bounded. With no worker polling (all of them restarting)
 * the server holds a query ~29 s and then fails it, and an update that no worker accepts is polled for by the SDK
 * without end: an API request must not wait for either. A bounded call fails fast with WorkersUnavailable, which the
 * API answers 503 temporarily-unavailable with Retry-After (src/api/app.ts).
 *
 * An update is bounded in two phases: until a worker accepts it (short: a live worker accepts in milliseconds), then
 * until its result (long: a cancellation waits for the bank). Only the first says "no worker"; an update refused by
 * its validator is not affected.
 */
import {
  type Client,
  isGrpcCancelledError,
  isGrpcDeadlineError,
  type WorkflowUpdateHandle,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';

export interface TemporalBounds {
  /** A workflow query (the server answers a deadline-bound query at about half the deadline). */
  queryMs: number;
  /** Until a worker accepts an update. */
  acceptMs: number;
  /** From acceptance to the update's result. */
  resultMs: number;
  /** Visibility (list) calls: no worker needed, but a slow visibility store must not hold a request either. */
  listMs: number;
}

/** What the API uses. */
export const API_BOUNDS: TemporalBounds = { queryMs: 4_000, acceptMs: 4_000, resultMs: 60_000, listMs: 5_000 };

/** Retry-After (seconds) of a 503 for no worker: workers restart in a few seconds. */
export const WORKERS_RETRY_AFTER_S = 5;

export class WorkersUnavailable extends Error {
  override name = 'WorkersUnavailable';
  /** True when the request may still take effect (an update accepted, or left admitted, before the deadline). */
  constructor(
    message: string,
    readonly mayStillApply = false,
  ) {
    super(message);
  }
}

/** The server's own answer once it has seen no poller for a while (FAILED_PRECONDITION), on a query or an update. */
const noPoller = (e: unknown): boolean => {
  for (let c = e; c instanceof Error; c = c.cause) if (/no poller seen for task queue/i.test(c.message)) return true;
  return false;
};

/** A deadline hit: DEADLINE_EXCEEDED, or CANCELLED when the SDK gives up its retries at the deadline. */
const timedOut = (e: unknown, deadline: number) =>
  isGrpcDeadlineError(e) ||
  e instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
  (isGrpcCancelledError(e) && Date.now() >= deadline - 50);

/** `fn` (any Temporal calls) with every RPC under one deadline; a deadline hit becomes WorkersUnavailable. */
export async function withinDeadline<T>(
  client: Client,
  ms: number,
  what: string,
  fn: () => Promise<T>,
  mayStillApply = false,
): Promise<T> {
  const deadline = Date.now() + ms;
  try {
    return await client.withDeadline(deadline, fn);
  } catch (e) {
    if (noPoller(e)) throw new WorkersUnavailable(`${what}: no worker is polling the task queue`, mayStillApply);
    if (timedOut(e, deadline))
      throw new WorkersUnavailable(`${what}: no answer within ${ms} ms (no worker polling?)`, mayStillApply);
    throw e;
  }
}

/** A workflow query, bounded. */
export const boundedQuery = <T>(client: Client, bounds: TemporalBounds, fn: () => Promise<T>): Promise<T> =>
  withinDeadline(client, bounds.queryMs, 'workflow query', fn);

/** A visibility list (or count), bounded. */
export const boundedList = <T>(client: Client, bounds: TemporalBounds, fn: () => Promise<T>): Promise<T> =>
  withinDeadline(client, bounds.listMs, 'workflow list', fn);

/**
 * An update started with `waitForStage: 'ACCEPTED'` by `start`, then awaited. Not accepted in time: WorkersUnavailable
 * (the server may keep it admitted and deliver it once a worker is back, hence mayStillApply).
 */
export async function boundedUpdate<R>(
  client: Client,
  bounds: TemporalBounds,
  start: () => Promise<WorkflowUpdateHandle<R>>,
): Promise<R> {
  const handle = await withinDeadline(client, bounds.acceptMs, 'workflow update', start, true);
  return withinDeadline(client, bounds.resultMs, 'workflow update result', () => handle.result(), true);
}
