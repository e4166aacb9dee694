/**
 * One contract for every bank adapter (src/banks/bank-adapter.ts), run against each bank's simulator over real HTTP:
 * register, a lost response, a refusal, get, search, cancel, due date, webhook translation, authenticate. The suite
 * names no bank: what differs per bank comes from its harness (./harness.ts, one file per bank, listed in ./banks.ts),
 * so a new bank gets every test by adding its harness. Tests of a capability run only for banks whose adapter
 * declares it ("[CAPABILITY]" in the name); "[no CAPABILITY]" tests check the others refuse without a wrong answer.
 * Bank-specific behaviour beyond the contract stays in test/banks/<bank>/.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BankCapability } from '../../../src/banks/bank-adapter';
import { BankError } from '../../../src/banks/errors';
import type { BankBoleto } from '../../../src/contracts/bank';
import { bankDescriptor } from '../../../src/banks/descriptors';
import { addDays, decodeBoleto, parsePix } from '../../../src/domain';
import { HARNESSES } from './banks';
import type { RunningBank } from './harness';

/** The promise rejects with a BankError of this kind (and these details, when given). */
async function expectBankError(
  p: Promise<unknown>,
  kind: BankError['kind'],
  details: Partial<BankError['details']> = {},
): Promise<BankError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BankError);
  expect(e).toMatchObject({ kind, details });
  return e as BankError;
}

/** A field error naming `field`. */
const naming = (field: string): unknown =>
  expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]);

