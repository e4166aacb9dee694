/**
 * The Sicoob simulator for bank-level tests: strict (mutual TLS, scopes, the client_id header), clock frozen at
 * today 12:00 in Brasília, and every Cobrança v3 exchange checked against Sicoob's own OpenAPI
 * (test/simulators/sicoob-openapi.ts): the request the adapter sent and the answer the simulator gave. The account
 * is built the way the worker builds it (src/banks/sicoob/account.ts from the SICOOB_* settings), pointed at the
 * simulator's random ports.
 */
import { expect } from 'vitest';
import { z } from 'zod';
import { BankError } from '../../../src/banks/errors';
import { type SicoobAccount, sicoobAdapterFromSettings } from '../../../src/banks/sicoob/account';
import { SICOOB_SETTINGS } from '../../../src/banks/sicoob/settings';
import type { RegisterBoletoRequest } from '../../../src/contracts/bank';
import { addDays, sicoobNossoNumeroFromFaixa } from '../../../src/domain';
import { brtDate, brtInstant, SimClock } from '../../../src/simulators/shared/clock';
import type { SicoobSimConfig } from '../../../src/simulators/sicoob/config';
import { createSicoobSimulator, type SicoobSimulator } from '../../../src/simulators/sicoob/server';
import { loadSicoobCobranca } from '../../simulators/sicoob-openapi';

export const TODAY = brtDate(Date.now());

const cobranca = loadSicoobCobranca();

/** The simulator and what its exchanges broke of Sicoob's OpenAPI (empty = every request and answer valid). */
export interface CheckedSicoobSimulator {
  sim: SicoobSimulator;
  problems: string[];
}

export async function startSicoobSim(
  config: Partial<SicoobSimConfig> = {},
  clock = new SimClock({ start: brtInstant(TODAY, 12), frozen: true }),
): Promise<CheckedSicoobSimulator> {
  const problems: string[] = [];
  const sim = await createSicoobSimulator({
    clock,
    config,
    observe: (x) => {
      const where = `${x.method} ${x.path} → ${x.status}`;
      const body = x.method === 'GET' || x.requestBody === undefined ? {} : { body: x.requestBody };
      for (const p of cobranca.checkRequest({ method: x.method, path: x.path, query: x.query, ...body }))
        problems.push(`${where} request: ${p}`);
      // The gateway's own 401/403 are not in the document ([U], docs/banks/sicoob.md).
      if (x.status !== 401 && x.status !== 403)
        for (const p of cobranca.checkResponse({ ...x, body: x.body })) problems.push(`${where} answer: ${p}`);
    },
  });
  return { sim, problems };
}

/** The account of the simulator's default app, as SICOOB_* settings make it. */
export function sicoobAccountOf(sim: SicoobSimulator, accountId: string): SicoobAccount {
  const s = z.object(SICOOB_SETTINGS.shape).parse({
    SICOOB_ACCOUNT_ID: accountId,
    SICOOB_TOKEN_URL: sim.tokenUrl,
    SICOOB_API_URL: sim.apiUrl,
  });
  const b = sim.config.beneficiary;
  const f = sim.config.faixa;
  return {
    accountId,
    bank: 'SICOOB',
    credentials: {
      kind: 'inline',
      credentials: {
        clientId: sim.defaultApp.clientId,
        certPem: sim.defaultApp.certificatePem,
        keyPem: sim.defaultApp.privateKeyPem,
        caPem: sim.pki.caCertPem,
      },
    },
    ...sicoobAdapterFromSettings(
      { ...s, DATA_DIR: '.data', SIM_HOST: '127.0.0.1' },
      {
        numeroCliente: b.numeroCliente,
        cooperativa: b.cooperativa,
        codigoCliente: b.codigoCliente,
        faixa: { first: f.numeroInicial, last: f.numeroFinal, dv: f.validaDigitoVerificadorNossoNumero },
      },
    ),
  };
}

let next = 100_000 + Math.floor(Math.random() * 800_000);

/** A nosso número of the simulator's range with its DV (as the adapter would send it), never used before. */
export function nextSicoobNossoNumero(sim: SicoobSimulator): string {
  const b = sim.config.beneficiary;
  return String(sicoobNossoNumeroFromFaixa(next++, sim.config.faixa.validaDigitoVerificadorNossoNumero, b));
}

/** The payer of the Sicoob tests' boletos (a valid CPF). */
export const SICOOB_TEST_PAYER: RegisterBoletoRequest['payer'] = {
  name: 'Maria da Silva',
  document: '52998224725',
  address: {
    street: 'Rua das Flores',
    number: '100',
    district: 'Centro',
    city: 'Brasilia',
    state: 'DF',
    zipCode: '70000000',
  },
};

/** A plain boleto (nothing scripted: the MANUAL scenario), due in 10 days, with a fresh identity. */
export function sicoobBoletoRequest(
  sim: SicoobSimulator,
  over: Partial<RegisterBoletoRequest> = {},
): RegisterBoletoRequest {
  const nossoNumero = nextSicoobNossoNumero(sim);
  return {
    seuNumero: `S${nossoNumero}`.slice(0, 10),
    nossoNumero,
    kind: 'BOLETO',
    amountCents: 10_000,
    issueDate: TODAY,
    dueDate: addDays(TODAY, 10),
    payer: SICOOB_TEST_PAYER,
    ...over,
  };
}

/** The BankError a call fails with (the test fails if it succeeds or throws anything else). */
export async function bankError(p: Promise<unknown>): Promise<BankError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BankError);
  return e as BankError;
}
