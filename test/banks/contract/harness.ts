/**
 * The per-bank half of the adapter contract suite (./adapter-contract.test.ts, after kivanio/brcobranca's shared
 * examples): what the suite needs to know about one bank, so the suite itself names no bank. One file per bank
 * (./bs2.ts, ./itau.ts) implements BankHarness; ./banks.ts is the one list. A new bank gets the whole suite by adding
 * its harness there.
 *
 * A harness starts the bank's simulator on a free port and builds the adapter of the simulator's default account
 * the way the worker does (src/banks/registry.ts from a BankAccount), so every call goes over real HTTP. Everything
 * bank-specific the contract needs lives here: a valid request, how the simulator is made to lose a registration's
 * answer or refuse one (its documented cents scenarios, docs/banks/<bank>.md), how it is made to pay (its /__sim admin
 * API), where its barcode keeps the nosso número, real notification bodies (test/fixtures/<bank>/SOURCES.md), and a
 * real receiver the simulator notifies. `simulatedBank` assembles the parts every simulated bank shares.
 *
 * Once banks are modules (src/banks/<bank>/ exporting a BankModule), `bank` and `capabilities` come from the module's
 * descriptor and `start` builds the adapter with its createAdapter and starts its simulator; the rest stays here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BankAdapter, BankCapability, InboundWebhook } from '../../../src/banks/bank-adapter';
import type { BankBoleto, BankCode, BankEvent, BoletoRef, RegisterBoletoRequest } from '../../../src/contracts/bank';
import type { ScenarioTable } from '../../../src/simulators/shared/scenarios';

/** A real notification body of the bank and the events it must translate to. */
export interface WebhookFixture {
  /** The file under test/fixtures/<bank>/ (its SOURCES.md says where the body comes from). */
  file: string;
  webhook: InboundWebhook;
  /** The events, in order, each matched with toMatchObject (kind and identity at least). */
  events: Partial<BankEvent>[];
}

/** One bank's simulator and its default account's adapter, running. */
export interface RunningBank {
  adapter: BankAdapter;
  /** The simulator's today in São Paulo (the reference date for decoding due dates). */
  today: string;
  /** A valid request (a plain boleto, nothing scripted: the simulator's MANUAL scenario) with a fresh identity. */
  request(over?: Partial<RegisterBoletoRequest>): RegisterBoletoRequest;
  /**
   * A valid request the simulator registers while the adapter never learns the outcome (the answer is lost):
   * register must fail UNAVAILABLE with `outcomeUnknown`, and the boleto exists at the bank.
   */
  lostResponse(): RegisterBoletoRequest;
  /** A request the bank refuses on its content, and the field the bank's refusal names. */
  rejected(): { request: RegisterBoletoRequest; field: string };
  /** A well-formed reference the bank does not know. */
  unknownRef: BoletoRef;
  /** The nosso número the bank's campo livre layout carries. */
  nossoNumeroOf(campoLivre: string): string;
  /** How many boletos the simulator holds with this request's identity (read through its /__sim admin API). */
  countAtBank(req: RegisterBoletoRequest): Promise<number>;
  /** Makes the simulator pay the boleto in full now (its /__sim admin API). */
  pay(boleto: BankBoleto): Promise<void>;
  /**
   * The notifications the simulator has delivered so far to the harness's real receiver (subscribed the way the bank
   * is told where to send them), as the API receives them: headers and parsed body.
   */
  notifications(): InboundWebhook[];
  /**
   * Whether an accepted due-date change is already what the bank shows (true for both banks so far: BS2 applies it at
   * once; the Itaú adapter reports "accepted" only once the consulta shows it, an approval pending is CONFLICT).
   */
  dueDateAppliedOnAccept: boolean;
  /**
   * True when the bank's bolecode Pix is a dynamic EMV (a location URL; the amount lives in the location's payload,
   * not in the EMV: Sicoob's cobv, its own example has no amount field). Unset: the EMV carries the amount.
   */
  bolecodePixDynamic?: boolean;
  /** Closes the adapter's connections and the simulator. */
  stop(): Promise<void>;
}

export interface BankHarness {
  bank: BankCode;
  /**
   * The capabilities the bank's adapter declares, known before anything starts so that capability-gated tests are
   * chosen when the suite is collected (the bank's own constant; the suite checks the running adapter declares the same).
   */
  capabilities: ReadonlySet<BankCapability>;
  /** The headers the bank's notifications carry to us (e.g. an agreed Authorization the adapter checks). */
  webhookHeaders: InboundWebhook['headers'];
  /** Real notification bodies of the bank, received with those headers (read when the suite is collected: one test each). */
  webhooks: readonly WebhookFixture[];
  start(): Promise<RunningBank>;
}

/** What every simulated bank's harness assembles the same way from its simulator, registry and receiver. */
export interface SimulatedParts<N extends string> {
  sim: { clock: { today(): string }; close(): Promise<void> };
  registry: { close(): Promise<void> };
  receiver: {
    received: { headers: Record<string, string | string[] | undefined>; body: unknown }[];
    close(): Promise<void>;
  };
  /** A valid request with a fresh identity (the bank's test helper). */
  request: (over?: Partial<RegisterBoletoRequest>) => RegisterBoletoRequest;
  /** The simulator's cents scenarios, and which of them loses a registration's answer and which refuses it (naming `field`). */
  scenarios: ScenarioTable<N>;
  lostResponse: N;
  rejected: { scenario: N; field: string };
}

export function simulatedBank<N extends string>(
  p: SimulatedParts<N>,
): Pick<RunningBank, 'today' | 'request' | 'lostResponse' | 'rejected' | 'notifications' | 'stop'> {
  const inScenario = (name: N) => p.request({ amountCents: scenarioAmount(p.scenarios, name) });
  return {
    today: p.sim.clock.today(),
    request: (over) => p.request(over),
    lostResponse: () => inScenario(p.lostResponse),
    rejected: () => ({ request: inScenario(p.rejected.scenario), field: p.rejected.field }),
    notifications: () => p.receiver.received.map(inboundOf),
    stop: async () => {
      await p.registry.close();
      await p.sim.close();
      await p.receiver.close();
    },
  };
}

/** R$ `reais`,cc where cc are the cents that select the named scenario in the simulator's table. */
export function scenarioAmount<N extends string>(table: ScenarioTable<N>, name: N, reais = 100): number {
  const row = table.rows.find((r) => r.name === name);
  if (!row) throw new Error(`the simulator has no scenario ${name}`);
  return reais * 100 + row.cents;
}

/** When the fixtures' notifications are received (the time of bodies that carry a date only). */
export const RECEIVED_AT = '2026-03-06T13:00:00.000Z';

/** A golden body from test/fixtures/<dir>/<file> (received with `headers`) and the events it must translate to. */
export function webhookFixture(
  dir: string,
  file: string,
  events: Partial<BankEvent>[],
  headers: InboundWebhook['headers'] = {},
): WebhookFixture {
  const body: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', dir, file), 'utf8'));
  return { file, webhook: { headers, body, receivedAt: RECEIVED_AT }, events };
}

/** A request a test receiver took (Node's headers: a repeated one is an array) as the adapter's inbound webhook. */
export function inboundOf(r: {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}): InboundWebhook {
  const headers = Object.fromEntries(
    Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]),
  );
  return { headers, body: r.body, receivedAt: new Date().toISOString() };
}

/** Throws unless the simulator's admin call succeeded (a harness step that silently failed would pass a test wrongly). */
export function expectAdminOk(what: string, r: { status: number; body: unknown }): void {
  if (r.status !== 200) throw new Error(`simulator admin ${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
}
