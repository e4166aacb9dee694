/**
 * The operator's path to clear payloads in a real browser (issue #18): Debian's chromium driven by playwright-core,
 * the real boleto stack (Temporal dev server serving its Web UI, a worker, the BS2 simulator, the API on a random
 * port). A boleto is created through the API; in the Web UI its history is ciphertext and the codec banner says the
 * Codec Server could not connect; the operator logs in on the API's /codec/login form (Chromium posts it with
 * Sec-Fetch-Site: same-origin), sets the Web UI's Codec Server to the endpoint with credentials, as the README and
 * the login page say, and sees the payer in clear. A failing test leaves a screenshot in a temp folder (path printed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/codec-session';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser';
import { type BoletoStack, registerBoleto, startBoletoStack } from '../helpers/boleto-stack';
import { freePort } from '../helpers/processes';

/** The Web UI loads its pages and decodes in the background: seconds on a busy machine. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 45_000, interval: 200 });
const PAYER = 'Joana Operadora Teste';

describe('codec › an operator in a real browser, with the Temporal Web UI', () => {
  let s: BoletoStack;
  let browser: Browser;
  let context: BrowserContext;
  /** UI and API under the same host name, as the README says: the SameSite=Strict cookie travels between them. */
  let ui: string;
  let api: string;
  let boletoId: string;
  const shots = mkdtempSync(join(tmpdir(), 'codec-browser-shots-'));
  let failed = false;

  beforeAll(async () => {
    assertChromium();
    const uiPort = await freePort();
    ui = `http://localhost:${uiPort}`;
    s = await startBoletoStack({ uiPort, serverArgs: ['--ui-disable-news-fetch'], codec: { corsOrigins: [ui] } });
    api = s.base.replace('127.0.0.1', 'localhost');
    const r = await registerBoleto(s, 'codec-browser-1', {
      amountCents: 12_300,
      payer: {
        name: PAYER,
        document: '529.982.247-25',
        address: {
          street: 'Rua das Flores',
          number: '100',
          district: 'Centro',
          city: 'São Paulo',
          state: 'SP',
          zipCode: '01001000',
        },
      },
    });
    expect(r.status).toBe(201);
    boletoId = r.body.id;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await s?.close();
    if (!failed) rmSync(shots, { recursive: true, force: true });
  });

  const shooting = (name: string, body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (e) {
      failed = true;
      for (const [i, p] of context.pages().entries()) {
        const file = join(shots, `${name}-${i}.png`);
        await p.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        console.error(`codec browser test failed; screenshot: ${file}`);
      }
      throw e;
    }
  };

  /** The codec endpoint's answers to the page: their statuses, and the text of the payloads it decoded. */
  const decodeAnswers = (page: Page) => {
    const seen = { statuses: [] as number[], decoded: [] as string[] };
    page.on('response', (r) => {
      // The UI adds a query (?preserveStorageRefs=true).
      if (r.url().split('?')[0] !== `${api}/codec/decode` || r.request().method() !== 'POST') return;
      seen.statuses.push(r.status());
      if (r.ok()) {
        void r
          .json()
          .then((b: { payloads: { data?: string }[] }) =>
            seen.decoded.push(...b.payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8'))),
          );
      }
    });
    return seen;
  };

  it(
    'Web UI › codec set in the browser, not logged in › ciphertext and the "could not connect" banner; log in on /codec/login › the payer in clear',
    shooting('operator', async () => {
      const { runId } = await s.client.workflow.getHandle(boletoId).describe();
      const workflowPage = `${ui}/namespaces/default/workflows/${boletoId}/${runId}/history`;
      // The start of the workflow's input as the UI prints the JSON (the payer comes further down, out of view).
      const clearInput = `"accountId": "${s.accountId}"`;
      const page = await context.newPage();
      const codec = decodeAnswers(page);
      await page.goto(workflowPage);
      await poll(() => page.locator('body').innerText()).toContain(boletoId);

      // The Codec Server settings, as the login page and the README tell the operator.
      await page.click('[data-testid=data-encoder-status]');
      await page.click('label:has-text("Use my browser setting")');
      await page.fill('#data-encoder-endpoint-input', `${api}/codec`);
      await page.click('[data-testid=data-encoder-include-credentials]'); // a switch: its label toggles it
      expect(await page.isChecked('#pass-access-credentials')).toBe(true);
      await page.click('[data-testid=confirm-modal-button]');
      await page.reload();
      await poll(() => codec.statuses.includes(401)).toBe(true);
      await poll(() => page.locator('body').innerText()).toMatch(/Codec Server could not connect/i);
      expect(await page.locator('body').innerText()).not.toContain(clearInput);

      // Log in on the API's own page, in the same browser.
      const login = await context.newPage();
      const loginPage = await login.goto(`${api}/codec/login`);
      await login.fill('#apiKey', s.keys.t1.operator);
      const posted = login.waitForRequest((r) => r.url() === `${api}/codec/login` && r.method() === 'POST');
      await login.click('form[action="login"] button');
      const post = await posted;
      expect(await post.headerValue('sec-fetch-site')).toBe('same-origin');
      await poll(() => login.locator('body').innerText()).toContain('This browser is logged in with key');
      // The page keeps its Origin on its own posts (no-referrer made Chromium send Origin: null) and sends no referrer elsewhere.
      expect(loginPage?.headers()['referrer-policy']).toBe('same-origin');
      const session = (await context.cookies(`${api}/codec`)).find((c) => c.name === SESSION_COOKIE);
      expect(session && [session.httpOnly, session.sameSite, session.path]).toEqual([true, 'Strict', '/codec']);

      // Back in the Web UI: the codec answers, the banner is gone, the input shows in clear.
      await page.reload();
      await poll(() => codec.statuses.includes(200)).toBe(true);
      await poll(() => page.locator('body').innerText()).toContain(clearInput);
      expect(await page.locator('body').innerText()).not.toMatch(/Codec Server could not connect/i);
      // The payer, further down the input than the page shows, came to the browser in clear too.
      await poll(() => codec.decoded.some((d) => d.includes(PAYER))).toBe(true);
    }),
    180_000,
  );
});
