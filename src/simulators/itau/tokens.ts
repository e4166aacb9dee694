/**
 * Itaú's STS as the simulator plays it: apps (client_id + client_secret + the client certificates issued to
 * it), client_credentials tokens over mTLS (300 s), the temporary tokens Itaú e-mails for the certificado
 * dinâmico (7 days), and certificate request/renewal. The certificate presented on the TLS connection and the
 * client_id must belong together, or the answer is Itaú's "Falha ao validar token HMAC"-style 401.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SimClock } from '../shared/clock';
import type { ItauSimConfig } from './config';
import { CsrRejected, DAY_MS, inspectCsr, issueClientCertificate, type Pki } from './tls';

export interface SimAppRecord {
  clientId: string;
  clientSecret: string;
  company?: string;
  /** Certificates issued to the app (serial → notAfter on the sim clock). */
  certificates: { serialNumber: string; notAfter: number }[];
}

export interface ItauTokenState {
  apps: SimAppRecord[];
  temporaryTokens: { token: string; clientId: string; expiresAt: number; used: boolean }[];
  accessTokens: { token: string; clientId: string; expiresAt: number }[];
  stats: { issued: number; rejected: number; certificatesIssued: number; certificatesRenewed: number };
}

export type StsAnswer = { status: number; json?: unknown; text?: string };

export const HMAC_FAILURE = 'Falha ao validar token HMAC';

const normSerial = (s: string): string => s.toLowerCase().replace(/^0+/, '');

export class ItauSts {
  state: ItauTokenState = {
    apps: [],
    temporaryTokens: [],
    accessTokens: [],
    stats: { issued: 0, rejected: 0, certificatesIssued: 0, certificatesRenewed: 0 },
  };

  constructor(
    private readonly config: ItauSimConfig,
    private readonly clock: SimClock,
    private readonly pki: Pki,
  ) {}

  app(clientId: string | undefined): SimAppRecord | undefined {
    return clientId === undefined ? undefined : this.state.apps.find((a) => a.clientId === clientId);
  }

  /** Registers (or updates) an app with a certificate already issued (the embedded default app). */
  putApp(app: {
    clientId: string;
    clientSecret: string;
    serialNumber: string;
    notAfter: number;
    company?: string;
  }): void {
    const existing = this.app(app.clientId);
    const cert = { serialNumber: normSerial(app.serialNumber), notAfter: app.notAfter };
    if (existing) {
      existing.clientSecret = app.clientSecret;
      if (!existing.certificates.some((c) => c.serialNumber === cert.serialNumber)) existing.certificates.push(cert);
    } else {
      this.state.apps.push({
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        certificates: [cert],
        ...(app.company ? { company: app.company } : {}),
      });
    }
  }

  /** "Itaú e-mails client_id + temporary token": a new app with no certificate yet. */
  newApp(company?: string): { clientId: string; temporaryToken: string; expiresAt: number } {
    const clientId = randomUUID();
    this.state.apps.push({ clientId, clientSecret: '', certificates: [], ...(company ? { company } : {}) });
    return { clientId, ...this.newTemporaryToken(clientId) };
  }

  /** A new temporary token for an existing app (after expiry of the certificate, Itaú sends a new one). */
  newTemporaryToken(clientId: string): { temporaryToken: string; expiresAt: number } {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = this.clock.now() + this.config.temporaryTokenTtlDays * DAY_MS;
    this.state.temporaryTokens.push({ token, clientId, expiresAt, used: false });
    return { temporaryToken: token, expiresAt };
  }

  /** The app the peer certificate belongs to, when it is one the STS issued and it has not expired (sim clock). */
  private certificateOwner(peer: { serialNumber?: string; commonName?: string } | undefined): SimAppRecord | undefined {
    if (!peer?.serialNumber) return undefined;
    const serial = normSerial(peer.serialNumber);
    return this.state.apps.find(
      (a) =>
        a.clientId === peer.commonName &&
        a.certificates.some((c) => c.serialNumber === serial && c.notAfter > this.clock.now()),
    );
  }

