/**
 * Sicoob's movement files ("movimentações", docs/banks/sicoob.md "The movement poll"): the file's decoding and its
 * records as our facts. S1 `_boletos_movimentacoes_download_get_200_response_resultado.arquivo`: "retornado na
 * extensão ZIP e na Base64. UTF8", decoded a JSON array of flat records whose fields depend on the tipo. We read
 * two tipos: 5 LIQUI (liquidações: the boleto paid and the money credited) and 6 BAIX (baixas: written off). Only the
 * fields below are kept (zod strips the rest): nothing of the payer ever leaves the activity.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { z } from 'zod';
import type { BankEvent } from '../../contracts/bank';
import { reaisNumberToCents } from '../../domain';
import { BankError } from '../errors';
import { bankTime } from '../time';

const money = z.number().nonnegative().optional();
/** "yyyy-MM-ddTHH:mm:ss-03:00" [C S1]; kept as the bank's text, converted by bankTime. */
const when = z.string().optional();

/** One record, the fields we use of LIQUI and BAIX [C S1 `arquivo` description]. */
export const sicoobMovementRecord = z.object({
  siglaMovimento: z.string(),
  numeroTitulo: z.number().int().nonnegative(),
  seuNumero: z.string().optional(),
  valorTitulo: money,
  /** LIQUI: "Valor recebido". */
  valorLiquido: money,
  /** LIQUI: when the boleto was paid ("Data de liquidação do título"); BAIX: when it was written off. */
  dataLiquidacao: when,
  /** "Data de movimento do processamento da liquidação". */
  dataMovimentoLiquidacao: when,
  /** LIQUI: "Data de previsão para o crédito". */
  dataPrevisaoCredito: when,
  /** LIQUI: the channel (58 compensação, 212 Pix…); BAIX: the reason (11 decurso de prazo, 82 a pedido…). */
  idTipoOpFinanceira: z.number().int().optional(),
});
export type SicoobMovementRecord = z.infer<typeof sicoobMovementRecord>;

const fileSchema = z.array(sicoobMovementRecord);

function malformed(message: string): BankError {
  return new BankError('UNAVAILABLE', `Sicoob movement file: ${message}`, {
    operation: 'movement-download',
    fields: [{ field: 'arquivo', message }],
  });
}

/** `arquivo` (base64 of a ZIP holding one `.json` entry, a JSON array of records) → its records, validated. */
export function sicoobMovementRecords(arquivo: string): SicoobMovementRecord[] {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(arquivo.replace(/\s+/g, ''))) throw malformed('not base64');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(Buffer.from(arquivo, 'base64')));
  } catch (e) {
    throw malformed(`not a ZIP (${(e as Error).message})`);
  }
  const json = Object.keys(entries).filter((n) => n.toLowerCase().endsWith('.json'));
  if (json.length !== 1) throw malformed(`expected one .json entry, found ${json.length}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(strFromU8(entries[json[0]!]!));
  } catch {
    throw malformed('its entry is not JSON');
  }
  const r = fileSchema.safeParse(parsed);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw malformed(`record ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}

/** One boleto's facts from a file, with what finds its workflow (our seu número, else the nosso número). */
export interface SicoobMovementFacts {
  nossoNumero: string;
  seuNumero?: string;
  events: BankEvent[];
}

const cents = (v: number | undefined): number | undefined => {
  if (v === undefined) return undefined;
  try {
    return reaisNumberToCents(v);
  } catch {
    return undefined;
  }
};

/**
 * Records → facts, one group per boleto, source 'poll'. eventIds depend on the record only
 * (`mov:<numeroTitulo>:<sigla>:<dataLiquidacao>:<kind>`), so overlapping windows and rescans dedupe in the boleto's
 * workflow. LIQUI → PAID (at `dataLiquidacao`, `valorLiquido`) and SETTLED (at `dataMovimentoLiquidacao`, else the
 * credit forecast); BAIX → CANCELLED (the lifecycle tells a write-off after the payment window, reason 11, from a
 * cancellation by its dates; S1's reasons: 11 decurso de prazo, 82 a pedido do cedente, 80 acerto, 196
 * protesto). Other siglas are ignored. `seenAt` stands in for a missing time.
 */
export function sicoobMovementFacts(records: SicoobMovementRecord[], seenAt: string): SicoobMovementFacts[] {
  const groups = new Map<string, SicoobMovementFacts>();
  for (const r of records) {
    const nossoNumero = String(r.numeroTitulo);
    const base = {
      bank: 'SICOOB' as const,
      nossoNumero,
      ...(r.seuNumero?.trim() ? { seuNumero: r.seuNumero.trim() } : {}),
      source: 'poll' as const,
    };
    const key = `mov:${nossoNumero}:${r.siglaMovimento}:${r.dataLiquidacao ?? r.dataMovimentoLiquidacao ?? ''}`;
    const events: BankEvent[] = [];
    if (r.siglaMovimento === 'LIQUI') {
      const amount = cents(r.valorLiquido) ?? cents(r.valorTitulo);
      const paid = bankTime(r.dataLiquidacao ?? r.dataMovimentoLiquidacao, seenAt);
      const settled = bankTime(r.dataMovimentoLiquidacao ?? r.dataPrevisaoCredito ?? r.dataLiquidacao, seenAt);
      events.push(
        {
          ...base,
          eventId: `${key}:PAID`,
          kind: 'PAID',
          occurredAt: paid.at,
          ...(paid.bankTime ? { bankTime: paid.bankTime } : {}),
          ...(amount !== undefined ? { paidCents: amount } : {}),
        },
        {
          ...base,
          eventId: `${key}:SETTLED`,
          kind: 'SETTLED',
          occurredAt: settled.at,
          ...(settled.bankTime ? { bankTime: settled.bankTime } : {}),
          ...(amount !== undefined ? { paidCents: amount, settledCents: amount } : {}),
        },
      );
    } else if (r.siglaMovimento === 'BAIX') {
      const at = bankTime(r.dataLiquidacao ?? r.dataMovimentoLiquidacao, seenAt);
      events.push({
        ...base,
        eventId: `${key}:CANCELLED`,
        kind: 'CANCELLED',
        occurredAt: at.at,
        ...(at.bankTime ? { bankTime: at.bankTime } : {}),
      });
    }
    if (!events.length) continue;
    const g = groups.get(nossoNumero);
    if (g) g.events.push(...events);
    else groups.set(nossoNumero, { nossoNumero, ...(base.seuNumero ? { seuNumero: base.seuNumero } : {}), events });
  }
  return [...groups.values()];
}
