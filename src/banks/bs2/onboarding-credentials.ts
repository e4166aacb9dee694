/** The credentials CS submits for a BS2 account: the API Banking application (key, secret, scope, first refresh token). */
import { z } from 'zod';
import { freeText, secretText } from '../../api/schemas/text';
import type { CredentialsInput } from '../../contracts/onboarding';

const Application = z.strictObject({
  kind: z.literal('BS2'),
  apiKey: secretText(256),
  apiSecret: secretText(256),
  scope: freeText(1024),
  refreshToken: secretText(256),
});

export const BS2_ONBOARDING_CREDENTIALS = {
  bodies: [Application],
  toInput: (body: { kind: string }): CredentialsInput => body as z.infer<typeof Application>,
};
