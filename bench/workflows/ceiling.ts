// The ceiling for the boleto benchmark: the same shape as a registration (started with an update that waits
// for the first activity, a second activity after it) with no-op activities and no HTTP.
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export const awaitDone = defineUpdate<string>('awaitDone');
const { noop } = proxyActivities<{ noop(): Promise<string> }>({ startToCloseTimeout: '10s' });

export async function ceiling(): Promise<string> {
  let done = '';
  setHandler(awaitDone, async () => {
    await condition(() => done !== '');
    return done;
  });
  done = await noop();
  await noop();
  await condition(() => true);
  return done;
}
