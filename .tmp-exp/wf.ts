import { condition, defineSignal, setHandler } from '@temporalio/workflow';
export const poke = defineSignal<[number]>('poke');
export async function waiter(): Promise<void> {
  let n = 0;
  setHandler(poke, (x) => void (n = x));
  await condition(() => n >= 1000);
}
