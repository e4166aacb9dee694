/** The CLIs' Temporal client: a cluster that cannot be reached stops the command with one clear line. */
import type { Client } from '@temporalio/client';
import { type Config, temporalAddress } from '../config';
import { StartupError } from '../process';
import { connectClient } from '../temporal/connection';

export async function connectCliClient(config: Config): Promise<Client> {
  try {
    return await connectClient(config);
  } catch (e) {
    throw new StartupError(
      `cannot reach Temporal at ${temporalAddress(config)} (is boletoflow running? npm start): ${(e as Error).message}`,
    );
  }
}
