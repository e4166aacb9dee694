/**
 * The credentials CS submits for an Itaú account: the client_id and 7-day temporary token Itaú e-mailed (we issue the
 * certificado dinâmico with the onboarding's key pair), or a certificate the client already has (PFX or PEM, checked
 * and converted here before the workflow sees it).
 */
import { z } from 'zod';
import { clientIdUuid, secretText } from '../../api/schemas/text';
import type { CredentialsInput } from '../../contracts/onboarding';
import { checkUploadedCertificate } from '../../onboarding/certificate';
import { CertificateUploadBody } from '../certificate-upload';

const Dynamic = z.strictObject({
  kind: z.literal('ITAU_DYNAMIC'),
  clientId: clientIdUuid,
  temporaryToken: secretText(8192).meta({ description: 'the 7-day temporary token Itaú sent' }),
});
const Certificate = z.strictObject({
  kind: z.literal('ITAU_CERTIFICATE'),
  clientId: clientIdUuid,
  clientSecret: secretText(1024),
  certificate: CertificateUploadBody,
});

export const ITAU_ONBOARDING_CREDENTIALS = {
  bodies: [Dynamic, Certificate],
  toInput(body: { kind: string }): CredentialsInput {
    if (body.kind !== 'ITAU_CERTIFICATE') return body as z.infer<typeof Dynamic>;
    const b = body as z.infer<typeof Certificate>;
    const c = checkUploadedCertificate(b.certificate);
    return {
      kind: 'ITAU_CERTIFICATE',
      clientId: b.clientId,
      clientSecret: b.clientSecret,
      certificatePem: c.certificatePem,
      privateKeyPem: c.privateKeyPem,
      notAfter: c.notAfter,
    };
  },
};
