/**
 * Seeds the records store (src/records) with a year of boletos for bench/records.ts: a few tenants and accounts on
 * both banks, every status, issue/due/paid/settled/write-off dates over the last 365 days, distinct payers with valid
 * CPF/CNPJ (a few alphanumeric CNPJs), references, and per boleto the rows the system writes: the API's claim (the
 * Idempotency-Key with its first answer, the row with the payer sealed by RecordProtector and the document's HMAC),
 * then for each event what the delivery activity records (the newer view, the event, its delivery and the attempt's
 * outcome).
 *
 * The rows are built with the store's own pieces (columnsOf for the row's columns, the protector for the payer,
 * the workflow's event shapes and delivery ids) and written in bulk (INSERT … SELECT FROM json_populate_recordset,
 * one statement per table per batch, one transaction per batch), because going through BoletoRecords call by call
 * costs ~20 round trips per boleto. What the row says at the end is what those calls leave: the last view, view_seq =
 * the last event's seq (0 for a boleto still registering), record_updated_at = the last write's time, events
 * recorded_at and deliveries updated_at at their write times; change_seq comes from the sequence in creation order.
 * Deterministic for a given seed and day.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Payer } from '../src/contracts/bank';
import { requestFingerprint, boletoIdFor, deriveSeuNumero } from '../src/boletos/ids';
import {
  addDays,
  barcodeToLinha,
  BS2_BANK_CODE,
  bs2CampoLivre,
  buildBarcode,
  buildStaticPix,
  cnpjCheckDigits,
  cpfCheckDigits,
  ITAU_BANK_CODE,
  itauCampoLivre,
  itauIdBoleto,
  lastPayableDateWithoutCharges,
  nextBusinessDay,
  saoPauloDate,
  saoPauloInstant,
} from '../src/domain';
import { columnsOf, deliveryRow } from '../src/records/store';
import type { RecordProtector } from '../src/records/protect';
import type { BoletoEvent, BoletoStatus, BoletoView, Delivery } from '../src/contracts/boleto';

// ---------------------------------------------------------------- randomness (seeded: the same data every run)

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  /** mulberry32: [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  weighted<T>(xs: readonly (readonly [T, number])[]): T {
    let r = this.next() * xs.reduce((a, [, w]) => a + w, 0);
    for (const [x, w] of xs) if ((r -= w) < 0) return x;
    return xs[xs.length - 1]![0];
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  uuid(): string {
    let h = '';
    for (let i = 0; i < 4; i++)
      h += Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

// ---------------------------------------------------------------- tenants, accounts, payers

export interface SeedAccount {
  id: string;
  bank: 'BS2' | 'ITAU';
  share: number;
  /** Itaú: agência/conta for the campo livre and id_boleto. */
  agencia?: string;
  conta?: string;
}

export interface SeedTenant {
  id: string;
  accounts: SeedAccount[];
  /** No webhook endpoint configured: every delivery is SKIPPED. */
  noEndpoint?: boolean;
}

/** The measured tenant holds RECORDS_BENCH_ROWS boletos; the others' rows share the tables and indexes. */
export const MAIN_TENANT: SeedTenant = {
  id: 'bench',
  accounts: [
    { id: 'bs2-cobranca', bank: 'BS2', share: 0.45 },
    { id: 'bs2-filial-rj', bank: 'BS2', share: 0.25 },
    { id: 'itau-matriz', bank: 'ITAU', share: 0.3, agencia: '1500', conta: '05127' },
  ],
};
export const OTHER_TENANTS: SeedTenant[] = [
  { id: 'loja-azul', accounts: [{ id: 'bs2-loja-azul', bank: 'BS2', share: 1 }] },
  {
    id: 'clinica-sol',
    accounts: [{ id: 'itau-clinica-sol', bank: 'ITAU', share: 1, agencia: '0341', conta: '22841' }],
    noEndpoint: true,
  },
];