  /** POST /api/oauth/token (client_credentials, over mTLS). */
  token(
    form: Record<string, string | undefined>,
    peer: { serialNumber?: string; commonName?: string } | undefined,
  ): StsAnswer {
    if (form.grant_type !== 'client_credentials') {
      this.state.stats.rejected++;
      return {
        status: 400,
        json: { error: 'unsupported_grant_type', error_description: 'grant_type deve ser client_credentials' },
      };
    }
    const app = this.app(form.client_id);
    if (!app || !app.clientSecret || form.client_secret !== app.clientSecret) {
      this.state.stats.rejected++;
      return { status: 401, json: { error: 'invalid_client', error_description: 'Credenciais inválidas' } };
    }
    const owner = this.certificateOwner(peer);
    if (!owner || owner.clientId !== app.clientId) {
      this.state.stats.rejected++;
      return { status: 401, json: { error: 'invalid_client', error_description: HMAC_FAILURE } };
    }
    const now = this.clock.now();
    this.state.accessTokens = this.state.accessTokens.filter((t) => t.expiresAt > now);
    const token = randomBytes(32).toString('base64url');
    this.state.accessTokens.push({
      token,
      clientId: app.clientId,
      expiresAt: now + this.config.accessTokenTtlSeconds * 1000,
    });
    this.state.stats.issued++;
    return {
      status: 200,
      json: {
        access_token: token,
        token_type: 'Bearer',
        expires_in: this.config.accessTokenTtlSeconds,
        scope: 'cash_management boletos',
        active: true,
      },
    };
  }

  /** The client_id of a valid access token presented over a connection with that app's certificate. */
  validAccess(
    token: string | undefined,
    peer: { serialNumber?: string; commonName?: string } | undefined,
  ): { clientId: string } | { error: 'token' | 'certificate' } {
    const t =
      token === undefined
        ? undefined
        : this.state.accessTokens.find((x) => x.token === token && x.expiresAt > this.clock.now());
    if (!t) return { error: 'token' };
    const owner = this.certificateOwner(peer);
    if (!owner || owner.clientId !== t.clientId) return { error: 'certificate' };
    return { clientId: t.clientId };
  }

  private sign(app: SimAppRecord, csrPem: string): { certificatePem: string; notAfter: number } | StsAnswer {
    let csr;
    try {
      csr = inspectCsr(csrPem);
    } catch (e) {
      if (e instanceof CsrRejected) return { status: 400, text: e.message };
      throw e;
    }
    if (csr.commonName !== app.clientId) return { status: 400, text: 'CSR inválido: o CN deve ser o client_id' };
    if (csr.keyBits < 2048) return { status: 400, text: 'CSR inválido: chave RSA de pelo menos 2048 bits' };
    if (csr.subject.C !== 'BR') return { status: 400, text: 'CSR inválido: C deve ser BR' };
    const issued = issueClientCertificate(
      this.pki,
      { subject: csr.subject, publicKeyPem: csr.publicKeyPem },
      this.clock.now(),
      this.config.certificateDays,
    );
    app.certificates.push({ serialNumber: normSerial(issued.serialNumber), notAfter: issued.notAfter });
    return { certificatePem: issued.certificatePem, notAfter: issued.notAfter };
  }

  /** POST /seguranca/v1/certificado/solicitacao: Bearer temporary token, CSR as text; answers `Secret: …` + PEM. */
  requestCertificate(authorization: string | undefined, csrPem: string): StsAnswer {
    const bearer = authorization && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
    const t = this.state.temporaryTokens.find((x) => x.token === bearer);
    if (!t || t.expiresAt <= this.clock.now() || (t.used && this.config.temporaryTokenSingleUse)) {
      return { status: 401, text: 'Token temporário inválido ou expirado' };
    }
    const app = this.app(t.clientId);
    if (!app) return { status: 401, text: 'Token temporário inválido ou expirado' };
    const signed = this.sign(app, csrPem);
    if ('status' in signed) return signed;
    t.used = true;
    app.clientSecret = randomUUID();
    this.state.stats.certificatesIssued++;
    return { status: 200, text: `Secret: ${app.clientSecret}\n\n${signed.certificatePem}` };
  }

  /** Renewal over mTLS with the current certificate and an access token of the same app, from N days before expiry. */
  renewCertificate(
    authorization: string | undefined,
    peer: { serialNumber?: string; commonName?: string } | undefined,
    csrPem: string,
  ): StsAnswer {
    const bearer = authorization && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : undefined;
    const access = this.validAccess(bearer, peer);
    if ('error' in access)
      return { status: 401, text: access.error === 'token' ? 'Token inválido ou expirado' : HMAC_FAILURE };
    const app = this.app(access.clientId) as SimAppRecord;
    const serial = normSerial(peer?.serialNumber ?? '');
    const current = app.certificates.find((c) => c.serialNumber === serial);
    if (current && current.notAfter - this.clock.now() > this.config.renewalWindowDays * DAY_MS) {
      return {
        status: 422,
        text: `Certificado ainda não pode ser renovado: renovação permitida a partir de ${this.config.renewalWindowDays} dias antes do vencimento`,
      };
    }
    const signed = this.sign(app, csrPem);
    if ('status' in signed) return signed;
    this.state.stats.certificatesRenewed++;
    return { status: 200, text: `Secret: ${app.clientSecret}\n\n${signed.certificatePem}` };
  }
}
