/**
 * The Itaú simulator's test PKI: a test CA, the server certificate (localhost / 127.0.0.1) and client
 * certificates signed from CSRs (the certificado dinâmico endpoints) or issued directly (the embedded default
 * app). Made by code at first start (node-forge for X.509/CSR, node:crypto for RSA keys), never committed: under
 * `npm start` the files live in DATA_DIR/simulators/itau/pki (git-ignored, mode 0600 for keys).
 *
 * Validity: the simulator has its own clock, but TLS checks certificates against real time. A certificate's
 * notAfter is the simulator's expiry (sim now + 365 days) and its notBefore is the earlier of sim now and real
 * now (minus a day), so a certificate issued after the sim clock was moved forward still passes the handshake.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface Pki {
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

export const DAY_MS = 24 * 3600 * 1000;

/** RSA key pair (node:crypto: native and fast; forge's pure-JS generation takes seconds). */
export function rsaKeyPair(bits = 2048): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

const serial = (): string => `01${randomBytes(15).toString('hex')}`;

function validity(cert: forge.pki.Certificate, simNow: number, days: number): void {
  cert.validity.notBefore = new Date(Math.min(simNow, Date.now()) - DAY_MS);
  cert.validity.notAfter = new Date(simNow + days * DAY_MS);
}

const caKey = (pem: string) => forge.pki.privateKeyFromPem(pem);

/** A fresh test CA and a server certificate for localhost/127.0.0.1 (10 years, real time). */
export function createPki(names: { ca?: string; server?: string } = {}): Pki {
  const now = Date.now();
  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKeyPem);
  ca.serialNumber = serial();
  validity(ca, now, 3650);
  const caSubject = [
    { shortName: 'CN', value: names.ca ?? 'boletoflow Itaú simulator test CA' },
    { shortName: 'O', value: 'boletoflow simulators' },
    { shortName: 'C', value: 'BR' },
  ];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey(caKeys.privateKeyPem), forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const server = forge.pki.createCertificate();
  server.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKeyPem);
  server.serialNumber = serial();
  validity(server, now, 3650);
  server.setSubject([
    { shortName: 'CN', value: names.server ?? 'localhost' },
    { shortName: 'O', value: 'boletoflow simulators' },
  ]);
  server.setIssuer(caSubject);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
  ]);
  server.sign(caKey(caKeys.privateKeyPem), forge.md.sha256.create());
  return {
    caCertPem: forge.pki.certificateToPem(ca),
    caKeyPem: caKeys.privateKeyPem,
    serverCertPem: forge.pki.certificateToPem(server),
    serverKeyPem: serverKeys.privateKeyPem,
  };
}

export interface IssuedCertificate {
  certificatePem: string;
  serialNumber: string;
  commonName: string;
  notAfter: number;
}

export class CsrRejected extends Error {}

/** What a CSR asks for, after checking its signature; throws CsrRejected with Itaú-like reasons. */
export function inspectCsr(csrPem: string): {
  commonName: string;
  subject: Record<string, string>;
  keyBits: number;
  signatureHash: string;
  publicKeyPem: string;
} {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
  } catch {
    throw new CsrRejected('CSR inválido: não foi possível ler o arquivo PEM');
  }
  if (!csr.verify()) throw new CsrRejected('CSR inválido: assinatura não confere');
  const subject: Record<string, string> = {};
  for (const a of csr.subject.attributes)
    if (a.shortName && typeof a.value === 'string') subject[a.shortName] = a.value;
  const pub = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!pub || !('n' in pub)) throw new CsrRejected('CSR inválido: a chave deve ser RSA');
  const oid = csr.siginfo.algorithmOid;
  const hash =
    oid === forge.pki.oids.sha512WithRSAEncryption
      ? 'SHA-512'
      : oid === forge.pki.oids.sha256WithRSAEncryption
        ? 'SHA-256'
        : String(oid);
  return {
    commonName: subject.CN ?? '',
    subject,
    keyBits: pub.n.bitLength(),
    signatureHash: hash,
    publicKeyPem: forge.pki.publicKeyToPem(pub),
  };
}

