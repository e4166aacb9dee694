/**
 * Found by the chaos suite (api-restart): on SIGTERM the API stopped accepting connections but its clients' kept-alive
 * connections went on carrying requests, so a busy API never finished stopping until the 30 s shutdown timeout.
 * closeGracefully answers what is under way with Connection: close and closes connections as they go idle.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { closeGracefully, listen } from '../../src/api/http-server';

describe('API server › graceful close under keep-alive load', () => {
  it('close › clients keep sending on kept-alive connections › requests under way are answered, then it stops within a second', async () => {
    const app = express();
    app.get('/slow', (_req, res) => void setTimeout(() => res.json({ ok: true }), 300));
    app.get('/fast', (_req, res) => void res.json({ ok: true }));
    const server = await listen(app, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new Agent({ keepAliveTimeout: 60_000, connections: 4 });
    let sending = true;
    const outcomes = { ok: 0, refused: 0 };
    const clients = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (sending) {
          try {
            const r = await request(`${base}/fast`, { dispatcher: agent });
            await r.body.dump();
            outcomes.ok++;
          } catch {
            outcomes.refused++;
            await new Promise((r) => setTimeout(r, 10));
          }
        }
      }),
    );
    const slow = request(`${base}/slow`, { dispatcher: agent }).then(async (r) => ({
      status: r.statusCode,
      connection: r.headers.connection,
      body: await r.body.json(),
    }));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await closeGracefully(server);
    const took = Date.now() - started;
    sending = false;
    await clients;
    await agent.close();
    expect(await slow).toEqual({ status: 200, connection: 'close', body: { ok: true } });
    expect(took).toBeLessThan(1_000);
    expect(outcomes.ok).toBeGreaterThan(0);
  });
});
