/**
 * `npm run chaos`: the chaos and load suite on the embedded stack (Temporal dev server on a SQLite file, worker
 * processes, the API, the bank simulators; each scenario on a fresh stack), then a table of counts in, counts
 * out, lost and duplicated. Results go to bench/results/chaos-<scale>-<timestamp>.{json,md} with the commit and the machine.
 *   CHAOS_SCENARIOS  comma-separated names (default: all), e.g. worker-kill,server-restart
 *   CHAOS_SCALE      full (default: the issue's sizes) or smoke (the sizes `npm test` runs)
 * Exits 1 when any scenario lost or duplicated anything, or failed to run.
 */
import { gitCommit, machine, writeResults } from '../common';
import { type Scale, type ScenarioResult } from './scenario';
import { SCENARIOS } from './scenarios';

export function table(results: ScenarioResult[]): string {
  const kv = (o: Record<string, number | string>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    '| scenario | in | out | lost | duplicated | of which in the records store (lost / dup) | figures | s |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.title} | ${kv(r.in)} | ${kv(r.out)} | **${r.lost}** | **${r.duplicated}** | ${r.store ? `**${r.store.lost}** / **${r.store.duplicated}**` : 'not checked'} | ${kv(r.figures)}` +
        `${r.unexpectedExits.length ? `; processes that died by themselves: ${r.unexpectedExits.map((e) => e.name).join(', ')}` : ''}` +
        `${r.interventions.length ? `; **operator interventions: ${r.interventions.length}** (BS2 account locked by a kill in the token rotation window, new refresh token given)` : ''}` +
        `${r.invalid.length ? `; **not a valid run**: ${r.invalid.join('; ')}` : ''} | ${r.seconds} |`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const scale = (process.env.CHAOS_SCALE ?? 'full') as Scale;
  if (scale !== 'full' && scale !== 'smoke') throw new Error('CHAOS_SCALE must be full or smoke');
  const wanted = (process.env.CHAOS_SCENARIOS ?? SCENARIOS.map((s) => s.name).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length)
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const results: ScenarioResult[] = [];
  const failures: { name: string; error: string }[] = [];
  for (const s of SCENARIOS.filter((x) => wanted.includes(x.name))) {
    log(`=== ${s.name} (${scale}): ${s.title}`);
    try {
      const r = await s.run({ scale, log });
      results.push(r);
      log(
        `${s.name}: lost ${r.lost}, duplicated ${r.duplicated}${r.store ? ` (records store: lost ${r.store.lost}, duplicated ${r.store.duplicated})` : ''} in ${r.seconds} s${[...r.invalid, ...r.interventions, ...r.problems].map((x) => `\n  ${x}`).join('')}`,
      );
    } catch (e) {
      failures.push({ name: s.name, error: (e as Error).stack ?? String(e) });
      log(`${s.name} FAILED to run: ${(e as Error).stack ?? String(e)}`);
    }
  }
  const md = [
    table(results),
    '',
    ...SCENARIOS.filter((s) => wanted.includes(s.name)).map((s) => `- **${s.title}** (\`${s.name}\`): ${s.proves}.`),
    ...(failures.length
      ? ['', ...failures.map((f) => `- **${f.name} did not run to the end**: ${f.error.split('\n')[0]}`)]
      : []),
  ].join('\n');
  process.stdout.write(`\n${md}\n`);
  const files = writeResults(
    `chaos-${scale}`,
    { commit: gitCommit(), machine: machine(), scale, results, failures },
    md,
    `boletoflow chaos (${scale})`,
  );
  process.stdout.write(`\nresults: ${files.json}\n         ${files.md}\n`);
  if (failures.length || results.some((r) => r.lost || r.duplicated || r.invalid.length)) process.exit(1);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`chaos failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
