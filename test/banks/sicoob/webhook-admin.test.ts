/**
 * Sicoob's webhook registrations by API (src/banks/sicoob/webhook-admin.ts) against the strict simulator over mutual
 * TLS, every exchange checked against Sicoob's OpenAPI: create, list by id and type, change the URL, delete,
 * reactivate, the day's delivery log page by page, MensagensErro refusals as VALIDATION; and `ensureSicoobWebhook`
 * (onboarding's rule): created once, kept on a second pass, re-pointed from another base URL of ours, reactivated
 * when Inativo, someone else's webhook never touched.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectSicoob, type SicoobConnection } from '../../../src/banks/sicoob/connection';
import { ensureSicoobWebhook, type SicoobWebhooks } from '../../../src/banks/sicoob/webhook-admin';
import type { SicoobSimulator } from '../../../src/simulators/sicoob/server';
import { bankError, type CheckedSicoobSimulator, sicoobAccountOf, startSicoobSim, TODAY } from './helpers';

describe('Sicoob webhook registrations against its simulator (mTLS)', () => {
  let checked: CheckedSicoobSimulator;
  let sim: SicoobSimulator;
  let conn: SicoobConnection;
  let hooks: SicoobWebhooks;
  let receiver: Server;
  let ours: string;
  /** Nothing listens there: a delivery fails at once. */
  const dead = 'http://127.0.0.1:9/webhooks/sicoob/acct-dead';

  beforeAll(async () => {
    receiver = createServer((_req, res) => void res.writeHead(200).end('{}'));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    ours = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/sicoob/acct-1`;
    checked = await startSicoobSim({
      solicitacoesPageSize: 2,
      webhookPolicy: { backoffMs: [1000], maxAttempts: 1, timeoutMs: 2000 },
    });
    sim = checked.sim;
    conn = connectSicoob(sicoobAccountOf(sim, 'sicoob-webhooks'));
    hooks = conn.adapter().webhooks;
  });
  afterEach(async () => {
    for (const w of await hooks.list()) await hooks.remove(w.idWebhook);
    expect(checked.problems).toEqual([]);
  });
  afterAll(async () => {
    await conn?.close();
    await sim?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('create › listed by id and by type, awaiting validation › validated by its first request › new URL › awaiting again › deleted', async () => {
    const id = await hooks.create({ url: ours, email: 'ti@acme.example' });
    const [w] = await hooks.list({ idWebhook: id });
    expect(w).toMatchObject({ idWebhook: id, url: ours, codigoTipoMovimento: 7, codigoSituacao: 1 });
    expect(await hooks.list({ codigoTipoMovimento: 7 })).toHaveLength(1);
    await sim.tick(); // the validation request reaches the receiver
    expect((await hooks.list({ idWebhook: id }))[0]).toMatchObject({ codigoSituacao: 2 });

    const moved = `${ours}?v=2`;
    await hooks.updateUrl(id, { url: moved });
    expect((await hooks.list({ idWebhook: id }))[0]).toMatchObject({ url: moved, codigoSituacao: 1 });

    await hooks.remove(id);
    expect(await hooks.list({ idWebhook: id })).toEqual([]);
    expect(await hooks.list()).toEqual([]);
  });

  it('refusals › MensagensErro 400 as VALIDATION with the bank’s words (a second type-7 webhook, a bad URL, reactivating an active one)', async () => {
    const id = await hooks.create({ url: ours });
    const twice = await bankError(hooks.create({ url: `${ours}/2` }));
    expect(twice).toMatchObject({ kind: 'VALIDATION', details: { httpStatus: 400 } });
    expect(twice.message).toMatch(/Já existe webhook/);
    expect(twice.details.fields?.[0]).toMatchObject({ field: 'mensagens' });
    expect((await bankError(hooks.updateUrl(id, { url: 'not a url' }))).kind).toBe('VALIDATION');
    expect((await bankError(hooks.reactivate(id))).message).toMatch(/não está inativo/);
    expect((await bankError(hooks.remove(id + 1000))).message).toMatch(/não encontrado/);
  });

  it('delivery log › a day’s requests page by page (validation flag, the attempt and its answer); another day › none', async () => {
    const id = await hooks.create({ url: ours });
    await sim.tick();
    await hooks.updateUrl(id, { url: `${ours}?v=2` });
    await hooks.updateUrl(id, { url: ours });
    await sim.tick();
    const first = await hooks.deliveries(id, { dataSolicitacao: TODAY });
    expect(first).toMatchObject({ paginaAtual: 1, totalPaginas: 2, totalRegistros: 3 });
    expect(first.webhookSolicitacoes).toHaveLength(2);
    expect(first.webhookSolicitacoes?.[0]).toMatchObject({ validacaoWebhook: true, codigoSolicitacaoSituacao: 3 });
    expect(first.webhookSolicitacoes?.[0]?.webhookNotificacoes?.[0]).toMatchObject({
      url: ours,
      codigoStatusRequisicao: 200,
    });
    const second = await hooks.deliveries(id, { dataSolicitacao: TODAY, pagina: 2 });
    expect(second.webhookSolicitacoes).toHaveLength(1);
    const sent = await hooks.deliveries(id, { dataSolicitacao: TODAY, codigoSolicitacaoSituacao: 3 });
    expect(sent.totalRegistros).toBe(3);
    expect((await hooks.deliveries(id, { dataSolicitacao: '2000-01-01' })).totalRegistros).toBe(0);
  });

  it('ensure › created › a second pass keeps it (no second webhook) › one of ours at another base is re-pointed', async () => {
    const target = { url: ours, accountPath: '/webhooks/sicoob/acct-1' };
    const first = await ensureSicoobWebhook(hooks, target);
    expect(first.actions).toEqual([`created ${first.webhook.idWebhook}`]);
    expect(first.webhook).toMatchObject({ url: ours, codigoSituacao: 1 });
    const again = await ensureSicoobWebhook(hooks, target);
    expect(again).toMatchObject({ actions: [], foreign: [] });
    expect(again.webhook.idWebhook).toBe(first.webhook.idWebhook);
    expect(await hooks.list()).toHaveLength(1);

    await hooks.updateUrl(first.webhook.idWebhook, { url: 'https://old-host.example/webhooks/sicoob/acct-1' });
    const repointed = await ensureSicoobWebhook(hooks, target);
    expect(repointed.actions[0]).toMatch(/^re-pointed \d+ from https:\/\/old-host/);
    expect(repointed.webhook).toMatchObject({ idWebhook: first.webhook.idWebhook, url: ours });
    expect(await hooks.list()).toHaveLength(1);
  });

  it('ensure › ours Inativo after a given-up delivery › reactivated, with when and why it was inactivated', async () => {
    const target = { url: dead, accountPath: '/webhooks/sicoob/acct-dead' };
    const { webhook } = await ensureSicoobWebhook(hooks, target);
    await sim.tick(); // the validation request fails; the policy gives up at once
    expect((await hooks.list({ idWebhook: webhook.idWebhook }))[0]).toMatchObject({ codigoSituacao: 3 });
    sim.clock.advance(60_000); // (the simulator's clock is frozen: the reactivation comes later than the failure)
    const r = await ensureSicoobWebhook(hooks, target);
    expect(r.actions).toEqual([`reactivated ${webhook.idWebhook}`]);
    expect(r.wasInactive).toMatchObject({ reason: 'Erro ao enviar notificação' });
    expect(r.wasInactive?.at).toBeDefined();
    expect(r.webhook).toMatchObject({ idWebhook: webhook.idWebhook, codigoSituacao: 1 });
  });

  it('ensure › a type-7 webhook of someone else’s › left alone; the bank’s refusal of ours says why', async () => {
    const theirs = await hooks.create({ url: 'https://erp.example/sicoob' });
    const e = await bankError(ensureSicoobWebhook(hooks, { url: ours, accountPath: '/webhooks/sicoob/acct-1' }));
    expect(e.message).toMatch(/Já existe webhook/);
    expect(await hooks.list()).toEqual([
      expect.objectContaining({ idWebhook: theirs, url: 'https://erp.example/sicoob' }),
    ]);
  });
});
