// The worker's workflowsPath: every workflow type the worker runs is exported from here.
export { systemCheck } from './system-check';
export { bs2TokenKeeper } from './bs2-token-keeper';
export { accessRegistry } from './access-registry';
export { boletoLifecycle } from './boleto-lifecycle';
export { onboarding } from './onboarding';
export { recordsReconcile } from './records-reconcile';
