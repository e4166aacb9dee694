// The ceiling for the boleto benchmark: a registration's shape with no HTTP and no bank. Started by an update that
// waits for the first result (update-with-start), a no-op local activity in place of the bank call, one search
// attribute upsert (the status), a no-op activity in place of the client notification, then open on a timer like
// a registered boleto. What the boleto path costs on top of this is our code, the API, HTTP and the simulator.
import {
  condition,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { BoletoStatus } from '../../src/contracts/search-attributes';

export const awaitDone = defineUpdate<string>('awaitDone');
const { noop } = proxyActivities<{ noop(): Promise<string> }>({ startToCloseTimeout: '10s' });
const local = proxyLocalActivities<{ noop(): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function ceiling(): Promise<string> {
  let done = '';
  setHandler(awaitDone, async () => {
    await condition(() => done !== '');
    return done;
  });
  done = await local.noop();
  upsertSearchAttributes([{ key: BoletoStatus, value: 'REGISTERED' }]);
  const notified = noop();
  await sleep('30 days');
  await notified;
  return done;
}
