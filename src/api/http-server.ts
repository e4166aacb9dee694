/**
 * Starts the HTTP server for the app. Requests Node rejects before express sees them (headers too large,
 * malformed HTTP) still get a problem+json answer instead of a bare socket close.
 */
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { PROBLEM_BASE } from './problem';

const REASONS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request header fields too large'],
  HPE_URI_TOO_LONG: [414, 'URI too long'],
};

export function listen(app: Express, port: number, host: string): Promise<Server> {
  const server = createServer({ maxHeaderSize: 16 * 1024 }, app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (err.code === 'ECONNRESET')) return socket.destroy();
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
