/**
 * Itaú's certificado dinâmico (bank-apis.md §2.3):
 *   1. generate an RSA-2048 key pair and a CSR (CN = client_id, OU = company, L, ST, C = BR; SHA-512);
 *   2. POST the CSR as text/plain with the temporary token (7 days) as Bearer, without a client certificate;
 *   3. the answer is text: a `Secret: <client_secret>` line, then the signed certificate PEM (365 days);
 *   4. renewal, from 30 days before expiry, over mTLS with the current certificate and a normal access token.
 *
 * X.509 and CSR: node-forge (pure JS, zero dependencies, a long record); the RSA key itself comes from
 * node:crypto (native, fast). Nothing here logs or puts key material, secrets or tokens in error messages.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { BankError } from '../errors';
import { itauAgent, itauSend } from './client';
import type { ItauCredentials } from './config';

export interface CsrSubject {
  clientId: string;
  /** OU: the company (razão social). */
  company: string;
  /** L: city. */
  city: string;
  /** ST: UF, two letters. */
  state: string;
}

export interface KeyAndCsr {
  privateKeyPem: string;
  csrPem: string;
}

export interface IssuedItauCertificate {
  /** The client_secret from the `Secret:` line (the request answer always has it; a renewal may not [U]). */
  clientSecret?: string;
  certificatePem: string;
  /** ISO instants from the certificate. */
  notBefore: string;
  notAfter: string;
}

export const DAY_MS = 86_400_000;

const fail = (message: string, field: string) => new BankError('VALIDATION', message, { fields: [{ field, message }] });

/** RSA-2048 key pair (PKCS#8 PEM) and a SHA-512 CSR with Itaú's subject. */
export function generateKeyAndCsr(subject: CsrSubject, existingPrivateKeyPem?: string): KeyAndCsr {
  if (!/^[0-9A-Za-z-]{8,64}$/.test(subject.clientId)) throw fail('client_id must be the UUID Itaú sent', 'clientId');
  if (!subject.company.trim()) throw fail('company (OU) is required', 'company');
  if (!subject.city.trim()) throw fail('city (L) is required', 'city');
  if (!/^[A-Z]{2}$/.test(subject.state)) throw fail('state (ST) must be the two-letter UF', 'state');
  let privateKeyPem = existingPrivateKeyPem;
  if (!privateKeyPem) {
    privateKeyPem = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }).privateKey;
  }
  const key = forge.pki.privateKeyFromPem(privateKeyPem);
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([
    { shortName: 'CN', value: subject.clientId },
    { shortName: 'OU', value: subject.company },
    { shortName: 'L', value: subject.city },
    { shortName: 'ST', value: subject.state },
    { shortName: 'C', value: 'BR' },
  ]);
  csr.sign(key, forge.md.sha512.create());
  return { privateKeyPem, csrPem: forge.pki.certificationRequestToPem(csr) };
}

/** Validity and subject of a PEM certificate. */
export function certificateInfo(pem: string): {
  notBefore: string;
  notAfter: string;
  commonName: string;
  serialNumber: string;
} {
  let c: forge.pki.Certificate;
  try {
    c = forge.pki.certificateFromPem(pem);
  } catch {
    throw fail('not a PEM certificate', 'certificatePem');
  }
  const cn = c.subject.getField('CN') as { value?: string } | null;
  return {
    notBefore: c.validity.notBefore.toISOString(),
    notAfter: c.validity.notAfter.toISOString(),
    commonName: cn?.value ?? '',
    serialNumber: c.serialNumber,
  };
}

/** Parses the text answer: a `Secret: …` line (optional for renewals) and one PEM certificate. */
export function parseCertificateAnswer(text: string, requireSecret: boolean): IssuedItauCertificate {
  const secret = /^\s*Secret:\s*(\S+)\s*$/im.exec(text)?.[1];
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  if (!pem)
    throw new BankError('UNAVAILABLE', 'Itaú certificate: the answer has no PEM certificate', {
      operation: 'certificate',
    });
  if (requireSecret && !secret)
    throw new BankError('UNAVAILABLE', 'Itaú certificate: the answer has no Secret line', { operation: 'certificate' });
  const info = certificateInfo(pem);
  return {
    ...(secret ? { clientSecret: secret } : {}),
    certificatePem: `${pem}\n`,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
  };
}

