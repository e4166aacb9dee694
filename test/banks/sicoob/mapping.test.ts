/**
 * The consulta's answer (S1's own example, test/fixtures/sicoob/response-boleto-get.json) mapped to the bank-neutral
 * boleto: a `Liquidado` or `Baixado` boleto's history entry carries a São Paulo date only, so the fact's instant is
 * the latest one that date allows that has passed (never the day's midnight, which would put a same-day payment
 * before its own registration) and the date travels verbatim as `bankTime`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromSicoobBoleto } from '../../../src/banks/sicoob/mapping';

const golden = (): Record<string, unknown> =>
  (
    JSON.parse(readFileSync(join(__dirname, '../../fixtures/sicoob/response-boleto-get.json'), 'utf8')) as {
      resultado: Record<string, unknown>;
    }
  ).resultado;

const withHistory = (situacaoBoleto: string, tipoHistorico: string, dataHistorico: string) => ({
  ...golden(),
  situacaoBoleto,
  listaHistorico: [
    { tipoHistorico: '1', descricaoHistorico: 'ENTRADA DE TÍTULO', dataHistorico: '2026-12-01' },
    { tipoHistorico, descricaoHistorico: 'LIQUIDAÇÃO / BAIXA', dataHistorico },
  ],
});

// 2026-12-06 15:00 in São Paulo.
const NOW = Date.parse('2026-12-06T15:00:00-03:00');

describe('fromSicoobBoleto › a consulta fact with a date only', () => {
  it('the golden answer (`Em Aberto`) › OPEN, no payment', () => {
    const b = fromSicoobBoleto(golden(), NOW);
    expect(b).toMatchObject({ status: 'OPEN', bankStatus: 'Em Aberto', nossoNumero: '6' });
    expect(b.payment).toBeUndefined();
  });

  it('`Liquidado` today › paid and settled now (not at midnight), the date as bankTime', () => {
    const b = fromSicoobBoleto(withHistory('Liquidado', '5', '2026-12-06'), NOW);
    expect(b.status).toBe('SETTLED');
    expect(b.payment).toEqual({
      paidCents: b.amountCents,
      paidAt: new Date(NOW).toISOString(),
      bankTime: '2026-12-06',
    });
    expect(b.settlement).toEqual({ settledCents: b.amountCents, settledAt: new Date(NOW).toISOString() });
  });

  it('`Liquidado` on an earlier day › that day’s last second in São Paulo', () => {
    const b = fromSicoobBoleto(withHistory('Liquidado', '5', '2026-12-04'), NOW);
    expect(b.payment).toMatchObject({ paidAt: '2026-12-05T02:59:59.000Z', bankTime: '2026-12-04' });
  });

  it('`Baixado` › cancelled at the baixa’s day (today: now), the date as bankTime', () => {
    const b = fromSicoobBoleto(withHistory('Baixado', '6', '2026-12-06'), NOW);
    expect(b).toMatchObject({
      status: 'CANCELLED',
      cancellation: { cancelledAt: new Date(NOW).toISOString(), bankTime: '2026-12-06' },
    });
  });
});
