/** Shared set-up for the Itaú tests: a real mTLS simulator on port 0 with a frozen clock, adapters, receivers. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { ItauAccount } from '../../../src/banks/itau/account';
import { BankError } from '../../../src/banks/errors';
import { ItauAdapter } from '../../../src/banks/itau/adapter';
import { ItauHttp } from '../../../src/banks/itau/client';
import {
  itauAdapterConfig,
  type ItauAdapterConfig,
  type ItauCredentials,
  itauSimulatorUrls,
} from '../../../src/banks/itau/config';
import type { RegisterBoletoRequest } from '../../../src/contracts/bank';
import { addDays } from '../../../src/domain';
import { brtDate, brtInstant, SimClock } from '../../../src/simulators/shared/clock';
import type { ItauSimConfig } from '../../../src/simulators/itau/config';
import { createItauSimulator, type ItauSimulator } from '../../../src/simulators/itau/server';

/**
 * Today at 12:00 in São Paulo (real date: TLS checks certificates against real time, so the simulator's clock
 * starts near it), frozen.
 */
export const TODAY = brtDate(Date.now());
export const T0 = brtInstant(TODAY, 12);
export const CPF = '52998224725';
export const CNPJ = '11222333000181';
export const PIX_KEY = 'financeiro@empresa-simulada.example';

/** Strict by default (it refuses what Itaú refuses: src/simulators/itau/config.ts `strict`); pass `strict: false` for the lenient one. */
export function startSim(config: Partial<ItauSimConfig> = {}): Promise<ItauSimulator> {
  return createItauSimulator({
    port: 0,
    publicPort: 0,
    clock: new SimClock({ start: T0, frozen: true }),
    config: { strict: true, ...config },
  });
}

export function credsOf(sim: ItauSimulator): ItauCredentials {
  return {
    clientId: sim.defaultApp.clientId,
    clientSecret: sim.defaultApp.clientSecret,
    certPem: sim.defaultApp.certificatePem,
    keyPem: sim.defaultApp.privateKeyPem,
    caPem: sim.pki.caCertPem,
  };
}

export function adapterConfigOf(sim: ItauSimulator, config: Partial<ItauAdapterConfig> = {}): ItauAdapterConfig {
  const b = sim.config.beneficiary;
  return itauAdapterConfig({
    urls: itauSimulatorUrls(sim.url, sim.publicUrl),
    agencia: b.agencia,
    conta: b.conta,
    pixKey: PIX_KEY,
    timeoutMs: 5_000,
    pendingQueryDelayMs: 5,
    ...config,
  });
}

/** The simulator's account as the worker's bank registry holds it (inline credentials, Pix key PIX_KEY). */
export function accountOf(sim: ItauSimulator, accountId: string): ItauAccount {
  return {
    accountId,
    bank: 'ITAU',
    simulated: true,
    credentials: { kind: 'inline', credentials: credsOf(sim) },
    adapter: adapterConfigOf(sim, { pixKey: PIX_KEY }),
  };
}

export interface TestAdapter {
  adapter: ItauAdapter;
  http: ItauHttp;
  close(): Promise<void>;
}

export function adapterFor(
  sim: ItauSimulator,
  config: Partial<ItauAdapterConfig> = {},
  creds: Partial<ItauCredentials> = {},
): TestAdapter {
  const http = new ItauHttp(adapterConfigOf(sim, config), { ...credsOf(sim), ...creds });
  const adapter = new ItauAdapter({ http, now: () => new Date(sim.clock.now()), sleep: () => Promise.resolve() });
  return { adapter, http, close: () => http.close() };
}

let seq = 0;
/** A unique 8-digit nosso número per call (per test process). */
export function nextNossoNumero(): string {
  seq++;
  return String((Date.now() % 9_000_000) * 10 + seq)
    .slice(-8)
    .padStart(8, '1');
}

export function boletoRequest(over: Partial<RegisterBoletoRequest> = {}): RegisterBoletoRequest {
  const nn = nextNossoNumero();
  return {
    seuNumero: `S${nn.slice(-7)}`,
    nossoNumero: nn,
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

/** An undici agent trusting the simulator's CA (for /__sim on the TLS-only listener and raw calls). */
export function trustAgent(sim: ItauSimulator, client?: { certPem: string; keyPem: string }): Agent {
  return new Agent({
    connect: { ca: sim.pki.caCertPem, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) },
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function admin<T = any>(
  sim: ItauSimulator,
  path: string,
  body?: unknown,
  method?: string,
): Promise<{ status: number; body: T }> {
  const agent = trustAgent(sim);
  try {
    const r = await request(`${sim.publicUrl}/__sim${path}`, {
      method: (method ?? (body === undefined ? 'GET' : 'POST')) as 'GET',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.body.text();
    return { status: r.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  } finally {
    await agent.close();
  }
}

/** A raw call over mTLS with the default app's certificate (for shapes the adapter would never send). */
export async function rawCall(
  sim: ItauSimulator,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; token?: boolean } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Record<string, unknown> }> {
  const agent = trustAgent(sim, credsOf(sim));
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (opts.token !== false) {
      const t = await request(`${sim.url}/api/oauth/token`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sim.defaultApp.clientId,
          client_secret: sim.defaultApp.clientSecret,
        }).toString(),
      });
      const tok = (await t.body.json()) as { access_token: string };
      headers.authorization ??= `Bearer ${tok.access_token}`;
    }
    const r = await request(sim.url + path, {
      method,
      dispatcher: agent,
      headers,
      ...(opts.body !== undefined
        ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
        : {}),
    });
    const text = await r.body.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* text */
    }
    return { status: r.statusCode, body, headers: r.headers };
  } finally {
    await agent.close();
  }
}

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/**
 * A tiny real receiver playing our side of Itaú notifications: `POST /oauth/token` (client_credentials with Basic
 * client auth → a token) and `POST /webhook` (accepted only with that Bearer token).
 */
export async function startReceiver(creds = { clientId: 'receiver-client', clientSecret: 'receiver-secret' }): Promise<{
  webhookUrl: string;
  oauthUrl: string;
  received: Received[];
  tokenRequests: Received[];
  creds: typeof creds;
  close(): Promise<void>;
  server: Server;
}> {
  const received: Received[] = [];
  const tokenRequests: Received[] = [];
  const issued = new Set<string>();
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/oauth/token') {
        tokenRequests.push({ path: req.url, headers: req.headers, body: Object.fromEntries(new URLSearchParams(raw)) });
        const expected = `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== expected || !raw.includes('grant_type=client_credentials')) {
          res.statusCode = 401;
          return void res.end('{"error":"invalid_client"}');
        }
        const token = `rcv-token-${++n}`;
        issued.add(token);
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 300 }));
      }
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!issued.has(bearer)) {
        res.statusCode = 401;
        return void res.end();
      }
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw || 'null') });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    oauthUrl: `http://127.0.0.1:${port}/oauth/token`,
    received,
    tokenRequests,
    creds,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function bankErrorOf(p: Promise<unknown>): Promise<BankError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BankError) return e;
    throw e;
  }
  throw new Error('expected a BankError');
}
