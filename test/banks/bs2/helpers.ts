/** Shared set-up for the BS2 tests: a real simulator on port 0 with a frozen clock, adapters, a webhook receiver. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bs2Account } from '../../../src/banks/bs2/account';
import { Bs2Adapter } from '../../../src/banks/bs2/adapter';
import { Bs2Http } from '../../../src/banks/bs2/client';
import { bs2AdapterConfig, type Bs2AdapterConfig, type Bs2Credentials } from '../../../src/banks/bs2/config';
import { InMemoryBs2TokenSource } from '../../../src/banks/bs2/tokens';
import type { RegisterBoletoRequest } from '../../../src/contracts/bank';
import { addDays } from '../../../src/domain';
import { SimClock } from '../../../src/simulators/shared/clock';
import type { Bs2SimConfig } from '../../../src/simulators/bs2/config';
import { createBs2Simulator, type Bs2Simulator } from '../../../src/simulators/bs2/server';

/** Monday 2026-03-02, 12:00 in São Paulo. */
export const T0 = '2026-03-02T12:00:00-03:00';
export const TODAY = '2026-03-02';
export const CPF = '52998224725';
export const CNPJ = '11222333000181';

export function startSim(config: Partial<Bs2SimConfig> = {}): Promise<Bs2Simulator> {
  return createBs2Simulator({ port: 0, clock: new SimClock({ start: T0, frozen: true }), config });
}

export function credsOf(sim: Bs2Simulator): Bs2Credentials {
  const a = sim.config.app;
  return { apiKey: a.apiKey, apiSecret: a.apiSecret, scope: a.scope, initialRefreshToken: a.refreshToken };
}

/** The simulator's account as the worker's bank registry holds it (its app's credentials and refresh token). */
export function accountOf(sim: Bs2Simulator, accountId: string, timeoutMs: number): Bs2Account {
  return {
    accountId,
    bank: 'BS2',
    simulated: true,
    credentials: credsOf(sim),
    adapter: bs2AdapterConfig({ baseUrl: sim.url, timeoutMs }),
  };
}

export interface TestAdapter {
  adapter: Bs2Adapter;
  http: Bs2Http;
  tokens: InMemoryBs2TokenSource;
}

/**
 * An adapter on `sim`. BS2 rotates refresh tokens, so a second adapter on the same simulator must share the first
 * one's token source (`share`), or start from a newly generated refresh token.
 */
export function adapterFor(
  sim: Bs2Simulator,
  config: Partial<Bs2AdapterConfig> = {},
  creds: Partial<Bs2Credentials> = {},
  share?: InMemoryBs2TokenSource,
): TestAdapter {
  const http = new Bs2Http(bs2AdapterConfig({ baseUrl: sim.url, timeoutMs: 5_000, ...config }));
  const tokens = share ?? new InMemoryBs2TokenSource(http, { ...credsOf(sim), ...creds }, () => sim.clock.now());
  return { adapter: new Bs2Adapter({ http, tokens, now: () => new Date(sim.clock.now()) }), http, tokens };
}

let seq = 0;
export function boletoRequest(over: Partial<RegisterBoletoRequest> = {}): RegisterBoletoRequest {
  seq++;
  return {
    seuNumero: `T${Date.now().toString(36).slice(-5)}${seq}`.slice(0, 10).toUpperCase(),
    kind: 'BOLETO',
    amountCents: 15_000,
    issueDate: TODAY,
    dueDate: addDays(TODAY, 10),
    payer: {
      name: 'Maria da Silva',
      document: CPF,
      email: 'maria@example.com',
      address: {
        street: 'Rua das Flores',
        number: '100',
        district: 'Centro',
        city: 'São Paulo',
        state: 'SP',
        zipCode: '01001000',
      },
    },
    ...over,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function admin<T = any>(
  sim: Bs2Simulator,
  path: string,
  body?: unknown,
  method?: string,
): Promise<{ status: number; body: T }> {
  const r = await fetch(`${sim.url}/__sim${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as T };
}

export interface Received {
  headers: IncomingMessage['headers'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A tiny real HTTP receiver; answers with `statuses` in turn (then 200). */
export async function startReceiver(
  statuses: number[] = [],
): Promise<{ url: string; received: Received[]; close(): Promise<void>; server: Server }> {
  const received: Received[] = [];
  const queue = [...statuses];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      res.statusCode = queue.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/bs2`,
    received,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A raw authorised call to the simulator (for shapes the adapter would never send). */
export async function rawCall(
  sim: Bs2Simulator,
  t: TestAdapter,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const { accessToken } = await t.tokens.accessToken();
  const r = await fetch(sim.url + path, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}