describe.each(HARNESSES.map((h) => [h.bank, h] as const))(
  '%s adapter › contract against its simulator over HTTP',
  (_bank, harness) => {
    const has = (c: BankCapability) => harness.capabilities.has(c);
    let bank: RunningBank;

    beforeAll(async () => {
      bank = await harness.start();
    });
    afterAll(async () => {
      await bank?.stop();
    });

    /** The boleto's barcode, linha digitável, nosso número, amount, due date and bank number agree with each other. */
    function expectConsistent(b: BankBoleto, want: { amountCents: number; dueDate: string }): void {
      const fromLinha = decodeBoleto(b.linhaDigitavel, { today: bank.today });
      const fromBarcode = decodeBoleto(b.barcode, { today: bank.today });
      expect(fromLinha.barcode).toBe(b.barcode);
      expect(fromBarcode.linhaDigitavel).toBe(b.linhaDigitavel);
      expect(fromLinha).toMatchObject({
        bankCode: bankDescriptor(harness.bank).number,
        currencyCode: '9',
        amountCents: want.amountCents,
        dueDate: want.dueDate,
      });
      expect(bank.nossoNumeroOf(fromLinha.campoLivre)).toBe(b.nossoNumero);
    }

    it('the running adapter › is this bank’s and declares the capabilities the suite gates on', () => {
      expect(bank.adapter.bank).toBe(harness.bank);
      expect([...bank.adapter.capabilities].sort()).toEqual([...harness.capabilities].sort());
    });

    it('authenticate › the default account’s credentials › ok (an expiry, when given, is an instant)', async () => {
      const r = await bank.adapter.authenticate();
      expect(r.ok).toBe(true);
      if (r.expiresAt !== undefined) expect(Number.isNaN(Date.parse(r.expiresAt))).toBe(false);
    });

    it('register › a valid request › OPEN, as asked, with a nosso número, barcode and linha digitável consistent with each other and the bank number', async () => {
      const req = bank.request({ amountCents: 12_340 });
      const b = await bank.adapter.register(req);
      expect(b).toMatchObject({ status: 'OPEN', amountCents: 12_340, dueDate: req.dueDate });
      expect(b.bankId).not.toBe('');
      expect(b.nossoNumero).toMatch(/^\d+$/);
      // Where we choose the nosso número, the bank keeps ours; a seu número returned is ours.
      if (req.nossoNumero !== undefined) expect(b.nossoNumero).toBe(req.nossoNumero);
      if (b.seuNumero !== undefined) expect(b.seuNumero).toBe(req.seuNumero);
      expectConsistent(b, req);
    });

    it('register › the same request again › ALREADY_REGISTERED, and the bank still holds one boleto', async () => {
      const req = bank.request();
      await bank.adapter.register(req);
      await expectBankError(bank.adapter.register(req), 'ALREADY_REGISTERED');
      expect(await bank.countAtBank(req)).toBe(1);
    });

    it('register › a lost response › UNAVAILABLE with outcome unknown; findRegistered finds the one boleto; a retry makes no second', async () => {
      const req = bank.lostResponse();
      await expectBankError(bank.adapter.register(req), 'UNAVAILABLE', { outcomeUnknown: true });
      // The lifecycle's rule: after an unknown outcome, look before registering again.
      const found = await bank.adapter.findRegistered(req);
      expect(found).toMatchObject({ status: 'OPEN', amountCents: req.amountCents, dueDate: req.dueDate });
      if (req.nossoNumero !== undefined) expect(found?.nossoNumero).toBe(req.nossoNumero);
      if (found?.seuNumero !== undefined) expect(found.seuNumero).toBe(req.seuNumero);
      expectConsistent(found!, req);
      expect(await bank.countAtBank(req)).toBe(1);
      // Even a blind retry cannot make a second one: the bank dedupes on the request's identity.
      await expectBankError(bank.adapter.register(req), 'ALREADY_REGISTERED');
      expect(await bank.countAtBank(req)).toBe(1);
      expect((await bank.adapter.findRegistered(req))?.bankId).toBe(found?.bankId);
    });

    it('findRegistered › a request never registered › null', async () => {
      expect(await bank.adapter.findRegistered(bank.request())).toBeNull();
    });

    it('register › the bank refuses the content › VALIDATION naming the bank’s field, and nothing is registered', async () => {
      const { request, field } = bank.rejected();
      const e = await expectBankError(bank.adapter.register(request), 'VALIDATION');
      expect(e.details.fields).toEqual(naming(field));
      expect(await bank.countAtBank(request)).toBe(0);
      expect(await bank.adapter.findRegistered(request)).toBeNull();
    });

    it('get › by bank id and by nosso número › the registered boleto; an unknown reference › null', async () => {
      const req = bank.request({ amountCents: 7_000 });
      const b = await bank.adapter.register(req);
      const byId = await bank.adapter.get({ bankId: b.bankId });
      const byNn = await bank.adapter.get({ nossoNumero: b.nossoNumero });
      expect(byId).toMatchObject({
        bankId: b.bankId,
        nossoNumero: b.nossoNumero,
        status: 'OPEN',
        amountCents: 7_000,
        dueDate: req.dueDate,
        barcode: b.barcode,
        linhaDigitavel: b.linhaDigitavel,
      });
      expect(byNn).toMatchObject({ bankId: b.bankId, nossoNumero: b.nossoNumero, barcode: b.barcode });
      expect(await bank.adapter.get(bank.unknownRef)).toBeNull();
    });

    it.runIf(has('SEARCH'))(
      '[SEARCH] search › by seu número and by the payer’s document › finds the registered boleto',
      async () => {
        const doc = '39053344705';
        const req = bank.request({ payer: { ...bank.request().payer, document: doc } });
        const b = await bank.adapter.register(req);
        expect((await bank.adapter.search({ seuNumero: req.seuNumero })).items.map((i) => i.bankId)).toEqual([
          b.bankId,
        ]);
        expect((await bank.adapter.search({ payerDocument: doc })).items.map((i) => i.bankId)).toContain(b.bankId);
      },
    );

    it.runIf(!has('SEARCH'))('[no SEARCH] search › refused as VALIDATION, never an empty answer', async () => {
      await expectBankError(bank.adapter.search({ seuNumero: bank.request().seuNumero }), 'VALIDATION');
    });

    it.runIf(has('LOOKUP_BY_SEU_NUMERO'))(
      '[LOOKUP_BY_SEU_NUMERO] findRegistered › by seu número alone › finds the boleto',
      async () => {
        const req = bank.request();
        const b = await bank.adapter.register(req);
        expect((await bank.adapter.findRegistered({ seuNumero: req.seuNumero, dueDate: req.dueDate }))?.bankId).toBe(
          b.bankId,
        );
      },
    );

    it('cancel › an open boleto › accepted, then get shows it CANCELLED; a retried cancel › accepted', async () => {
      const b = await bank.adapter.register(bank.request());
      expect((await bank.adapter.cancel({ bankId: b.bankId }, 'pedido cancelado')).accepted).toBe(true);
      expect((await bank.adapter.get({ bankId: b.bankId }))?.status).toBe('CANCELLED');
      expect((await bank.adapter.cancel({ bankId: b.bankId }, 'de novo')).accepted).toBe(true);
    });

    it('cancel › a paid boleto › CONFLICT, and it stays paid', async () => {
      const req = bank.request({ amountCents: 8_800 });
      const b = await bank.adapter.register(req);
      await bank.pay(b);
      const paid = await bank.adapter.get({ bankId: b.bankId });
      expect(['PAID', 'SETTLED']).toContain(paid?.status);
      expect(paid?.payment?.paidCents).toBe(8_800);
      await expectBankError(bank.adapter.cancel({ bankId: b.bankId }, 'tarde demais'), 'CONFLICT');
      expect(['PAID', 'SETTLED']).toContain((await bank.adapter.get({ bankId: b.bankId }))?.status);
    });

    it.runIf(has('CHANGE_DUE_DATE'))(
      '[CHANGE_DUE_DATE] changeDueDate › a later date › accepted; where applied on acceptance, get shows it with a barcode for it',
      async () => {
        const req = bank.request();
        const b = await bank.adapter.register(req);
        const later = addDays(req.dueDate, 20);
        expect((await bank.adapter.changeDueDate({ bankId: b.bankId }, later)).accepted).toBe(true);
        if (!bank.dueDateAppliedOnAccept) return;
        const after = await bank.adapter.get({ bankId: b.bankId });
        expect(after).toMatchObject({ status: 'OPEN', dueDate: later });
        expectConsistent(after!, { amountCents: req.amountCents, dueDate: later });
      },
    );

    it.runIf(has('CHANGE_DUE_DATE'))('[CHANGE_DUE_DATE] changeDueDate › a paid boleto › CONFLICT', async () => {
      const req = bank.request();
      const b = await bank.adapter.register(req);
      await bank.pay(b);
      await expectBankError(bank.adapter.changeDueDate({ bankId: b.bankId }, addDays(req.dueDate, 20)), 'CONFLICT');
    });

    it.runIf(has('BOLECODE'))(
      '[BOLECODE] register › a bolecode › a boleto plus a valid Pix copia-e-cola for the same amount, kept by get',
      async () => {
        const req = bank.request({ kind: 'BOLECODE', amountCents: 23_456 });
        const b = await bank.adapter.register(req);
        expectConsistent(b, req);
        expect(parsePix(b.pix?.emv ?? '')).toMatchObject(
          bank.bolecodePixDynamic
            ? { kind: 'dynamic', amountCents: null, currency: '986', countryCode: 'BR' }
            : { amountCents: 23_456, currency: '986', countryCode: 'BR' },
        );
        expect((await bank.adapter.get({ bankId: b.bankId }))?.pix?.emv).toBe(b.pix?.emv);
      },
    );

    it.runIf(!has('BOLECODE'))(
      '[no BOLECODE] register › a bolecode › refused as VALIDATION, nothing registered',
      async () => {
        const req = bank.request({ kind: 'BOLECODE' });
        await expectBankError(bank.adapter.register(req), 'VALIDATION');
        expect(await bank.countAtBank(req)).toBe(0);
      },
    );

    it.runIf(has('BANK_PDF'))('[BANK_PDF] pdf › a registered boleto › the bank’s PDF', async () => {
      const b = await bank.adapter.register(bank.request());
      const pdf = await bank.adapter.pdf({ bankId: b.bankId });
      expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    });

    it.runIf(!has('BANK_PDF'))('[no BANK_PDF] pdf › refused as VALIDATION (our renderer is the default)', async () => {
      await expectBankError(bank.adapter.pdf(bank.unknownRef), 'VALIDATION');
    });

    describe('translateWebhook', () => {
      it.each(harness.webhooks)(
        'a real notification body ($file) › the expected events, each stamped and uniquely keyed; a re-delivery › the same keys',
        (fixture) => {
          const events = bank.adapter.translateWebhook(fixture.webhook);
          expect(events).toHaveLength(fixture.events.length);
          fixture.events.forEach((want, i) => expect(events[i]).toMatchObject(want));
          for (const e of events) {
            expect(e).toMatchObject({ bank: harness.bank, source: 'webhook' });
            // RFC 3339 in UTC (src/banks/time.ts).
            expect(new Date(e.occurredAt).toISOString()).toBe(e.occurredAt);
          }
          expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
          const again = bank.adapter.translateWebhook({ ...fixture.webhook, receivedAt: '2026-03-07T00:00:00.000Z' });
          expect(again.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        },
      );

      it.runIf(has('WEBHOOKS'))(
        '[WEBHOOKS] the simulator’s own notification of a payment (over HTTP) › translates to a PAID event for that boleto',
        async () => {
          const req = bank.request({ amountCents: 6_500 });
          const b = await bank.adapter.register(req);
          const before = bank.notifications().length;
          await bank.pay(b);
          const paid = await vi.waitFor(
            () => {
              const events = bank
                .notifications()
                .slice(before)
                .flatMap((n) => bank.adapter.translateWebhook(n));
              const found = events.find((e) => e.kind === 'PAID' && e.nossoNumero === b.nossoNumero);
              if (!found) throw new Error(`no PAID event for ${b.nossoNumero} yet: ${JSON.stringify(events)}`);
              return found;
            },
            { timeout: 15_000, interval: 100 },
          );
          expect(paid).toMatchObject({ bank: harness.bank, source: 'webhook' });
          if (paid.paidCents !== undefined) expect(paid.paidCents).toBe(6_500);
        },
      );

      it('a body that is not this bank’s notification › VALIDATION naming a field', () => {
        let e: unknown;
        try {
          bank.adapter.translateWebhook({
            headers: harness.webhookHeaders,
            body: { hello: 'world' },
            receivedAt: '2026-03-06T13:00:00.000Z',
          });
        } catch (err) {
          e = err;
        }
        expect(e).toBeInstanceOf(BankError);
        expect(e).toMatchObject({
          kind: 'VALIDATION',
          details: { fields: [expect.objectContaining({ field: expect.any(String) })] },
        });
      });
    });
  },
);
