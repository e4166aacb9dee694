/**
 * The credentials CS submits for a Sicoob account: the client_id of the app the client created in the Sicoob
 * developer portal and the certificate registered for it (PFX or PEM, checked and converted here before the
 * workflow sees it). Sicoob's token takes no client secret (the certificate authenticates).
 */
import { z } from 'zod';
import { freeText } from '../../api/schemas/text';
import type { CredentialsInput } from '../../contracts/onboarding';
import { checkUploadedCertificate } from '../../onboarding/certificate';
import { CertificateUploadBody } from '../certificate-upload';

const Certificate = z.strictObject({
  kind: z.literal('SICOOB'),
  clientId: freeText(200).meta({ description: 'the client_id of the app in the Sicoob developer portal' }),
  certificate: CertificateUploadBody,
});

export const SICOOB_ONBOARDING_CREDENTIALS = {
  bodies: [Certificate],
  toInput(body: { kind: string }): CredentialsInput {
    const b = body as z.infer<typeof Certificate>;
    const c = checkUploadedCertificate(b.certificate);
    return {
      kind: 'SICOOB',
      clientId: b.clientId.trim(),
      certificatePem: c.certificatePem,
      privateKeyPem: c.privateKeyPem,
      notAfter: c.notAfter,
    };
  },
};
