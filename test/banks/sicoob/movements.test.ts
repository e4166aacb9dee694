/**
 * Sicoob's movement files: the records → facts translation (pure, on records shaped as S1's `arquivo` description
 * lists them), the file's decoding (base64 → ZIP → JSON → validated records; a broken file is a BankError), and the
 * adapter's request → status → download cycle against the strict simulator over mutual TLS, every exchange checked
 * against Sicoob's OpenAPI.
 */
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankError } from '../../../src/banks/errors';
import type { SicoobAccount } from '../../../src/banks/sicoob/account';
import type { SicoobAdapter } from '../../../src/banks/sicoob/adapter';
import { connectSicoob, type SicoobConnection } from '../../../src/banks/sicoob/connection';
import {
  type SicoobMovementRecord,
  sicoobMovementFacts,
  sicoobMovementRecords,
} from '../../../src/banks/sicoob/movements';
import { addDays } from '../../../src/domain';
import type { SicoobSimulator } from '../../../src/simulators/sicoob/server';
import { type CheckedSicoobSimulator, sicoobAccountOf, sicoobBoletoRequest, startSicoobSim, TODAY } from './helpers';

const LIQUI: SicoobMovementRecord & Record<string, unknown> = {
  codigoTipoMovimento: 5,
  siglaMovimento: 'LIQUI',
  numeroCliente: 229385,
  numeroTitulo: 1234567,
  seuNumero: 'ABCDEFGHJK',
  valorTitulo: 123.45,
  dataLiquidacao: '2026-03-05T10:00:00-03:00',
  dataMovimentoLiquidacao: '2026-03-06T05:00:00-03:00',
  dataPrevisaoCredito: '2026-03-06T00:00:00-03:00',
  idTipoOpFinanceira: 58,
  tipoOpFinanceira: '04 - Via Compensação',
  valorLiquido: 125.0,
  codigoBarras: '75691000000000000000000000000000000000000000',
};
const BAIX: SicoobMovementRecord & Record<string, unknown> = {
  codigoTipoMovimento: 6,
  siglaMovimento: 'BAIX',
  numeroTitulo: 7654321,
  seuNumero: 'ZYXWVUTSRQ',
  valorTitulo: 10,
  dataMovimentoLiquidacao: '2026-03-07T05:00:00-03:00',
  dataLiquidacao: '2026-03-07T05:00:00-03:00',
  idTipoOpFinanceira: 11,
  tipoOpFinanceira: '01 - Por Decurso de Prazo',
};
const zipOf = (records: unknown) =>
  Buffer.from(zipSync({ 'LIQUI_0001_229385_20260306_1_0.json': strToU8(JSON.stringify(records)) })).toString('base64');

