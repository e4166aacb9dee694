/** Activities about the worker itself (thin, no external I/O). */
import { log } from '@temporalio/activity';

export interface SystemActivityDeps {
  identity: string;
  version: string;
  startedAt: number;
  now?: () => number;
}

export const createSystemActivities = (deps: SystemActivityDeps) => ({
  // Activities must return promises (the SDK awaits them); nothing here needs to wait.
  describeWorker(): Promise<{ identity: string; version: string; uptimeSeconds: number }> {
    const now = deps.now ?? Date.now;
    log.info('describing worker for a system check');
    return Promise.resolve({
      identity: deps.identity,
      version: deps.version,
      uptimeSeconds: Math.round((now() - deps.startedAt) / 1000),
    });
  },
});
