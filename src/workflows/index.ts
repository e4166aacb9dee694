// The worker's workflowsPath: every workflow type the worker runs is exported from here.
export { systemCheck } from './system-check';
export { accessRegistry } from './access-registry';