const FIRST = [
  'Maria',
  'José',
  'Ana',
  'João',
  'Antônio',
  'Francisca',
  'Carlos',
  'Paulo',
  'Adriana',
  'Lucas',
  'Juliana',
  'Marcos',
  'Fernanda',
  'Pedro',
  'Aline',
  'Rafael',
  'Patrícia',
  'Luiz',
  'Camila',
  'Gabriel',
  'Beatriz',
  'Rodrigo',
  'Letícia',
  'Thiago',
  'Bruna',
  'Felipe',
  'Larissa',
  'Mateus',
  'Vanessa',
  'Gustavo',
];
const LAST = [
  'Silva',
  'Santos',
  'Oliveira',
  'Souza',
  'Rodrigues',
  'Ferreira',
  'Alves',
  'Pereira',
  'Lima',
  'Gomes',
  'Costa',
  'Ribeiro',
  'Martins',
  'Carvalho',
  'Almeida',
  'Lopes',
  'Soares',
  'Fernandes',
  'Vieira',
  'Barbosa',
  'Rocha',
  'Dias',
  'Nascimento',
  'Andrade',
  'Moreira',
  'Nunes',
  'Marques',
  'Machado',
  'Mendes',
  'Freitas',
];
const TRADE = [
  'Comércio',
  'Distribuidora',
  'Serviços',
  'Indústria',
  'Transportes',
  'Tecnologia',
  'Alimentos',
  'Construtora',
  'Farmácia',
  'Auto Peças',
];
const STREETS = [
  'Rua das Flores',
  'Avenida Paulista',
  'Rua XV de Novembro',
  'Rua Sete de Setembro',
  'Avenida Brasil',
  'Rua da Consolação',
  'Rua Augusta',
  'Avenida Atlântica',
  'Rua Direita',
  'Travessa do Comércio',
];
const DISTRICTS = [
  'Centro',
  'Jardim América',
  'Vila Mariana',
  'Copacabana',
  'Boa Viagem',
  'Savassi',
  'Moinhos de Vento',
  'Batel',
  'Pituba',
  'Aldeota',
];
const CITIES: [string, string, string][] = [
  ['São Paulo', 'SP', '01'],
  ['Rio de Janeiro', 'RJ', '22'],
  ['Belo Horizonte', 'MG', '30'],
  ['Porto Alegre', 'RS', '90'],
  ['Curitiba', 'PR', '80'],
  ['Salvador', 'BA', '40'],
  ['Recife', 'PE', '51'],
  ['Fortaleza', 'CE', '60'],
  ['Campinas', 'SP', '13'],
  ['Goiânia', 'GO', '74'],
];
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** A payer with a valid CPF (~72%), numeric CNPJ (~25%) or alphanumeric CNPJ (~3%, issued from July 2026). */
function makePayer(rng: Rng, taken: Set<string>): Payer {
  const kind = rng.weighted([
    ['CPF', 72],
    ['CNPJ', 25],
    ['CNPJ-ALNUM', 3],
  ] as const);
  let document: string;
  do {
    if (kind === 'CPF') {
      const body = rng.digits(9);
      document = body + cpfCheckDigits(body);
    } else {
      const root = kind === 'CNPJ' ? rng.digits(8) : Array.from({ length: 8 }, () => rng.pick([...ALNUM])).join('');
      const body = root + '0001';
      document = body + cnpjCheckDigits(body);
    }
  } while (taken.has(document) || /^(\d)\1+$/.test(document));
  taken.add(document);
  const person = `${rng.pick(FIRST)} ${rng.pick(LAST)} ${rng.pick(LAST)}`;
  const name =
    kind === 'CPF' ? person : `${rng.pick(TRADE)} ${rng.pick(LAST)} ${rng.pick(['Ltda', 'ME', 'S.A.', 'EIRELI'])}`;
  const [city, state, zip] = rng.pick(CITIES);
  return {
    name,
    document,
    ...(rng.next() < 0.6
      ? { email: `${ascii(name.split(' ')[0]!)}.${ascii(name.split(' ')[1]!)}${rng.int(1, 999)}@example.com.br` }
      : {}),
    ...(rng.next() < 0.4 ? { phone: `+55${rng.int(11, 99)}9${rng.digits(8)}` } : {}),
    address: {
      street: rng.pick(STREETS),
      number: String(rng.int(1, 3000)),
      ...(rng.next() < 0.3 ? { complement: `Sala ${rng.int(1, 1200)}` } : {}),
      district: rng.pick(DISTRICTS),
      city,
      state,
      zipCode: zip + rng.digits(6),
    },
  };
}

// ---------------------------------------------------------------- one boleto's life, as the workflow writes it

