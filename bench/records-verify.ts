/**
 * Checks bench/records-seed.ts's bulk path against the store's own code: the same generated boletos are written
 * (a) in bulk and (b) call by call through BoletoRecords, as the API and the delivery activity write them (claimKey,
 * recordEvent per event, recordDeliveryAttempt per attempt, answerKey), into two databases of one PostgreSQL server
 * (test/helpers/postgres.ts); every row must then agree, except the store's own clocks and counters
 * (record_updated_at, recorded_at, updated_at, the key's created_at/answered_at, change_seq) and the payer's
 * ciphertext (a random IV each time: compared decrypted). Also checks every payer document and linha digitável.
 *   node --import tsx bench/records-verify.ts      RECORDS_VERIFY_ROWS (default 500)
 */
import pg from 'pg';
import { inspectCpfOrCnpj, validateLinha } from '../src/domain';
import { openRecords } from '../src/records';
import { migrateRecords, openRecordsDb } from '../src/records/db';
import { RecordProtector } from '../src/records/protect';
import { newPayloadKey } from '../src/temporal/codec';
import { startPostgres } from '../test/helpers/postgres';
import { type SeededBoleto, seedRecords } from './records-seed';

const ROWS = Number(process.env.RECORDS_VERIFY_ROWS ?? 500);

const QUERIES: [string, string][] = [
  ['boletos', `SELECT *, view::text AS view_text FROM boletos ORDER BY id`],
  ['boleto_events', `SELECT boleto_id, seq, kind, at, event::text AS event FROM boleto_events ORDER BY boleto_id, seq`],
  [
    'boleto_deliveries',
    `SELECT delivery_id, boleto_id, event_seq, status, attempts, last_error, last_attempt_at, delivered_at FROM boleto_deliveries ORDER BY delivery_id`,
  ],
  [
    'idempotency_keys',
    `SELECT tenant_id, idempotency_key, boleto_id, request_fingerprint, first_response::text AS first_response FROM idempotency_keys ORDER BY tenant_id, idempotency_key`,
  ],
];
const STORE_CLOCKS = new Set(['record_updated_at', 'change_seq', 'payer_enc']);

async function main(): Promise<void> {
  const server = await startPostgres();
  try {
    const [bulkUrl, callsUrl] = [
      await server.createDatabase('verify_bulk'),
      await server.createDatabase('verify_calls'),
    ];
    for (const url of [bulkUrl, callsUrl]) {
      const db = openRecordsDb(url);
      await migrateRecords(db);
      await db.destroy();
    }
    const keys = [newPayloadKey('verify-1')];
    const protector = new RecordProtector(keys);
    const now = Date.now();
    const opts = { rows: ROWS, otherRows: Math.round(ROWS * 0.2), seed: 7, protector, now, batch: 100 };

    const bulk = new pg.Client({ connectionString: bulkUrl });
    await bulk.connect();
    await seedRecords(bulk, opts);

    // The same boletos, call by call (the generator is deterministic for a seed and `now`).
    const records = await openRecords(callsUrl, keys, { maxConnections: 2 });
    let problems = 0;
    const replay = async (batch: SeededBoleto[]) => {
      for (const b of batch) {
        const c = b.creation;
        if (!inspectCpfOrCnpj(c.payer.document).valid) {
          problems++;
          process.stdout.write(`invalid document ${c.payer.document}\n`);
        }
        const linha = b.events.at(-1)?.view.linhaDigitavel;
        if (linha) validateLinha(linha);
        const claim = await records.claimKey({
          tenantId: c.registering.tenantId,
          key: c.key,
          fingerprint: c.fingerprint,
          registering: c.registering,
          payer: c.payer,
          messages: c.messages,
        });
        if (claim.outcome !== 'new') throw new Error(`claimKey ${claim.outcome} for ${b.index.id}`);
        for (const [i, e] of b.events.entries()) {
          await records.recordEvent({ view: e.view, event: e.event, deliveryId: b.deliveries[i]!.delivery.deliveryId });
          // The API's copy of the verdict, after the worker's (the order the seed assumes; see bench/records-seed.ts).
          if (i === 0 && c.firstResponse) await records.answerKey(c.registering.tenantId, c.key, c.firstResponse);
          const d = b.deliveries[i]!.delivery;
          const at = d.lastAttemptAt ?? new Date().toISOString();
          if (d.status === 'SKIPPED')
            await records.recordDeliveryAttempt(d.deliveryId, { status: 'SKIPPED', at, attempts: 0 });
          else {
            for (let n = 1; n < d.attempts; n++)
              await records.recordDeliveryAttempt(d.deliveryId, {
                status: 'PENDING',
                at,
                attempts: 1,
                error: "the client's endpoint answered HTTP 503",
              });
            await records.recordDeliveryAttempt(d.deliveryId, {
              status: d.status,
              at,
              attempts: 1,
              ...(d.lastError ? { error: d.lastError } : {}),
            });
          }
        }
      }
    };
    await seedRecords(undefined, { ...opts, write: replay });
    await records.close();

    const calls = new pg.Client({ connectionString: callsUrl });
    await calls.connect();
    for (const [table, sql] of QUERIES) {
      const [a, b] = [
        (await bulk.query<Record<string, unknown>>(sql)).rows,
        (await calls.query<Record<string, unknown>>(sql)).rows,
      ];
      if (a.length !== b.length) {
        problems++;
        process.stdout.write(`${table}: ${a.length} rows in bulk, ${b.length} through the store\n`);
      }
      let differing = 0;
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        for (const col of Object.keys(a[i]!)) {
          if (STORE_CLOCKS.has(col)) continue;
          const [x, y] = [JSON.stringify(a[i]![col]), JSON.stringify(b[i]![col])];
          if (x !== y) {
            if (differing++ < 5)
              process.stdout.write(
                `${table} row ${i} (${JSON.stringify(a[i]!.id ?? a[i]!.boleto_id ?? a[i]!.delivery_id)}) ${col}:\n  bulk  ${x}\n  store ${y}\n`,
              );
          }
        }
        if (table === 'boletos') {
          const id = a[i]!.id as string;
          const [pa, pb] = [
            protector.open(a[i]!.payer_enc as string, id),
            protector.open(b[i]!.payer_enc as string, id),
          ];
          if (JSON.stringify(pa) !== JSON.stringify(pb)) {
            differing++;
            process.stdout.write(`boletos ${id}: sealed payer differs\n`);
          }
        }
      }
      problems += differing;
      process.stdout.write(`${table}: ${a.length} rows, ${differing} differences\n`);
    }
    await bulk.end();
    await calls.end();
    if (problems) throw new Error(`${problems} differences between the bulk seed and the store's own writes`);
    process.stdout.write('the bulk seed writes the rows the store writes\n');
  } finally {
    await server.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
