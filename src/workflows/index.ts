// The worker's workflowsPath: every workflow type the worker runs is exported from here.
export { systemCheck } from './system-check';
export { bs2TokenKeeper } from '../banks/bs2/keeper-workflow';
export { sicoobMovementPoll } from '../banks/sicoob/movement-poll-workflow';
export { accessRegistry } from './access-registry';
export { boletoLifecycle } from './boleto-lifecycle';
export { onboarding } from './onboarding';
export { recordsReconcile } from './records-reconcile';
export { sicoobWebhookReport } from '../banks/sicoob/webhook-report-workflow';