const HOUR = 3_600_000;
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** What the bench needs to pick query parameters without asking the database. */
export interface SeededIndex {
  id: string;
  tenantId: string;
  accountId: string;
  status: BoletoStatus;
  createdAt: string;
  dueDate: string;
  reference?: string;
  document: string;
}

export interface SeededBoleto {
  index: SeededIndex;
  /** The rows, as json_populate_recordset reads them. */
  boleto: Record<string, unknown>;
  key: Record<string, unknown>;
  /** What the API's claim wrote, and the verdict it answered (for bench/records-verify.ts's replay). */
  creation: {
    key: string;
    fingerprint: string;
    registering: BoletoView;
    payer: Payer;
    messages: string[];
    firstResponse?: BoletoView;
  };
  /** Each event with the view the delivery activity sent along and the store's time of the write (recorded_at). */
  events: { event: BoletoEvent; view: BoletoView; writtenAt: number }[];
  /** Each event's delivery, as its last attempt left it (updated_at = writtenAt). */
  deliveries: { delivery: Delivery; writtenAt: number }[];
  /** The row's last write (record_updated_at), epoch ms: rows are inserted in this order. */
  lastWrite: number;
}

interface SeedContext {
  rng: Rng;
  protector: RecordProtector;
  now: number;
  nossoCounter: Map<string, number>;
  referenceCounter: Map<string, number>;
}