/** When to renew: from `windowDays` before notAfter; expired certificates need a new temporary token instead. */
export function renewalStatus(
  certificatePem: string,
  now: Date,
  windowDays = 30,
): { notAfter: string; renewFrom: string; renewalDue: boolean; expired: boolean; daysLeft: number } {
  const { notAfter } = certificateInfo(certificatePem);
  const end = Date.parse(notAfter);
  const renewFrom = end - windowDays * DAY_MS;
  return {
    notAfter,
    renewFrom: new Date(renewFrom).toISOString(),
    renewalDue: now.getTime() >= renewFrom && now.getTime() < end,
    expired: now.getTime() >= end,
    daysLeft: Math.floor((end - now.getTime()) / DAY_MS),
  };
}

function classify(status: number, text: string, op: string): never {
  // The body is Itaú's text; it never holds our secrets, but keep it short.
  const why = text.replace(/\s+/g, ' ').trim().slice(0, 200) || `HTTP ${status}`;
  if (status === 401 || status === 403)
    throw new BankError('AUTH', `Itaú ${op}: refused (${why})`, { httpStatus: status, operation: op });
  if (status === 429 || status >= 500)
    throw new BankError('UNAVAILABLE', `Itaú ${op}: HTTP ${status}`, {
      httpStatus: status,
      operation: op,
      outcomeUnknown: status >= 500,
    });
  if (status === 409 || status === 422)
    throw new BankError('CONFLICT', `Itaú ${op}: ${why}`, { httpStatus: status, operation: op });
  throw new BankError('VALIDATION', `Itaú ${op}: ${why}`, {
    httpStatus: status,
    operation: op,
    fields: [{ field: 'csr', message: why }],
  });
}

/** Step 4 of onboarding: the CSR with the temporary token (no client certificate). */
export async function requestCertificate(input: {
  url: string;
  temporaryToken: string;
  csrPem: string;
  caPem?: string;
  timeoutMs?: number;
}): Promise<IssuedItauCertificate> {
  const agent = itauAgent({ ...(input.caPem ? { caPem: input.caPem } : {}) });
  try {
    const res = await itauSend(agent, 'certificateRequest', 'POST', input.url, {
      write: true,
      timeoutMs: input.timeoutMs ?? 30_000,
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${input.temporaryToken}`, accept: 'text/plain' },
      body: input.csrPem,
    });
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status >= 300) classify(res.status, text, 'certificateRequest');
    return parseCertificateAnswer(text, true);
  } finally {
    await agent.close();
  }
}

/**
 * Renewal over mTLS with the current certificate: a client_credentials token first (same connection identity),
 * then the CSR. `forceCertHeader` for the v2 path some clients use [U].
 */
export async function renewCertificate(input: {
  tokenUrl: string;
  renewalUrl: string;
  current: ItauCredentials;
  csrPem: string;
  forceCertHeader?: boolean;
  timeoutMs?: number;
}): Promise<IssuedItauCertificate> {
  const agent = itauAgent(input.current);
  const timeoutMs = input.timeoutMs ?? 30_000;
  try {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: input.current.clientId,
      client_secret: input.current.clientSecret,
    });
    const t = await itauSend(agent, 'token', 'POST', input.tokenUrl, {
      write: false,
      timeoutMs,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    let token: string | undefined;
    try {
      token = (JSON.parse(t.body.toString('utf8')) as { access_token?: string }).access_token;
    } catch {
      token = undefined;
    }
    if (t.status !== 200 || !token) classify(t.status === 200 ? 502 : t.status, '', 'token');
    const res = await itauSend(agent, 'certificateRenewal', 'POST', input.renewalUrl, {
      write: true,
      timeoutMs,
      headers: {
        'content-type': 'text/plain',
        accept: 'text/plain',
        authorization: `Bearer ${token}`,
        'x-itau-apikey': input.current.clientId,
        ...(input.forceCertHeader ? { 'x-itau-force-cert': 'true' } : {}),
      },
      body: input.csrPem,
    });
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status >= 300) classify(res.status, text, 'certificateRenewal');
    return parseCertificateAnswer(text, false);
  } finally {
    await agent.close();
  }
}