describe('Sicoob movement records → facts', () => {
  const seenAt = '2026-03-08T12:00:00.000Z';

  it('LIQUI › PAID at dataLiquidacao and SETTLED at the liquidação, both for valorLiquido, by seu número', () => {
    expect(sicoobMovementFacts([LIQUI], seenAt)).toEqual([
      {
        nossoNumero: '1234567',
        seuNumero: 'ABCDEFGHJK',
        events: [
          {
            bank: 'SICOOB',
            eventId: 'mov:1234567:LIQUI:2026-03-05T10:00:00-03:00:PAID',
            kind: 'PAID',
            occurredAt: '2026-03-05T13:00:00.000Z',
            bankTime: '2026-03-05T10:00:00-03:00',
            nossoNumero: '1234567',
            seuNumero: 'ABCDEFGHJK',
            paidCents: 12_500,
            source: 'poll',
          },
          {
            bank: 'SICOOB',
            eventId: 'mov:1234567:LIQUI:2026-03-05T10:00:00-03:00:SETTLED',
            kind: 'SETTLED',
            occurredAt: '2026-03-06T08:00:00.000Z',
            bankTime: '2026-03-06T05:00:00-03:00',
            nossoNumero: '1234567',
            seuNumero: 'ABCDEFGHJK',
            paidCents: 12_500,
            settledCents: 12_500,
            source: 'poll',
          },
        ],
      },
    ]);
  });

  it('LIQUI without valorLiquido › valorTitulo; without times › the time it was seen', () => {
    const {
      valorLiquido: _v,
      dataLiquidacao: _d,
      dataMovimentoLiquidacao: _m,
      dataPrevisaoCredito: _p,
      ...bare
    } = LIQUI;
    const [g] = sicoobMovementFacts([bare], seenAt);
    expect(g!.events.map((e) => [e.kind, e.paidCents, e.occurredAt])).toEqual([
      ['PAID', 12_345, seenAt],
      ['SETTLED', 12_345, seenAt],
    ]);
  });

  it('BAIX › CANCELLED at the baixa (reason 11, decurso de prazo: the lifecycle tells EXPIRED by its dates)', () => {
    expect(sicoobMovementFacts([BAIX], seenAt)).toEqual([
      {
        nossoNumero: '7654321',
        seuNumero: 'ZYXWVUTSRQ',
        events: [
          {
            bank: 'SICOOB',
            eventId: 'mov:7654321:BAIX:2026-03-07T05:00:00-03:00:CANCELLED',
            kind: 'CANCELLED',
            occurredAt: '2026-03-07T08:00:00.000Z',
            bankTime: '2026-03-07T05:00:00-03:00',
            nossoNumero: '7654321',
            seuNumero: 'ZYXWVUTSRQ',
            source: 'poll',
          },
        ],
      },
    ]);
  });

  it('the same record in two overlapping windows › the same eventIds; other siglas › nothing', () => {
    const a = sicoobMovementFacts([LIQUI, BAIX], seenAt);
    const b = sicoobMovementFacts([BAIX, LIQUI], '2026-03-09T00:00:00.000Z');
    const ids = (x: typeof a) => x.flatMap((g) => g.events.map((e) => e.eventId)).sort();
    expect(ids(a)).toEqual(ids(b));
    expect(sicoobMovementFacts([{ ...LIQUI, siglaMovimento: 'ENTR' }], seenAt)).toEqual([]);
  });

  it('a file › base64 ZIP of one JSON array › the records with our fields only (nothing else leaves)', () => {
    const [r] = sicoobMovementRecords(zipOf([LIQUI]));
    expect(r).toEqual({
      siglaMovimento: 'LIQUI',
      numeroTitulo: 1234567,
      seuNumero: 'ABCDEFGHJK',
      valorTitulo: 123.45,
      valorLiquido: 125,
      dataLiquidacao: LIQUI.dataLiquidacao,
      dataMovimentoLiquidacao: LIQUI.dataMovimentoLiquidacao,
      dataPrevisaoCredito: LIQUI.dataPrevisaoCredito,
      idTipoOpFinanceira: 58,
    });
    expect(r).not.toHaveProperty('codigoBarras');
  });

  it.each([
    ['not base64', '%%%', 'not base64'],
    ['not a ZIP', Buffer.from('hello').toString('base64'), 'not a ZIP'],
    [
      'no JSON entry',
      Buffer.from(zipSync({ 'a.txt': strToU8('[]') })).toString('base64'),
      'expected one .json entry, found 0',
    ],
    ['not JSON', Buffer.from(zipSync({ 'a.json': strToU8('[') })).toString('base64'), 'not JSON'],
    ['a record without numeroTitulo', zipOf([{ siglaMovimento: 'LIQUI' }]), 'record 0.numeroTitulo'],
    ['not an array', zipOf({ siglaMovimento: 'LIQUI' }), 'record (root)'],
  ])('a malformed file (%s) › BankError UNAVAILABLE naming arquivo', (_what, arquivo, message) => {
    let e: unknown;
    try {
      sicoobMovementRecords(arquivo);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(BankError);
    expect(e).toMatchObject({ kind: 'UNAVAILABLE', details: { fields: [{ field: 'arquivo' }] } });
    expect((e as Error).message).toContain(message);
  });
});

describe('Sicoob adapter › movimentações against its simulator (mTLS)', () => {
  let checked: CheckedSicoobSimulator;
  let sim: SicoobSimulator;
  let account: SicoobAccount;
  let conn: SicoobConnection;
  let adapter: SicoobAdapter;

  beforeAll(async () => {
    checked = await startSicoobSim({ movementRecordsPerFile: 1 });
    sim = checked.sim;
    account = sicoobAccountOf(sim, 'sicoob-movements');
    conn = connectSicoob(account);
    adapter = conn.adapter();
  });
  afterAll(async () => {
    await conn?.close();
    await sim?.close();
  });

  it('request → 204 while processing → idArquivos → each file: the liquidações of the window as records and facts', async () => {
    const paid = [await adapter.register(sicoobBoletoRequest(sim)), await adapter.register(sicoobBoletoRequest(sim))];
    for (const b of paid) sim.bank.settle(sim.bank.boletos.get(b.nossoNumero)!, sim.clock.now());
    const codigo = await adapter.requestMovements(5, addDays(TODAY, -2), TODAY);
    expect(await adapter.movementStatus(codigo)).toEqual({ ready: false });
    sim.clock.advance((sim.config.movementProcessingSeconds + 1) * 1000);
    const status = await adapter.movementStatus(codigo);
    expect(status).toMatchObject({ ready: true });
    const ids = (status as { idArquivos: number[] }).idArquivos;
    expect(ids.length).toBeGreaterThanOrEqual(2); // one record per file here
    const records = (await Promise.all(ids.map((id) => adapter.downloadMovementFile(codigo, id)))).flat();
    const facts = sicoobMovementFacts(records, new Date().toISOString());
    for (const b of paid) {
      const g = facts.find((f) => f.nossoNumero === b.nossoNumero);
      expect(g).toMatchObject({ seuNumero: b.seuNumero });
      expect(g!.events.map((e) => [e.kind, e.paidCents])).toEqual([
        ['PAID', 10_000],
        ['SETTLED', 10_000],
      ]);
    }
  });

  it('baixas › a written-off boleto in the tipo 6 file', async () => {
    const b = await adapter.register(sicoobBoletoRequest(sim));
    sim.bank.writeOff(sim.bank.boletos.get(b.nossoNumero)!, sim.clock.now());
    const codigo = await adapter.requestMovements(6, TODAY, TODAY);
    sim.clock.advance((sim.config.movementProcessingSeconds + 1) * 1000);
    const status = (await adapter.movementStatus(codigo)) as { idArquivos: number[] };
    const records = (await Promise.all(status.idArquivos.map((id) => adapter.downloadMovementFile(codigo, id)))).flat();
    expect(
      sicoobMovementFacts(records, new Date().toISOString()).find((f) => f.nossoNumero === b.nossoNumero),
    ).toMatchObject({ events: [{ kind: 'CANCELLED' }] });
  });

  it('a window over the bank’s limit (3 days) › VALIDATION with Sicoob’s message', async () => {
    const e: unknown = await adapter.requestMovements(5, addDays(TODAY, -3), TODAY).catch((err: unknown) => err);
    expect(e).toMatchObject({ kind: 'VALIDATION', details: { httpStatus: 400 } });
    expect((e as Error).message).toContain('período máximo');
  });

  it('every exchange with the simulator › valid for Sicoob’s OpenAPI', () => {
    expect(checked.problems).toEqual([]);
  });
});