function makeBoleto(
  ctx: SeedContext,
  tenant: SeedTenant,
  payer: Payer,
  createdMs: number,
  forceRegistering: boolean,
): SeededBoleto {
  const { rng, now } = ctx;
  const account = rng.weighted(tenant.accounts.map((a) => [a, a.share] as const));
  const createdAt = iso(createdMs);
  const issueDate = saoPauloDate(createdMs);
  const dueDate = addDays(
    issueDate,
    rng.weighted([
      [3, 10],
      [5, 15],
      [7, 20],
      [10, 20],
      [15, 15],
      [20, 10],
      [30, 10],
    ] as const),
  );
  const amountCents = Math.round(Math.exp(Math.log(1_000) + rng.next() * (Math.log(2_000_000) - Math.log(1_000))));
  const kind = account.bank === 'ITAU' && rng.next() < 0.5 ? 'BOLECODE' : 'BOLETO';
  const idempotencyKey = rng.uuid();
  const seuNumero = deriveSeuNumero(tenant.id, account.id, idempotencyKey);
  const id = boletoIdFor(account.id, seuNumero);
  const refNo = (ctx.referenceCounter.get(tenant.id) ?? 0) + 1;
  ctx.referenceCounter.set(tenant.id, refNo);
  const reference = rng.next() < 0.85 ? `NF-${issueDate.slice(0, 4)}-${String(refNo).padStart(7, '0')}` : undefined;
  const messages =
    rng.next() < 0.5
      ? ['Não receber após 60 dias do vencimento', 'Multa de 2% e juros de 1% ao mês após o vencimento']
      : [];
  const body = {
    accountId: account.id,
    amountCents,
    dueDate,
    payer,
    ...(kind === 'BOLECODE' ? { kind } : {}),
    ...(reference ? { reference } : {}),
    ...(messages.length ? { messages } : {}),
  };
  const fingerprint = requestFingerprint(body);

  const view: BoletoView = {
    id,
    tenantId: tenant.id,
    accountId: account.id,
    bank: account.bank,
    status: 'REGISTERING',
    paid: false,
    settled: false,
    kind,
    amountCents,
    issueDate,
    dueDate,
    seuNumero,
    ...(reference ? { reference } : {}),
    createdAt,
    updatedAt: createdAt,
  };
  const registering = { ...view };
  const events: SeededBoleto['events'] = [];
  const deliveries: SeededBoleto['deliveries'] = [];
  /** A state change at `changedAt` (the workflow's clock): the event, and what the delivery activity writes. */
  const record = (e: Omit<BoletoEvent, 'seq'>, changedAt: number) => {
    view.updatedAt = iso(changedAt);
    const seq = events.length + 1;
    const writtenAt = changedAt + rng.int(3, 40); // the activity's transaction, a few ms after the workflow task
    events.push({ event: { seq, ...e }, view: { ...view }, writtenAt });
    const attempt = writtenAt + rng.int(20, 400);
    const outcome = tenant.noEndpoint
      ? { status: 'SKIPPED' as const, attempts: 0 }
      : rng.weighted([
          [{ status: 'DELIVERED' as const, attempts: 1 }, 95],
          [{ status: 'DELIVERED' as const, attempts: 2 }, 3.5],
          [{ status: 'FAILED' as const, attempts: 12 }, 1.5],
        ] as const);
    const lastAttempt =
      outcome.status === 'FAILED' ? attempt + 20 * HOUR : outcome.attempts === 2 ? attempt + 2_000 : attempt;
    deliveries.push({
      delivery: {
        deliveryId: `${id}:${seq}`,
        eventSeq: seq,
        status: outcome.status,
        attempts: outcome.attempts,
        ...(outcome.status === 'FAILED' ? { lastError: "the client's endpoint answered HTTP 503" } : {}),
        ...(outcome.attempts ? { lastAttemptAt: iso(lastAttempt) } : {}),
        ...(outcome.status === 'DELIVERED' ? { deliveredAt: iso(lastAttempt) } : {}),
      },
      writtenAt: outcome.attempts ? lastAttempt : attempt,
    });
  };

  let firstResponse: BoletoView | undefined;
  let lastWrite = createdMs + rng.int(2, 15); // the API's claim
  const registeredMs = createdMs + rng.int(250, 1_500);
  if (!forceRegistering && rng.next() < 0.01) {
    view.status = 'REJECTED';
    view.rejection = {
      code: 'BANK_REJECTED',
      reasons: [{ field: 'payer.address.zipCode', message: 'CEP do pagador inválido' }],
    };
    record(
      {
        kind: 'REJECTED',
        at: iso(registeredMs),
        source: 'bank-response',
        eventId: 'rejected',
        details: view.rejection,
      },
      registeredMs,
    );
    firstResponse = { ...view };
  } else if (!forceRegistering) {
    // Registered at the bank: its numbers, barcode, linha digitável (and Pix for a bolecode).
    const n = (ctx.nossoCounter.get(account.id) ?? 0) + 1;
    ctx.nossoCounter.set(account.id, n);
    let campoLivre: string;
    if (account.bank === 'BS2') {
      const nosso = String(10_000_000_000 + n * 7).slice(-11);
      view.bankId = rng.uuid();
      view.nossoNumero = nosso;
      campoLivre = bs2CampoLivre({ accountBlock: '0010003135853', nossoNumero: nosso, trailing: '8' });
    } else {
      const nosso = String(n).padStart(8, '0');
      const titulo = { agencia: account.agencia!, conta: account.conta!, carteira: '109', nossoNumero: nosso };
      view.bankId = itauIdBoleto(titulo);
      view.nossoNumero = nosso;
      campoLivre = itauCampoLivre(titulo);
    }
    view.barcode = buildBarcode({
      bankCode: account.bank === 'BS2' ? BS2_BANK_CODE : ITAU_BANK_CODE,
      dueDate,
      amountCents,
      campoLivre,
    });
    view.linhaDigitavel = barcodeToLinha(view.barcode);
    if (kind === 'BOLECODE')
      view.pix = {
        emv: buildStaticPix({
          key: '12345678000195',
          amountCents,
          merchantName: 'Benchmark Ltda',
          merchantCity: 'Sao Paulo',
          txid: `BL${view.nossoNumero}${rng.digits(10)}`,
        }),
        txid: `BL${view.nossoNumero}`,
      };
    view.status = 'REGISTERED';
    record(
      {
        kind: 'REGISTERED',
        at: iso(registeredMs),
        source: 'bank-response',
        eventId: `registered:${view.bankId}`,
        details: { nossoNumero: view.nossoNumero },
      },
      registeredMs,
    );
    firstResponse = { ...view };

    const overdueDay = addDays(lastPayableDateWithoutCharges(dueDate), 1);
    const overdueMs = saoPauloInstant(overdueDay, 7, rng.int(0, 59));
    const fate = rng.weighted([
      ['paid', 85],
      ['cancelled', 4],
      ['unpaid', 11],
    ] as const);
    const markOverdue = (beforeMs: number) => {
      if (overdueMs < beforeMs && overdueMs <= now) {
        view.status = 'OVERDUE';
        record({ kind: 'OVERDUE', at: iso(overdueMs), source: 'timer', eventId: 'overdue' }, overdueMs);
      }
    };
    if (fate === 'paid') {
      // Most pay by the due date; some late (the overdue check has run by then).
      const payDay =
        rng.next() < 0.8
          ? addDays(issueDate, rng.int(0, Math.max(0, (Date.parse(dueDate) - Date.parse(issueDate)) / 86_400_000)))
          : addDays(dueDate, rng.int(1, 20));
      const paidMs = Math.max(registeredMs + MINUTE, saoPauloInstant(payDay, rng.int(7, 21), rng.int(0, 59)));
      const settledMs = saoPauloInstant(nextBusinessDay(saoPauloDate(paidMs)), 6, rng.int(0, 120));
      const webhook = rng.next() < 0.9;
      const source = webhook ? ('bank-webhook' as const) : ('bank-poll' as const);
      const seenMs = (ms: number) => (webhook ? ms + rng.int(200, 3_000) : ms + rng.int(1, 8) * HOUR);
      markOverdue(paidMs);
      if (seenMs(paidMs) <= now) {
        view.status = 'PAID';
        view.paid = true;
        view.payment = { paidCents: amountCents, paidAt: iso(paidMs) };
        record(
          {
            kind: 'PAID',
            at: iso(paidMs),
            source,
            eventId: webhook ? rng.uuid() : 'poll:PAID',
            details: { paidCents: amountCents },
          },
          seenMs(paidMs),
        );
        if (seenMs(settledMs) <= now) {
          view.status = 'SETTLED';
          view.settled = true;
          view.settlement = { settledCents: amountCents - rng.int(150, 350), settledAt: iso(settledMs) };
          record(
            {
              kind: 'SETTLED',
              at: iso(settledMs),
              source,
              eventId: webhook ? rng.uuid() : 'poll:SETTLED',
              details: { settledCents: view.settlement.settledCents },
            },
            seenMs(settledMs),
          );
        }
      }
    } else if (fate === 'cancelled') {
      const requestedMs = Math.min(
        now - MINUTE,
        registeredMs + rng.int(1, Math.max(1, Math.round((Date.parse(dueDate) - createdMs) / HOUR))) * HOUR,
      );
      if (requestedMs > registeredMs) {
        const reason = rng.pick(['pedido cancelado pelo cliente', 'emitido em duplicidade', 'valor incorreto']);
        view.status = 'CANCELLING';
        view.cancellation = { requestedAt: iso(requestedMs), reason };
        record(
          {
            kind: 'CANCEL_REQUESTED',
            at: iso(requestedMs),
            source: 'api',
            eventId: 'cancel-requested',
            details: { reason },
          },
          requestedMs + rng.int(300, 1_500),
        );
        const cancelledMs = requestedMs + rng.int(2, 90) * MINUTE;
        if (cancelledMs <= now) {
          view.status = 'CANCELLED';
          view.cancellation = { ...view.cancellation, cancelledAt: iso(cancelledMs) };
          record(
            {
              kind: 'CANCELLED',
              at: iso(cancelledMs),
              source: 'bank-poll',
              eventId: 'poll:CANCELLED',
              details: { reason },
            },
            cancelledMs + rng.int(1, 30) * MINUTE,
          );
        }
      }
    } else {
      markOverdue(Infinity);
      const expiryDay = addDays(dueDate, 60);
      const writtenOffMs = saoPauloInstant(expiryDay, 8, rng.int(0, 59));
      if (writtenOffMs + HOUR <= now) {
        const reason = `not paid by ${expiryDay}: written off after the payment window`;
        view.status = 'EXPIRED';
        view.cancellation = {
          requestedAt: iso(writtenOffMs),
          reason,
          cancelledAt: iso(writtenOffMs + rng.int(1, 40) * MINUTE),
        };
        record(
          {
            kind: 'EXPIRED',
            at: view.cancellation.cancelledAt!,
            source: 'bank-poll',
            eventId: 'poll:CANCELLED',
            details: { reason },
          },
          writtenOffMs + HOUR,
        );
      }
    }
  }
  const last = events[events.length - 1];
  if (last) lastWrite = last.writtenAt;
  const answeredMs = firstResponse ? registeredMs + rng.int(5, 30) : undefined;

  const boleto = {
    id,
    ...columnsOf(view),
    view, // json: written as the text JSON.stringify gives (columnsOf's own copy is the same text)
    view_seq: last ? last.event.seq : 0,
    request_fingerprint: fingerprint,
    payer_doc_hmac: ctx.protector.documentHash(payer.document),
    payer_enc: ctx.protector.seal({ payer, messages }, id),
    record_updated_at: iso(lastWrite),
  };
  const key = {
    tenant_id: tenant.id,
    idempotency_key: idempotencyKey,
    boleto_id: id,
    request_fingerprint: fingerprint,
    first_response: firstResponse ?? null,
    created_at: iso(createdMs + 1),
    answered_at: answeredMs ? iso(answeredMs) : null,
  };
  return {
    index: {
      id,
      tenantId: tenant.id,
      accountId: account.id,
      status: view.status,
      createdAt,
      dueDate,
      ...(reference ? { reference } : {}),
      document: payer.document,
    },
    boleto,
    key,
    creation: {
      key: idempotencyKey,
      fingerprint,
      registering,
      payer,
      messages,
      ...(firstResponse ? { firstResponse } : {}),
    },
    events,
    deliveries,
    lastWrite,
  };
}

