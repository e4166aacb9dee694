/** A payer's document used as a list filter never reaches the API's log (it is logged as [redacted]). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, bearer, startApiHarness } from '../helpers/api';

describe('API log › personal data in query strings', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('payerDocument filter › answered, and the log line shows the parameter without its value', async () => {
    const r = await fetch(`${h.base}/v1/boletos?payerDocument=529.982.247-25&limit=5`, {
      headers: bearer(h.keys.t1.integrator.token),
    });
    expect(r.status).toBe(200);
    await new Promise((ok) => setTimeout(ok, 100));
    const lines = h.logs.join('');
    expect(lines).toContain('payerDocument=[redacted]&limit=5');
    expect(lines).not.toMatch(/529\.?982\.?247-?25/);
  });
});
