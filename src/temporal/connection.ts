/**
 * How the worker and the API reach Temporal: the embedded dev server, or an external cluster
 * (self-hosted with mTLS, or Temporal Cloud with mTLS or an API key), all from the validated config.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { type Config, temporalAddress } from '../config';
import { encryptingDataConverter, loadPayloadKeys } from './keys';
import { requestIdClientInterceptor } from './request-id';

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${variable}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
  }
}

export function tlsConfig(c: Config): TLSConfig | false {
  const wantsTls = c.TEMPORAL_TLS || c.TEMPORAL_TLS_CERT_PATH !== undefined || c.TEMPORAL_API_KEY !== undefined;
  if (!wantsTls) return false;
  const tls: TLSConfig = {};
  if (c.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = c.TEMPORAL_TLS_SERVER_NAME;
  if (c.TEMPORAL_TLS_CA_PATH) tls.serverRootCACertificate = readPem(c.TEMPORAL_TLS_CA_PATH, 'TEMPORAL_TLS_CA_PATH');
  if (c.TEMPORAL_TLS_CERT_PATH && c.TEMPORAL_TLS_KEY_PATH) {
    tls.clientCertPair = {
      crt: readPem(c.TEMPORAL_TLS_CERT_PATH, 'TEMPORAL_TLS_CERT_PATH'),
      key: readPem(c.TEMPORAL_TLS_KEY_PATH, 'TEMPORAL_TLS_KEY_PATH'),
    };
  }
  return tls;
}

function connectionOptions(c: Config) {
  return {
    address: temporalAddress(c),
    tls: tlsConfig(c),
    ...(c.TEMPORAL_API_KEY ? { apiKey: c.TEMPORAL_API_KEY } : {}),
  };
}

export async function connectClient(c: Config): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(c), connectTimeout: '10s' });
  return new Client({
    connection,
    namespace: c.TEMPORAL_NAMESPACE,
    dataConverter: encryptingDataConverter(loadPayloadKeys(c)),
    interceptors: { workflow: [requestIdClientInterceptor()] },
  });
}

export function connectWorkerConnection(c: Config): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(c));
}
