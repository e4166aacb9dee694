/**
 * Starts the HTTP server for the app. Requests Node rejects before express sees them (headers too large,
 * malformed HTTP) still get a problem+json answer instead of a bare socket close.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';
import { PROBLEM_BASE } from './problem';

const REASONS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request header fields too large'],
  HPE_URI_TOO_LONG: [414, 'URI too long'],
};

/** Responses under way per server, so that a shutdown can ask their connections to close. */
const draining = new WeakMap<Server, { open: Set<ServerResponse>; closing: boolean }>();

/**
 * Stops accepting connections and resolves once the requests under way are answered. A kept-alive connection would
 * otherwise carry new requests for as long as its client keeps sending, so a busy API never finished stopping (the
 * shutdown timeout ended it after 30 s; found by the chaos suite): from now on every response says Connection: close
 * and each connection is closed as soon as it is idle.
 */
export function closeGracefully(server: Server): Promise<void> {
  const state = draining.get(server);
  return new Promise((resolve) => {
    if (state) {
      state.closing = true;
      for (const res of state.open) if (!res.headersSent) res.setHeader('Connection', 'close');
    }
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

export function listen(app: Express, port: number, host: string): Promise<Server> {
  const server = createServer({ maxHeaderSize: 16 * 1024 }, app);
  const state = { open: new Set<ServerResponse>(), closing: false };
  draining.set(server, state);
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (state.closing) res.setHeader('Connection', 'close');
    state.open.add(res);
    res.once('close', () => {
      state.open.delete(res);
      if (state.closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const [status, title] = REASONS[err.code ?? ''] ?? [400, 'Malformed HTTP request'];
    const body = JSON.stringify({ type: `${PROBLEM_BASE}bad-request`, title, status });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
