/**
 * Itaú's certificado dinâmico as activities (for the onboarding workflow, issue 9, which keeps the results in
 * its state: workflow history is encrypted by the payload codec, src/temporal/codec.ts). The steps are separate
 * so a retry never makes a second key: the key pair + CSR are made once (itauGenerateCsr) and the request
 * activity resends the same CSR. Keys, secrets, tokens and PEMs are returned, never logged, never put in error
 * messages or search attributes.
 */
import { withBankFailures } from '../../activities/to-failure';
import type { BankRegistry } from '../registry';
import { loadItauCredentials } from './account';
import {
  type CsrSubject,
  generateKeyAndCsr,
  type IssuedItauCertificate,
  renewalStatus,
  renewCertificate,
  requestCertificate,
} from './certificate';

export interface ItauCertificateMaterial {
  clientId: string;
  clientSecret: string;
  certificatePem: string;
  privateKeyPem: string;
  /** Kept for renewal ("reuse the CSR" [C S15]). */
  csrPem: string;
  notAfter: string;
}

export interface ItauCertificateActivityDeps {
  registry: BankRegistry;
}

export const createItauCertificateActivities = (deps: ItauCertificateActivityDeps) => {
  /** The account's endpoints and the CA its servers are checked against. */
  const endpoints = async (accountId: string) => {
    await deps.registry.ensure(accountId);
    const a = deps.registry.accountOf(accountId, 'ITAU');
    let caPem: string | undefined;
    try {
      caPem = loadItauCredentials(a.credentials).caPem;
    } catch {
      caPem = undefined; // onboarding before any credential exists: Node's roots
    }
    return {
      urls: a.adapter.urls,
      caPem,
      forceCertHeader: a.adapter.renewalForceCertHeader,
      windowDays: a.adapter.renewalWindowDays,
      timeoutMs: a.adapter.timeoutMs,
    };
  };

  return {
    /** Step 1/3: RSA-2048 key pair and the SHA-512 CSR (CN = client_id, OU = company, L, ST, C = BR). */
    itauGenerateCsr(input: CsrSubject): Promise<{ privateKeyPem: string; csrPem: string }> {
      return withBankFailures(() => Promise.resolve(generateKeyAndCsr(input)));
    },

    /** Step 4/5: the CSR with the temporary token (7 days), no client certificate; answer `Secret:` + PEM. */
    itauRequestCertificate(input: {
      accountId: string;
      clientId: string;
      temporaryToken: string;
      privateKeyPem: string;
      csrPem: string;
    }): Promise<ItauCertificateMaterial> {
      return withBankFailures(async () => {
        const e = await endpoints(input.accountId);
        const issued: IssuedItauCertificate = await requestCertificate({
          url: e.urls.certificateRequest,
          temporaryToken: input.temporaryToken,
          csrPem: input.csrPem,
          ...(e.caPem ? { caPem: e.caPem } : {}),
          timeoutMs: e.timeoutMs,
        });
        return {
          clientId: input.clientId,
          clientSecret: issued.clientSecret ?? '',
          certificatePem: issued.certificatePem,
          privateKeyPem: input.privateKeyPem,
          csrPem: input.csrPem,
          notAfter: issued.notAfter,
        };
      });
    },

    /** When to renew: from `windowDays` (30) before expiry; `now` defaults to the activity's clock. */
    async itauCertificateStatus(input: {
      accountId: string;
      certificatePem: string;
      now?: string;
    }): Promise<{ notAfter: string; renewFrom: string; renewalDue: boolean; expired: boolean; daysLeft: number }> {
      return withBankFailures(async () =>
        renewalStatus(
          input.certificatePem,
          input.now ? new Date(input.now) : new Date(),
          (await endpoints(input.accountId)).windowDays,
        ),
      );
    },

    /**
     * Renewal over mTLS with the current certificate and a normal access token; reuses the stored CSR (same key)
     * unless `newKey`, which makes a new key pair + CSR. Keeps the old secret when the answer has none [U].
     */
    itauRenewCertificate(input: {
      accountId: string;
      current: ItauCertificateMaterial;
      newKey?: { company: string; city: string; state: string };
    }): Promise<ItauCertificateMaterial> {
      return withBankFailures(async () => {
        const e = await endpoints(input.accountId);
        const c = input.current;
        const fresh = input.newKey
          ? generateKeyAndCsr({ clientId: c.clientId, ...input.newKey })
          : { privateKeyPem: c.privateKeyPem, csrPem: c.csrPem };
        const issued = await renewCertificate({
          tokenUrl: e.urls.token,
          renewalUrl: e.urls.certificateRenewal,
          current: {
            clientId: c.clientId,
            clientSecret: c.clientSecret,
            certPem: c.certificatePem,
            keyPem: c.privateKeyPem,
            ...(e.caPem ? { caPem: e.caPem } : {}),
          },
          csrPem: fresh.csrPem,
          forceCertHeader: e.forceCertHeader,
          timeoutMs: e.timeoutMs,
        });
        return {
          clientId: c.clientId,
          clientSecret: issued.clientSecret ?? c.clientSecret,
          certificatePem: issued.certificatePem,
          privateKeyPem: fresh.privateKeyPem,
          csrPem: fresh.csrPem,
          notAfter: issued.notAfter,
        };
      });
    },
  };
};
