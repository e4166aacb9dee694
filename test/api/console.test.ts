/**
 * The CS console (issue #9) in a real headless browser: Debian's chromium driven by playwright-core against the real
 * stack of test/helpers/onboarding-stack.ts (Temporal dev server, a worker with the onboarding activities pointed at
 * the Itaú, BS2 and Sicoob simulators, the API on a random port). A CS key logs in, creates an Itaú onboarding through the form (a bad CNPJ first: its reason shows
 * next to the field), finds it in the list, copies the manager e-mail, gets a 409 from a stale page, and walks the
 * steps to ACTIVE with the simulator's client_id + temporary token; then a Sicoob account through its own form to
 * ACTIVE (client_id + PEM certificate, modalidade 1, bolecode by default). Every page is checked for CSP violations and
 * script errors; a failing test leaves a screenshot in a temp folder (its path is printed).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/api/routes/console';
import { addDays, inspectCnpj, mod10, saoPauloDate } from '../../src/domain';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { admin } from '../banks/itau/helpers';
import { SICOOB_TEST_PAYER } from '../banks/sicoob/helpers';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser';
import { call, type OnboardingStack, startOnboardingStack } from '../helpers/onboarding-stack';

/** What the page shows after an API call, waited for: bank calls (certificate, connectivity) take seconds on a busy machine. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 100 });

describe('CS console › a real browser on the real stack', () => {
  let base: string;
  let csKey: string;
  let tenant: string;
  let sim: ItauSimulator;
  let stack: OnboardingStack;
  let context: BrowserContext;
  let page: Page;
  let failed = false;
  const tmp = mkdtempSync(join(tmpdir(), 'console-test-'));
  const shots = mkdtempSync(join(tmpdir(), 'console-shots-'));
  /** CSP violations, uncaught errors and console errors, per page. */
  const browserErrors: string[] = [];
  let account: { agency: string; account: string; digit: string; id: string };

  const watch = (p: Page, name: string) => {
    p.on('pageerror', (e) => browserErrors.push(`${name} pageerror: ${e.message}`));
    p.on('console', (m) => {
      // A refused API call logs "Failed to load resource" (that is the point of some steps); anything else counts.
      if (
        m.type() === 'error' &&
        !/Failed to load resource: the server responded with a status of (400|401|404|409|422)/.test(m.text())
      )
        browserErrors.push(`${name} console: ${m.text()}`);
    });
    p.on('response', (r) => {
      // Every asset the page loads exists (an API 404 is a problem the page shows, and a step of this test).
      if (r.status() === 404 && !r.url().includes('/v1/')) browserErrors.push(`${name} 404: ${r.url()}`);
    });
    return p;
  };

  /** CONSOLE_TEST_SHOTS=<folder>: screenshots of what CS sees at each stage, to look at. */
  const snap = async (name: string) => {
    if (process.env.CONSOLE_TEST_SHOTS)
      await page.screenshot({ path: join(process.env.CONSOLE_TEST_SHOTS, `${name}.png`), fullPage: true });
  };

  /** Runs a test body; on failure leaves a full-page screenshot of every open page. */
  const shooting = (name: string, body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (e) {
      failed = true;
      for (const [i, p] of context.pages().entries()) {
        const file = join(shots, `${name}-${i}.png`);
        await p.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        console.error(`console test failed; screenshot: ${file}`);
      }
      throw e;
    }
  };

  const api = (method: string, path: string, body?: unknown) => call(stack.base, stack.keys.cs, method, path, body);

  /** Fills the new-onboarding form (selector → value; the CS contact is always ours) and submits it. */
  const submitCreate = async (fields: Record<string, string>) => {
    const cs = {
      '#c-cs-name': 'Carlos CS',
      '#c-cs-phone': '(11) 3333-4444',
      '#c-cs-email': 'cs@softwarehouse.example',
    };
    for (const [sel, v] of Object.entries({ ...fields, ...cs })) await page.fill(sel, v);
    await page.click('#create-form button[type="submit"]');
  };

  const login = async (p: Page, key: string) => {
    await p.fill('#login-key', key);
    await p.click('#login-form button[type="submit"]');
  };

  beforeAll(async () => {
    assertChromium();
    stack = await startOnboardingStack();
    ({ base, tenant, itau: sim } = stack);
    csKey = stack.keys.cs;
    const b = sim.config.beneficiary; // the account the simulator's apps may use
    const digit = String(mod10(b.agencia + b.conta));
    account = { agency: b.agencia, account: b.conta, digit, id: `itau-${b.agencia}-${b.conta}-${digit}` };
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    page = watch(context.pages()[0] ?? (await context.newPage()), 'tab A');
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    rmSync(tmp, { recursive: true, force: true });
    if (!failed) rmSync(shots, { recursive: true, force: true });
  });

  it(
    'page › served with a strict CSP; a bad key is refused with the API’s words; a cs key shows who is logged in',
    shooting('login', async () => {
      const res = await page.goto(`${base}/console`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
      expect(CONSOLE_CSP).toContain("default-src 'self'");
      expect(CONSOLE_CSP).toContain("script-src 'self'");
      const js = await fetch(`${base}/console/app.js`);
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
      await poll(() => page.isVisible('#login-view')).toBe(true);

      await login(page, 'bfk_not-a-key');
      await poll(() => page.textContent('#login-form .problem')).toContain('API key not valid');
      expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);

      await login(page, csKey);
      await poll(() => page.textContent('#whoami')).toContain(`tenant ${tenant}`);
      expect(await page.textContent('#whoami-role')).toBe('cs');
      await poll(() => page.isVisible('#list-view')).toBe(true);
    }),
  );

  it(
    'new onboarding › a bad CNPJ shows its reason next to the field; the valid one opens at DATA_CAPTURED and is listed (filters, escaped names)',
    shooting('create', async () => {
      await page.click('#nav a[href="#/new"]');
      await page.selectOption('#c-bank', 'ITAU');
      const fill: Record<string, string> = {
        '#c-agency': account.agency,
        '#c-account': account.account,
        '#c-digit': account.digit,
        '#c-operator': 'OPER01',
        '#c-legal-name': 'Padaria Pão & Cia Ltda',
        '#c-cnpj': '11.222.333/0001-82',
        '#c-city': 'São Paulo',
        '#c-state': 'SP',
        '#c-lr-name': 'Maria Souza',
        '#c-lr-phone': '(11) 98765-4321',
        '#c-lr-email': 'maria@padaria.example',
        '#c-mgr-name': 'Gerente Itaú',
        '#c-mgr-email': 'gerente@itau.example',
      };
      await submitCreate(fill);
      const reason = inspectCnpj('11222333000182').reason!;
      await poll(() => page.textContent('#c-cnpj ~ .field-error')).toBe(reason);
      expect(await page.getAttribute('#c-cnpj', 'aria-invalid')).toBe('true');
      expect(await page.textContent('#create-form .problem')).toContain('The request has invalid fields');
      await snap('1-create-field-error');

      await page.fill('#c-cnpj', '11.222.333/0001-81');
      await page.click('#create-form button[type="submit"]');
      await page.waitForURL(`**/console#/o/${account.id}`);
      await poll(() => page.textContent('#d-step')).toBe('DATA_CAPTURED');
      expect(await page.textContent('#d-title')).toBe('Padaria Pão & Cia Ltda');
      expect(await page.textContent('#d-done')).toContain('Integração criada');
      expect(await page.isVisible('#request-sent-form')).toBe(true);
      expect(await page.isVisible('#configuration-form')).toBe(false);
      await snap('2-detail-data-captured');

      // Markup in data is shown as text, never parsed (a BS2 onboarding created over the API).
      const hostile = '<img src=x id=pwned onerror="window.pwned=1"> Loja & Cia';
      const created = await api('POST', '/v1/onboardings', {
        bank: 'BS2',
        company: { legalName: hostile, cnpj: '11222333000181', city: 'Recife', state: 'PE' },
        agency: '0001',
        account: '1234567',
        accountDigit: '8',
        legalRepresentative: { name: 'Ana', phone: '(81) 99999-0000', email: 'ana@loja.example' },
        csContact: { name: 'Carlos CS', phone: '(11) 3333-4444', email: 'cs@softwarehouse.example' },
        manager: { name: 'Gerente BS2' },
      });
      expect(created.status).toBe(201);

      await page.click('#nav a[href="#/"]');
      const row = (id: string) => page.locator(`#onboardings tr[data-account-id="${id}"]`);
      /** How many rows the Itaú and the BS2 onboardings have in the list. */
      const rows = async () => [await row(account.id).count(), await row(created.body.accountId as string).count()];
      await poll(async () => {
        await page.click('#list-refresh');
        return rows();
      }).toEqual([1, 1]);
      expect(await row(account.id).locator('.step').textContent()).toBe('DATA_CAPTURED');
      expect(await row(account.id).locator('td').first().textContent()).toBe('ITAU');
      expect(await row(account.id).locator('a.open').textContent()).toBe('Padaria Pão & Cia Ltda');
      expect(await row(account.id).locator('[data-age]').textContent()).toBe('0');
      expect(await row(account.id).locator('[data-stalled]').count()).toBe(0);
      expect(
        await row(created.body.accountId as string)
          .locator('a.open')
          .textContent(),
      ).toBe(hostile);
      expect(await page.locator('#pwned').count()).toBe(0);
      expect(await page.evaluate<unknown>('window.pwned')).toBeUndefined();

      await page.selectOption('#filter-stalled', 'true');
      await poll(rows).toEqual([0, 0]);
      await page.selectOption('#filter-stalled', '');
      await page.selectOption('#filter-bank', 'BS2');
      await poll(rows).toEqual([0, 1]);
      await page.selectOption('#filter-bank', '');
      await page.selectOption('#filter-step', 'REQUEST_SENT');
      await poll(rows).toEqual([0, 0]);
      await page.selectOption('#filter-step', 'DATA_CAPTURED');
      await poll(rows).toEqual([1, 1]);
      await page.selectOption('#filter-step', '');
      await snap('3-list');
    }),
  );

  it(
    'detail › the manager e-mail as GET …/email has it; copy subject/body puts them on the clipboard; the Itaú public key downloads',
    shooting('email', async () => {
      await page.click(`#onboardings tr[data-account-id="${account.id}"] a.open`);
      await poll(() => page.textContent('#d-step')).toBe('DATA_CAPTURED');
      const email = (await api('GET', `/v1/onboardings/${account.id}/email`)).body as {
        to: string;
        subject: string;
        body: string;
        attachments: { filename: string; content: string }[];
      };
      expect(await page.textContent('#e-to')).toBe(email.to);
      expect(await page.textContent('#e-subject')).toBe(email.subject);
      expect(await page.textContent('#e-body')).toBe(email.body);

      await page.click('#copy-subject');
      await poll(() => page.textContent('#copy-status')).toContain('Copiado');
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(email.subject);
      await page.click('#copy-body');
      await poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(email.body);

      expect(email.attachments).toHaveLength(1);
      const link = page.locator('#e-attachments a.attachment');
      expect(await link.textContent()).toBe(email.attachments[0]!.filename);
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toBe(email.attachments[0]!.filename);
      expect(readFileSync(await download.path(), 'utf8')).toBe(email.attachments[0]!.content);
      expect(email.attachments[0]!.content).toContain('BEGIN PUBLIC KEY');
    }),
  );

  it(
    'steps › a stale page gets the 409 detail; request sent, bank released, ITAU_DYNAMIC credentials, a refused configuration (422), then ACTIVE with the connectivity checks',
    shooting('steps', async () => {
      // A colleague in another tab marks the request as sent; this tab still shows DATA_CAPTURED.
      const other = watch(await context.newPage(), 'tab B');
      await other.goto(`${base}/console#/o/${account.id}`);
      await login(other, csKey);
      await poll(() => other.textContent('#d-step')).toBe('DATA_CAPTURED');
      await other.fill('#rs-note', 'enviado por e-mail');
      await other.click('#request-sent-form button[type="submit"]');
      await poll(() => other.textContent('#d-step')).toBe('REQUEST_SENT');
      expect(await other.textContent('#d-done')).toContain('Solicitação marcada como enviada');
      await other.close();

      expect(await page.textContent('#d-step')).toBe('DATA_CAPTURED');
      await page.click('#request-sent-form button[type="submit"]');
      await poll(() => page.textContent('#d-problem')).toContain('Not possible in this step');
      expect(await page.textContent('#d-problem .problem-detail')).toBe(
        'cannot mark the request as sent while the onboarding is REQUEST_SENT; next: wait for the bank to release the product, then mark it released',
      );
      // …and the page now shows where the onboarding really is, with that step's form.
      await poll(() => page.textContent('#d-step')).toBe('REQUEST_SENT');
      expect(await page.isVisible('#bank-released-form')).toBe(true);
      expect(await page.isVisible('#request-sent-form')).toBe(false);
      expect(await page.textContent('#timeline')).toContain('Request sent to the account manager: enviado por e-mail');
      await snap('4-stale-409');

      await page.click('#bank-released-form button[type="submit"]');
      await poll(() => page.textContent('#d-step')).toBe('BANK_RELEASED');
      expect(await page.isVisible('#d-problem')).toBe(false);

      // "Itaú e-mails client_id + temporary token": a malformed client_id is refused next to its field first.
      const app = (
        await admin<{ clientId: string; temporaryToken: string }>(sim, '/apps', { company: 'Padaria Pão & Cia Ltda' })
      ).body;
      expect(await page.inputValue('#cr-kind')).toBe('ITAU_DYNAMIC');
      await page.fill('#cr-client-id', 'not-a-uuid');
      await page.fill('#cr-token', app.temporaryToken);
      await page.click('#credentials-form button[type="submit"]');
      await poll(() => page.textContent('#cr-client-id ~ .field-error')).toBe(
        'must be the client_id UUID the bank sent',
      );
      await page.fill('#cr-client-id', app.clientId);
      await page.click('#credentials-form button[type="submit"]');
      await poll(() => page.textContent('#d-step')).toBe('CREDENTIALS_RECEIVED');
      expect(await page.textContent('#setup-list')).toContain('ITAU (DYNAMIC)');
      expect(await page.textContent('#setup-list')).toContain(app.clientId);

      // The convênio form comes prefilled (agency + account + digit, carteira 109); a wrong carteira is refused (422).
      expect(await page.inputValue('#cf-number')).toBe(`${account.agency}${account.account}${account.digit}`);
      expect(await page.inputValue('#cf-carteira')).toBe('109');
      await page.fill('#cf-carteira', '110');
      await page.click('#configuration-form button[type="submit"]');
      await poll(() => page.textContent('#d-problem')).toContain('The step was refused');
      expect(await page.textContent('#d-problem .problem-detail')).toBe(
        'convenio.carteira must be 109 for Itaú Cobranças – Bolecode',
      );
      await snap('5-configuration-422');
      await page.fill('#cf-carteira', '109');
      await page.selectOption('#cf-fine-type', 'PERCENT');
      await page.fill('#cf-fine', '2,00');
      await page.click('#configuration-form button[type="submit"]');
      await poll(() => page.textContent('#d-step')).toBe('ACTIVE');
      expect(await page.textContent('#d-done')).toContain('Configuração salva');
      expect(await page.textContent('#k-result')).toBe('OK');
      const checks = [];
      for (const r of await page.locator('#k-checks tr').all())
        checks.push([await r.getAttribute('data-check'), await r.getAttribute('data-ok')]);
      expect(checks).toEqual([
        ['token', 'true'],
        ['validation', 'true'],
      ]);
      expect(await page.textContent('#setup-list')).toContain('2,00 %');
      // ACTIVE registered Itaú's boleto notifications (both types) to our receiver: shown next to the credentials.
      expect(await page.textContent('#setup-list')).toMatch(
        /Notificações Itaú.*BAIXA_(OPERACIONAL|EFETIVA) → .*\/webhooks\/itau\/.*BAIXA_(OPERACIONAL|EFETIVA) → /,
      );
      expect(await page.isVisible('#connectivity-form')).toBe(true);
      await snap('6-active');

      const view = (await api('GET', `/v1/onboardings/${account.id}`)).body;
      expect(view).toMatchObject({
        step: 'ACTIVE',
        configuration: {
          convenio: { carteira: '109' },
          chargeDefaults: { fine: { type: 'PERCENT', basisPoints: 200 } },
        },
        connectivity: { ok: true },
      });
    }),
  );

  it(
    'credentials › at ACTIVE a PFX upload replaces them (read by FileReader as base64): a wrong password shows next to its field, the right one rechecks connectivity',
    shooting('pfx', async () => {
      const appCreds = sim.defaultApp; // an app of the simulator's test CA, as if the client already had its certificate
      const p12 = forge.pkcs12.toPkcs12Asn1(
        forge.pki.privateKeyFromPem(appCreds.privateKeyPem),
        [forge.pki.certificateFromPem(appCreds.certificatePem)],
        'senha-certa',
        { algorithm: '3des' },
      );
      const pfx = {
        name: 'empresa.pfx',
        mimeType: 'application/x-pkcs12',
        buffer: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'),
      };
      await page.click('#credentials-form summary');
      await page.selectOption('#cr-kind', 'ITAU_CERTIFICATE');
      await page.selectOption('#cr-format', 'PFX');
      await page.fill('#cr-client-id', appCreds.clientId);
      await page.fill('#cr-secret', appCreds.clientSecret);
      await page.setInputFiles('#cr-pfx', pfx);
      await page.fill('#cr-pfx-password', 'senha-errada');
      await page.click('#credentials-form button[type="submit"]');
      await poll(() => page.textContent('#cr-pfx-password ~ .field-error')).toBe(
        'the password does not open this PFX file',
      );
      expect(await page.textContent('#d-problem')).toContain('The certificate was refused');

      await page.setInputFiles('#cr-pfx', pfx);
      await page.fill('#cr-pfx-password', 'senha-certa');
      await page.click('#credentials-form button[type="submit"]');
      await poll(() => page.textContent('#setup-list')).toContain('ITAU (UPLOADED)');
      expect(await page.textContent('#d-step')).toBe('ACTIVE');
      expect(await page.textContent('#d-done')).toContain('Credenciais recebidas');
      expect(await page.textContent('#timeline')).toContain('New credentials: Itaú certificate uploaded');
      const view = (await api('GET', `/v1/onboardings/${account.id}`)).body;
      expect(view).toMatchObject({
        step: 'ACTIVE',
        credentials: { kind: 'ITAU', source: 'UPLOADED', clientId: appCreds.clientId },
        connectivity: { ok: true },
      });
    }),
  );

  it(
    'Sicoob › the form in Sicoob’s words (cooperativa, conta corrente; the código do cliente as the convênio number, not prefilled), client_id + PEM certificate, modalidade 1 prefilled, bolecode by default with no API version or Pix key asked › ACTIVE › a boleto at Sicoob for that numeroCliente and conta corrente',
    shooting('sicoob', async () => {
      const sicoob = stack.sicoob;
      const b = sicoob.config.beneficiary;
      const conta = String(b.numeroContaCorrente);
      await page.click('#nav a[href="#/new"]');
      await page.selectOption('#c-bank', 'SICOOB');
      expect(await page.textContent('label[for="c-agency"]')).toBe('Cooperativa');
      expect(await page.textContent('label[for="c-account"]')).toBe('Conta corrente (sem dígito)');
      expect(await page.textContent('label[for="c-digit"]')).toBe('Dígito da conta corrente');
      expect(await page.isVisible('#c-operator')).toBe(false);
      const fill: Record<string, string> = {
        '#c-agency': b.cooperativa,
        '#c-account': conta.slice(0, -1),
        '#c-digit': conta.slice(-1),
        '#c-legal-name': 'Cooperativa Café do Cerrado Ltda',
        '#c-cnpj': '11.222.333/0001-81',
        '#c-city': 'Brasília',
        '#c-state': 'DF',
        '#c-lr-name': 'Joana Souza',
        '#c-lr-phone': '(61) 98765-4321',
        '#c-lr-email': 'joana@cafe.example',
        '#c-mgr-name': 'Marta Cooperativa',
        '#c-mgr-email': 'marta@cooperativa.example',
      };
      await submitCreate(fill);
      await page.waitForURL(/console#\/o\/sicoob-/);
      const id = decodeURIComponent(page.url().split('#/o/')[1]!);
      await poll(() => page.textContent('#d-step')).toBe('DATA_CAPTURED');
      expect(await page.textContent('#d-account')).toContain(
        `cooperativa ${b.cooperativa} · conta corrente ${conta.slice(0, -1)}-${conta.slice(-1)}`,
      );
      expect(await page.textContent('#e-subject')).toContain('Sicoob');
      await page.click('#request-sent-form button[type="submit"]');
      await poll(() => page.textContent('#d-step')).toBe('REQUEST_SENT');
      await page.click('#bank-released-form button[type="submit"]');
      await poll(() => page.textContent('#d-step')).toBe('BANK_RELEASED');

      // The app's client_id and its certificate (PEM files here; PFX as for Itaú); no client secret.
      expect(await page.inputValue('#cr-kind')).toBe('SICOOB');
      expect(await page.isVisible('#cr-secret')).toBe(false);
      expect(await page.isVisible('#cr-token')).toBe(false);
      await page.selectOption('#cr-format', 'PEM');
      await page.fill('#cr-client-id', sicoob.defaultApp.clientId);
      const pem = (name: string, text: string) => ({
        name,
        mimeType: 'application/x-pem-file',
        buffer: Buffer.from(text),
      });
      await page.setInputFiles('#cr-cert-pem', pem('app.crt', sicoob.defaultApp.certificatePem));
      await page.setInputFiles('#cr-key-pem', pem('app.key', sicoob.defaultApp.privateKeyPem));
      await page.click('#credentials-form button[type="submit"]');
      await poll(() => page.textContent('#d-step')).toBe('CREDENTIALS_RECEIVED');
      expect(await page.textContent('#setup-list')).toContain('SICOOB');
      expect(await page.textContent('#setup-list')).toContain(sicoob.defaultApp.clientId);

      // The convênio: the código do cliente the cooperative confirmed (not prefilled from the account data),
      // modalidade 1; Itaú's API version and Pix key are not asked.
      expect(await page.textContent('label[for="cf-number"]')).toBe('Código do cliente (numeroCliente)');
      expect(await page.textContent('label[for="cf-carteira"]')).toContain('codigoModalidade');
      expect(await page.inputValue('#cf-number')).toBe('');
      await page.fill('#cf-number', b.codigoCliente);
      expect(await page.inputValue('#cf-carteira')).toBe('1');
      expect(await page.isVisible('#cf-api')).toBe(false);
      expect(await page.isVisible('#cf-pix')).toBe(false);
      await page.selectOption('#cf-kind', 'BOLECODE');
      await page.click('#configuration-form button[type="submit"]');
      await poll(() => page.textContent('#d-step')).toBe('ACTIVE');
      expect(await page.textContent('#k-result')).toBe('OK');
      // ACTIVE registered the account's type-7 webhook at Sicoob to our receiver: shown with Sicoob's situation.
      await poll(() => page.textContent('#setup-list')).toMatch(
        new RegExp(`Webhook Sicoob.*/webhooks/sicoob/${id} \\(\\d+\\) · \\d - `),
      );
      expect(await page.textContent('#setup-list')).not.toContain('API V');
      await snap('7-sicoob-active');

      const view = (await api('GET', `/v1/onboardings/${id}`)).body;
      expect(view).toMatchObject({
        step: 'ACTIVE',
        credentials: { kind: 'SICOOB', clientId: sicoob.defaultApp.clientId },
        configuration: {
          convenio: { number: b.codigoCliente, carteira: '1' },
          chargeDefaults: { defaultKind: 'BOLECODE' },
        },
        connectivity: { ok: true },
      });
      // A boleto on the account: registered at Sicoob for that contract and credited to that conta corrente.
      const issued = await call<{ status: string; nossoNumero: string }>(
        base,
        stack.keys.integrator,
        'POST',
        '/v1/boletos',
        {
          accountId: id,
          amountCents: 15_000,
          dueDate: addDays(saoPauloDate(Date.now()), 10),
          payer: SICOOB_TEST_PAYER,
        },
        { 'Idempotency-Key': 'console-sicoob-1' },
      );
      expect(issued.status).toBe(201);
      expect(sicoob.bank.boletos.get(issued.body.nossoNumero)?.request).toMatchObject({
        numeroCliente: b.numeroCliente,
        numeroContaCorrente: b.numeroContaCorrente,
      });
      expect(stack.sicoobProblems).toEqual([]);
    }),
  );

  it(
    'unknown onboarding › its 404 problem, nothing of the previous one; log out › the key leaves the tab and the login comes back; no CSP violation or script error on any page',
    shooting('logout', async () => {
      await page.evaluate("location.hash = '#/o/itau-0000-00000-0'");
      await poll(() => page.textContent('#d-problem')).toContain('Onboarding not found');
      expect(await page.textContent('#d-problem .problem-detail')).toBe(
        `No onboarding itau-0000-00000-0 in your tenant.`,
      );
      expect(await page.isVisible('#d-body')).toBe(false);

      await page.click('#logout');
      await poll(() => page.isVisible('#login-view')).toBe(true);
      expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
      expect(await page.textContent('#whoami')).toBe('');
      expect(browserErrors).toEqual([]);
    }),
  );
});
