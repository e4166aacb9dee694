/**
 * The API body of an uploaded client certificate (PFX, or PEM certificate + key), shared by the banks whose
 * credentials are a certificate (Itaú's ITAU_CERTIFICATE, Sicoob's SICOOB); src/onboarding/certificate.ts checks it.
 */
import { z } from 'zod';
import { secretText } from '../api/schemas/text';

export const CertificateUploadBody = z.discriminatedUnion('format', [
  z.strictObject({
    format: z.literal('PFX'),
    pfxBase64: secretText(200_000).meta({ description: 'the .pfx/.p12 file, base64' }),
    password: z.string().max(200),
  }),
  z.strictObject({
    format: z.literal('PEM'),
    certificatePem: secretText(100_000),
    privateKeyPem: secretText(100_000),
    password: z.string().max(200).optional(),
  }),
]);