/** Signs a client certificate (CN = client_id) for `publicKeyPem`, valid `days` from the simulator's now. */
export function issueClientCertificate(
  pki: Pki,
  req: { subject: Record<string, string>; publicKeyPem: string },
  simNow: number,
  days: number,
): IssuedCertificate {
  const ca = forge.pki.certificateFromPem(pki.caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(req.publicKeyPem);
  cert.serialNumber = serial();
  validity(cert, simNow, days);
  cert.setSubject(Object.entries(req.subject).map(([shortName, value]) => ({ shortName, value })));
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  cert.sign(caKey(pki.caKeyPem), forge.md.sha256.create());
  return {
    certificatePem: forge.pki.certificateToPem(cert),
    serialNumber: cert.serialNumber,
    commonName: req.subject.CN ?? '',
    notAfter: cert.validity.notAfter.getTime(),
  };
}

/** The embedded default app: client_id, client_secret and a client certificate + key issued by the test CA. */
export interface SimApp {
  clientId: string;
  clientSecret: string;
  certificatePem: string;
  privateKeyPem: string;
}

const FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server.pem',
  serverKey: 'server-key.pem',
  clientCert: 'client.pem',
  clientKey: 'client-key.pem',
  app: 'default-app.json',
} as const;

export interface PkiDir {
  pki: Pki;
  app: SimApp;
  dir: string;
  paths: { caCert: string; clientCert: string; clientKey: string; app: string };
}

function read(dir: string): PkiDir {
  const f = (n: string) => readFileSync(join(dir, n), 'utf8');
  const app = JSON.parse(f(FILES.app)) as { clientId: string; clientSecret: string };
  return {
    dir,
    pki: {
      caCertPem: f(FILES.caCert),
      caKeyPem: f(FILES.caKey),
      serverCertPem: f(FILES.serverCert),
      serverKeyPem: f(FILES.serverKey),
    },
    app: {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      certificatePem: f(FILES.clientCert),
      privateKeyPem: f(FILES.clientKey),
    },
    paths: {
      caCert: join(dir, FILES.caCert),
      clientCert: join(dir, FILES.clientCert),
      clientKey: join(dir, FILES.clientKey),
      app: join(dir, FILES.app),
    },
  };
}

/**
 * The simulator's PKI folder, created at first use by whichever process gets there first (the simulator or the
 * worker reading the default account's certificate): everything is written to a temporary sibling folder and
 * renamed into place, so a concurrent creator either wins or reads the winner's files.
 */
export function ensurePkiDir(
  dir: string,
  defaultClientId: string,
  clientCertDays = 3650,
  names: { ca?: string } = {},
): PkiDir {
  if (existsSync(join(dir, FILES.app))) return read(dir);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(`${dir}.tmp-`);
  try {
    const pki = createPki(names);
    const keys = rsaKeyPair();
    const cert = issueClientCertificate(
      pki,
      {
        subject: { CN: defaultClientId, OU: 'boletoflow simulated company', L: 'Sao Paulo', ST: 'SP', C: 'BR' },
        publicKeyPem: keys.publicKeyPem,
      },
      Date.now(),
      clientCertDays,
    );
    const app = { clientId: defaultClientId, clientSecret: randomUUID() };
    const w = (n: string, data: string, mode = 0o600) => writeFileSync(join(tmp, n), data, { mode });
    w(FILES.caCert, pki.caCertPem, 0o644);
    w(FILES.caKey, pki.caKeyPem);
    w(FILES.serverCert, pki.serverCertPem, 0o644);
    w(FILES.serverKey, pki.serverKeyPem);
    w(FILES.clientCert, cert.certificatePem, 0o644);
    w(FILES.clientKey, keys.privateKeyPem);
    w(FILES.app, JSON.stringify(app));
    try {
      renameSync(tmp, dir);
    } catch (e) {
      if (!existsSync(join(dir, FILES.app))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return read(dir);
}

/** An in-memory PKI with a default app (tests: nothing touches the disk). */
export function memoryPki(
  defaultClientId: string,
  simNow = Date.now(),
  clientCertDays = 365,
  names: { ca?: string } = {},
): { pki: Pki; app: SimApp; serialNumber: string } {
  const pki = createPki(names);
  const keys = rsaKeyPair();
  const cert = issueClientCertificate(
    pki,
    {
      subject: { CN: defaultClientId, OU: 'boletoflow simulated company', L: 'Sao Paulo', ST: 'SP', C: 'BR' },
      publicKeyPem: keys.publicKeyPem,
    },
    simNow,
    clientCertDays,
  );
  return {
    pki,
    app: {
      clientId: defaultClientId,
      clientSecret: randomUUID(),
      certificatePem: cert.certificatePem,
      privateKeyPem: keys.privateKeyPem,
    },
    serialNumber: cert.serialNumber,
  };
}

/** Serial number, CN and notAfter of a PEM certificate (for the token endpoint's peer-certificate check). */
export function certificateFacts(pem: string): { serialNumber: string; commonName: string; notAfter: number } {
  const c = forge.pki.certificateFromPem(pem);
  const cn = c.subject.getField('CN') as { value?: string } | null;
  return { serialNumber: c.serialNumber, commonName: cn?.value ?? '', notAfter: c.validity.notAfter.getTime() };
}
