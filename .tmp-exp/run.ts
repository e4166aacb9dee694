import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { tsToMs } from '@temporalio/common/lib/time';
import { devServerArgs, waitForNamespace } from '../src/temporal/dev-server';
import { freePort, pct, ROOT, sleep } from '../bench/common';
import { poke, waiter } from './wf';

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'exp-'));
  const port = await freePort();
  const cli = join(ROOT, '.tools', 'bin', 'temporal');
  const extra = (process.env.EXTRA ?? '').split(' ').filter(Boolean);
  const server = spawn(cli, [...devServerArgs({ cliPath: cli, dataDir, ip: '127.0.0.1', port, uiPort: await freePort(), namespace: 'boletoflow' }), ...extra], { stdio: 'ignore' });
  try {
    await waitForNamespace(`127.0.0.1:${port}`, 'boletoflow', 60_000);
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection, namespace: 'boletoflow' });
    const worker = await Worker.create({ connection: await NativeConnection.connect({ address: `127.0.0.1:${port}` }), namespace: 'boletoflow', taskQueue: 'exp', workflowsPath: require.resolve('./wf'), ...(process.env.CACHE ? { maxCachedWorkflows: Number(process.env.CACHE) } : {}) });
    await worker.runUntil(async () => {
      const handles = await Promise.all(Array.from({ length: 20 }, (_, i) => client.workflow.start(waiter, { workflowId: `w${i}-${Date.now()}`, taskQueue: 'exp' })));
      await sleep(2000);
      const gaps: number[] = [];
      for (let round = 1; round <= Number(process.env.ROUNDS ?? 10); round++) {
        for (const h of handles) {
          await h.signal(poke, round);
          await sleep(Number(process.env.GAP ?? 100));
        }
      }
      await sleep(1000);
      for (const h of handles) {
        const ev = (await h.fetchHistory()).events ?? [];
        for (let i = 0; i < ev.length; i++) {
          if (ev[i]!.workflowExecutionSignaledEventAttributes) {
            const st = ev.slice(i).find((e) => e.workflowTaskStartedEventAttributes);
            if (st) gaps.push(tsToMs(st.eventTime) - tsToMs(ev[i]!.eventTime));
          }
        }
      }
      console.log(`signal → wft-started over ${gaps.length}: p50 ${pct(gaps, 50)}, p95 ${pct(gaps, 95)}, p99 ${pct(gaps, 99)}, max ${Math.max(...gaps)}`);
      for (const h of handles) await h.signal(poke, 1000);
    });
  } finally {
    server.kill('SIGTERM');
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