/** A min-heap of boletos by their last write. */
class ByLastWrite {
  private readonly h: SeededBoleto[] = [];
  get size(): number {
    return this.h.length;
  }
  peek(): SeededBoleto | undefined {
    return this.h[0];
  }
  push(b: SeededBoleto): void {
    const h = this.h;
    h.push(b);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (h[p]!.lastWrite <= h[i]!.lastWrite) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }
  pop(): SeededBoleto {
    const h = this.h;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      for (let i = 0; ;) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let m = i;
        if (l < h.length && h[l]!.lastWrite < h[m]!.lastWrite) m = l;
        if (r < h.length && h[r]!.lastWrite < h[m]!.lastWrite) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

// ---------------------------------------------------------------- the bulk writer

const BOLETO_COLUMNS = [
  'id',
  'tenant_id',
  'account_id',
  'bank',
  'status',
  'kind',
  'amount_cents',
  'issue_date',
  'due_date',
  'seu_numero',
  'nosso_numero',
  'reference',
  'paid_cents',
  'paid_date',
  'settled_cents',
  'settled_date',
  'final_date',
  'created_at',
  'payer_doc_hmac',
  'payer_enc',
  'request_fingerprint',
  'view',
  'view_updated_at',
  'view_seq',
  'record_updated_at',
];
const insertFromJson = (table: string, columns: string[]) =>
  `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM json_populate_recordset(NULL::${table}, $1::json)`;
const INSERT_BOLETOS = insertFromJson('boletos', BOLETO_COLUMNS);
const INSERT_EVENTS = insertFromJson('boleto_events', ['boleto_id', 'seq', 'kind', 'at', 'event', 'recorded_at']);
const INSERT_DELIVERIES = insertFromJson('boleto_deliveries', [
  'delivery_id',
  'boleto_id',
  'event_seq',
  'status',
  'attempts',
  'last_error',
  'last_attempt_at',
  'delivered_at',
  'updated_at',
]);
const INSERT_KEYS = insertFromJson('idempotency_keys', [
  'tenant_id',
  'idempotency_key',
  'boleto_id',
  'request_fingerprint',
  'first_response',
  'created_at',
  'answered_at',
]);

async function writeBatch(db: pg.ClientBase, batch: SeededBoleto[]): Promise<void> {
  const events = batch.flatMap((b) =>
    b.events.map(({ event, writtenAt }) => ({
      boleto_id: b.index.id,
      seq: event.seq,
      kind: event.kind,
      at: event.at,
      event,
      recorded_at: iso(writtenAt),
    })),
  );
  const deliveries = batch.flatMap((b) =>
    b.deliveries.map(({ delivery: d, writtenAt }) => ({ ...deliveryRow(b.index.id, d), updated_at: iso(writtenAt) })),
  );
  await db.query('BEGIN');
  try {
    await db.query(INSERT_KEYS, [JSON.stringify(batch.map((b) => b.key))]);
    await db.query(INSERT_BOLETOS, [JSON.stringify(batch.map((b) => b.boleto))]);
    if (events.length) await db.query(INSERT_EVENTS, [JSON.stringify(events)]);
    if (deliveries.length) await db.query(INSERT_DELIVERIES, [JSON.stringify(deliveries)]);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

export interface SeedOptions {
  /** Boletos of the measured tenant (MAIN_TENANT). */
  rows: number;
  /** Boletos of the other tenants, spread evenly. */
  otherRows: number;
  seed: number;
  protector: RecordProtector;
  /** Boletos per transaction. */
  batch?: number;
  /** Instead of the bulk insert (bench/records-verify.ts replays them through BoletoRecords). */
  write?: (batch: SeededBoleto[]) => Promise<void>;
  now?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SeedResult {
  /** The measured tenant's boletos, newest first (the list's order: created_at desc, id desc). */
  main: SeededIndex[];
  total: number;
  seconds: number;
  statuses: Record<string, number>;
}

/**
 * Writes a year of boletos, ending a few seconds before `now`, in the order of their rows' last writes: in
 * production every write takes the next change_seq (the keyset of updatedSince) and a row's live version sits
 * where its last update put it, so both follow the last write, not the creation. Boletos are generated in
 * creation order and held until no boleto created later can have been written earlier (at most the longest life,
 * ~100 days: a quarter of them in memory).
 */
export async function seedRecords(db: pg.ClientBase | undefined, opts: SeedOptions): Promise<SeedResult> {
  const write = opts.write ?? ((b: SeededBoleto[]) => writeBatch(db!, b));
  const t0 = performance.now();
  const now = opts.now ?? Date.now();
  const rng = new Rng(opts.seed);
  const ctx: SeedContext = {
    rng,
    protector: opts.protector,
    now,
    nossoCounter: new Map(),
    referenceCounter: new Map(),
  };
  const total = opts.rows + opts.otherRows;
  // Payers: each pays ~4 boletos over the year (recurring customers), per tenant.
  const taken = new Set<string>();
  const tenants = [MAIN_TENANT, ...OTHER_TENANTS];
  const payers = new Map(tenants.map((t) => [t.id, [] as Payer[]]));
  const payerFor = (tenant: string, ofTenant: number) => {
    const pool = payers.get(tenant)!;
    const size = Math.max(20, Math.round(ofTenant / 4));
    if (pool.length < size && (pool.length === 0 || rng.next() < 0.5)) pool.push(makePayer(rng, taken));
    return rng.pick(pool);
  };
  const start = now - 365 * 86_400_000;
  const span = now - 10_000 - start;
  const registering = Math.max(1, Math.round(opts.rows / 5_000));
  let mainLeft = opts.rows;
  let otherLeft = opts.otherRows;
  const main: SeededIndex[] = [];
  const statuses: Record<string, number> = {};
  const batchSize = opts.batch ?? 2_000;
  let batch: SeededBoleto[] = [];
  const pending = new ByLastWrite();
  for (let i = 0; i < total; i++) {
    // Tenant by what each has left, so both run out together; creation instants spread evenly, in order.
    const isMain = rng.next() * (mainLeft + otherLeft) < mainLeft;
    const tenant = isMain ? MAIN_TENANT : OTHER_TENANTS[i % OTHER_TENANTS.length]!;
    if (isMain) mainLeft--;
    else otherLeft--;
    const createdMs = Math.round(start + (span * (i + rng.next())) / total);
    const b = makeBoleto(
      ctx,
      tenant,
      payerFor(tenant.id, isMain ? opts.rows : opts.otherRows / OTHER_TENANTS.length),
      createdMs,
      isMain && mainLeft < registering,
    );
    statuses[b.index.status] = (statuses[b.index.status] ?? 0) + (isMain ? 1 : 0);
    if (isMain) main.push(b.index);
    pending.push(b);
    // Every boleto generated from now on is created (and so last written) after createdMs.
    while (pending.size && (pending.peek()!.lastWrite <= createdMs || i === total - 1)) {
      batch.push(pending.pop());
      if (batch.length >= batchSize) {
        await write(batch);
        batch = [];
        opts.onProgress?.(i + 1, total);
      }
    }
  }
  if (batch.length) await write(batch);
  main.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
  return { main, total, seconds: +((performance.now() - t0) / 1000).toFixed(1), statuses };
}

/** A short digest of what was seeded, to tell two seeds apart in the results. */
export const seedDigest = (main: SeededIndex[]): string =>
  createHash('sha256')
    .update(main.map((m) => m.id).join('\n'))
    .digest('hex')
    .slice(0, 12);
