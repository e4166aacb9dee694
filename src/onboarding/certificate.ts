/**
 * An uploaded client certificate (the "certificado_convertido" of seed 000: PFX with a password, or PEM
 * certificate + key), checked before it reaches the workflow: it parses, the password opens it, it is valid now
 * and for a while, and the private key matches the certificate. The result is PEM (PKCS#8 key, no password):
 * the password is not kept. Errors name the field and say what is wrong, never echo the secret.
 *
 * PFX (PKCS#12): node-forge, already used for Itaú's CSR (Node has no PKCS#12 reader); X.509 checks: node:crypto.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export type UploadedCertificate =
  | { format: 'PEM'; certificatePem: string; privateKeyPem: string; password?: string }
  | { format: 'PFX'; pfxBase64: string; password: string };

export interface CheckedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  notBefore: string;
  notAfter: string;
  subject: string;
  fingerprint256: string;
}

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function fromPfx(pfxBase64: string, password: string): { certificatePem: string; key: KeyObject } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.decode64(pfxBase64.replace(/\s+/g, ''));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/mac could not be verified|invalid password/i.test(msg))
      throw new CertificateError('password', 'the password does not open this PFX file');
    throw new CertificateError('pfxBase64', 'not a PFX (PKCS#12) file in base64');
  }
  const bags = (type: string | undefined) => (type ? (p12.getBags({ bagType: type })[type] ?? []) : []);
  const certs = bags(forge.pki.oids.certBag);
  const keys = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag), ...bags(forge.pki.oids.keyBag)];
  const keyBag = keys.find((b) => b.key);
  if (!keyBag?.key) throw new CertificateError('pfxBase64', 'the PFX file has no private key');
  const key = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  // The client certificate is the one whose public key matches the private key (a PFX may carry the chain too).
  for (const bag of certs) {
    if (!bag.cert) continue;
    const pem = forge.pki.certificateToPem(bag.cert);
    if (new X509Certificate(pem).checkPrivateKey(key)) return { certificatePem: pem, key };
  }
  throw new CertificateError(
    'pfxBase64',
    certs.length ? 'no certificate in the PFX file matches its private key' : 'the PFX file has no certificate',
  );
}

function fromPem(
  certificatePem: string,
  privateKeyPem: string,
  password?: string,
): { certificatePem: string; key: KeyObject } {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certificatePem)?.[0];
  if (!first) throw new CertificateError('certificatePem', 'not a PEM certificate (-----BEGIN CERTIFICATE-----)');
  let key: KeyObject;
  try {
    key = createPrivateKey(password ? { key: privateKeyPem, passphrase: password } : { key: privateKeyPem });
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/passphrase|decrypt|bad decrypt/i.test(msg))
      throw new CertificateError(
        'password',
        password ? 'the password does not open this private key' : 'the private key is encrypted: give its password',
      );
    throw new CertificateError('privateKeyPem', 'not a PEM private key');
  }
  return { certificatePem: first, key };
}

/** Parses and checks the upload; `minValidDays`: refuse a certificate that expires sooner than this. */
export function checkUploadedCertificate(
  u: UploadedCertificate,
  now: Date = new Date(),
  minValidDays = 1,
): CheckedCertificate {
  const { certificatePem, key } =
    u.format === 'PFX' ? fromPfx(u.pfxBase64, u.password) : fromPem(u.certificatePem, u.privateKeyPem, u.password);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch {
    throw new CertificateError(u.format === 'PFX' ? 'pfxBase64' : 'certificatePem', 'the certificate cannot be parsed');
  }
  const field = u.format === 'PFX' ? 'pfxBase64' : 'certificatePem';
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec')
    throw new CertificateError('privateKeyPem', `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
  if (!cert.checkPrivateKey(key))
    throw new CertificateError(
      u.format === 'PFX' ? 'pfxBase64' : 'privateKeyPem',
      'the private key does not match the certificate',
    );
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (notAfter.getTime() <= now.getTime())
    throw new CertificateError(field, `the certificate expired on ${notAfter.toISOString()}`);
  if (notBefore.getTime() > now.getTime())
    throw new CertificateError(field, `the certificate is valid only from ${notBefore.toISOString()}`);
  if (notAfter.getTime() - now.getTime() < minValidDays * 86_400_000)
    throw new CertificateError(
      field,
      `the certificate expires on ${notAfter.toISOString()}, in less than ${minValidDays} day(s)`,
    );
  return {
    certificatePem,
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    subject: cert.subject.replace(/\n/g, ', '),
    fingerprint256: cert.fingerprint256,
  };
}
