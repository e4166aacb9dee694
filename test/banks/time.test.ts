/** Bank times → RFC 3339 UTC, in each bank's mapping: São Paulo local times (no offset) are the case that bites. */
import { describe, expect, it } from 'vitest';
import { fromBs2Boleto } from '../../src/banks/bs2/mapping';
import { translateBs2Webhook } from '../../src/banks/bs2/webhook';
import { fromItauBoleto } from '../../src/banks/itau/mapping';
import { translateItauWebhook } from '../../src/banks/itau/webhook';
import { bankInstant } from '../../src/banks/time';

const SEEN = '2026-03-07T12:00:00.000Z';

describe('bank times', () => {
  it('bankInstant › local, offset, Z, bare date and junk › UTC instants (São Paulo = −03:00), undefined for junk', () => {
    expect(bankInstant('2026-03-06T10:00:00')).toBe('2026-03-06T13:00:00.000Z');
    expect(bankInstant('2026-03-06 10:00:00.123456')).toBe('2026-03-06T13:00:00.123Z');
    expect(bankInstant('2026-03-06T10:00:00-03:00')).toBe('2026-03-06T13:00:00.000Z');
    expect(bankInstant('2026-03-06T10:00:00.000-0300')).toBe('2026-03-06T13:00:00.000Z');
    expect(bankInstant('2026-03-06T13:00:00Z')).toBe('2026-03-06T13:00:00.000Z');
    expect(bankInstant('2026-03-06')).toBe('2026-03-06T03:00:00.000Z');
    for (const junk of ['', 'ontem', '06/03/2026 10:00', 42, null, undefined])
      expect(bankInstant(junk)).toBeUndefined();
  });

  it('BS2 › payment and cancellation without offset › UTC in the model, the bank’s text kept as bankTime', () => {
    const b = fromBs2Boleto(
      {
        id: 'x',
        nossoNumero: 1,
        status: 4,
        valor: 100,
        valorPago: 100,
        pagamento: '2026-03-06T10:00:00',
        cancelamento: { data: '2026-03-08T09:30:00' },
      },
      SEEN,
    );
    expect(b.payment).toMatchObject({ paidAt: '2026-03-06T13:00:00.000Z', bankTime: '2026-03-06T10:00:00' });
    expect(b.cancellation).toMatchObject({ cancelledAt: '2026-03-08T12:30:00.000Z', bankTime: '2026-03-08T09:30:00' });
    const none = fromBs2Boleto(
      { id: 'x', nossoNumero: 1, status: 4, valor: 100, valorPago: 100, pagamento: null },
      SEEN,
    );
    expect(none.payment).toEqual({ paidCents: 10_000, paidAt: SEEN });
  });

  it('BS2 webhook › DataStatus without offset › occurredAt in UTC, bankTime verbatim', () => {
    const [e] = translateBs2Webhook({
      headers: {},
      body: { Id: 'n', NossoNumeroBoleto: 1, StatusBoleto: [{ Status: 2, DataStatus: '2026-03-06T10:00:00' }] },
      receivedAt: SEEN,
    });
    expect(e).toMatchObject({ kind: 'PAID', occurredAt: '2026-03-06T13:00:00.000Z', bankTime: '2026-03-06T10:00:00' });
  });

  it('Itaú › consulta payment (local date-time) and notification (local) › UTC', () => {
    const raw = {
      id_boleto: 'b',
      dado_boleto: {
        dados_individuais_boleto: [
          {
            numero_nosso_numero: '12345678',
            data_vencimento: '2026-03-06',
            valor_titulo: '100.00',
            situacao_geral_boleto: 'Aguardando Crédito',
          },
        ],
        pagamentos_cobranca: [
          { valor_pago_total_cobranca: '100.00', data_hora_inclusao_pagamento: '2026-03-06T10:00:00' },
        ],
      },
    };
    const b = fromItauBoleto(
      raw,
      SEEN,
      { agencia: '1500', conta: '0005206', carteira: '109', situacaoOverrides: {} },
      '2026-03-07',
    );
    expect(b.payment).toMatchObject({ paidAt: '2026-03-06T13:00:00.000Z', bankTime: '2026-03-06T10:00:00' });
    const [e] = translateItauWebhook({
      headers: {},
      body: {
        boletos: [{ numeroNossoNumero: '12345678', tipoLiquidacao: '95', dataNotificacao: '2026-03-06T10:00:05' }],
      },
      receivedAt: SEEN,
    });
    expect(e).toMatchObject({ occurredAt: '2026-03-06T13:00:05.000Z', bankTime: '2026-03-06T10:00:05' });
  });
});
