/** Builds every activity the worker registers, from their dependencies (so tests can pass their own). */
import { createSystemActivities, type SystemActivityDeps } from './system';

export interface ActivityDeps {
  system: SystemActivityDeps;
}

export const createActivities = (deps: ActivityDeps) => ({
  ...createSystemActivities(deps.system),
});
