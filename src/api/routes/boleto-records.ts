/**
 * Reading many boletos at once, from the records store: the list (with a keyset cursor, and `updatedSince` for an
 * ERP's incremental sync), the CSV export of the same filters, and the daily totals per account. None of these touch
 * Temporal: they answer with every worker down and for boletos whose workflows are long gone.
 */
import { once } from 'node:events';
import type { Response } from 'express';
import { z } from 'zod';
import { addDays, daysBetween, isIsoDate } from '../../domain';
import type { BoletoRecords, ExportRow, ListCursor, ListFilters } from '../../records';
import { sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';
import { BoletoFilterQuery, BoletoListQuery, BoletoSchema, DailyTotalsSchema, isoDate } from '../schemas/boleto';

export interface BoletoRecordRouteDeps {
  records: BoletoRecords;
}

const CURSOR = z.union([
  z.strictObject({
    o: z.literal('c'),
    t: z.iso.datetime(),
    i: z.string().regex(/^bol-[A-Za-z0-9._-]{1,64}-[A-Z2-7]{10}$/),
  }),
  z.strictObject({ o: z.literal('u'), s: z.number().int().min(0) }),
]);

/** Opaque to clients: base64url of a small JSON naming the last row of the page. */
export const encodeCursor = (c: ListCursor): string =>
  Buffer.from(
    JSON.stringify(c.order === 'created' ? { o: 'c', t: c.createdAt, i: c.id } : { o: 'u', s: c.changeSeq }),
  ).toString('base64url');

/** The cursor, or undefined if it is not one of ours (checked without touching the database). */
export function decodeCursor(raw: string): ListCursor | undefined {
  try {
    const c = CURSOR.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (!c.success) return undefined;
    return c.data.o === 'c'
      ? { order: 'created', createdAt: c.data.t, id: c.data.i }
      : { order: 'changed', changeSeq: c.data.s };
  } catch {
    return undefined;
  }
}

type FilterQuery = z.output<typeof BoletoFilterQuery>;

export function filtersOf(q: FilterQuery & { limit?: number; cursor?: string }): ListFilters {
  const { limit: _l, cursor: _c, ...filters } = q;
  return filters;
}

const badCursor = (res: Response) =>
  sendProblem(res, {
    type: 'validation',
    title: 'The request has invalid fields',
    status: 400,
    errors: [{ field: 'query.cursor', reason: 'must be a cursor from a previous page of the same query' }],
  });

// ---- CSV, as Brazilian spreadsheets read it: semicolons, decimal comma, dd/mm/yyyy, UTF-8 with a BOM ----

const csvCell = (v: string | number | undefined | null): string => {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const reais = (cents: number | undefined): string =>
  cents === undefined
    ? ''
    : `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)},${String(Math.abs(cents) % 100).padStart(2, '0')}`;
const brDate = (iso: string | undefined): string =>
  iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '';
/** An instant as the São Paulo calendar day (dd/mm/yyyy) it fell on. */
const brDay = (instant: string | undefined): string =>
  instant ? brDate(new Date(Date.parse(instant) - 3 * 3_600_000).toISOString()) : '';

export const CSV_COLUMNS: readonly [string, (r: ExportRow) => string | number | undefined][] = [
  ['id', (r) => r.view.id],
  ['conta', (r) => r.view.accountId],
  ['banco', (r) => r.view.bank],
  ['status', (r) => r.view.status],
  ['tipo', (r) => r.view.kind],
  ['seu_numero', (r) => r.view.seuNumero],
  ['nosso_numero', (r) => r.view.nossoNumero],
  ['referencia', (r) => r.view.reference],
  ['pagador_nome', (r) => r.payer?.name],
  ['pagador_documento', (r) => r.payer?.document],
  ['valor', (r) => reais(r.view.amountCents)],
  ['emissao', (r) => brDate(r.view.issueDate)],
  ['vencimento', (r) => brDate(r.view.dueDate)],
  ['pago_em', (r) => brDay(r.view.payment?.paidAt)],
  ['valor_pago', (r) => reais(r.view.payment?.paidCents)],
  ['liquidado_em', (r) => brDay(r.view.settlement?.settledAt)],
  ['valor_liquidado', (r) => reais(r.view.settlement?.settledCents)],
  ['baixado_em', (r) => brDay(r.view.cancellation?.cancelledAt)],
  ['linha_digitavel', (r) => r.view.linhaDigitavel],
  ['criado_em', (r) => r.view.createdAt],
  ['atualizado_em', (r) => r.view.updatedAt],
];
const csvLine = (cells: (string | number | undefined)[]) => cells.map(csvCell).join(';') + '\r\n';

const REPORT_MAX_DAYS = 366;

export function boletoRecordRoutes(deps: BoletoRecordRouteDeps): ApiRoute[] {
  const { records } = deps;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/boletos',
      operationId: 'listBoletos',
      summary: 'List your boletos, newest first; or, with updatedSince, what changed since your last sync',
      description:
        'From the records store: every boleto ever issued, with or without its workflow. Date bounds are inclusive São Paulo calendar days. ' +
        'With `updatedSince` the order is the order of change (oldest first) and a boleto that changes again reappears later: ' +
        'store the `nextCursor` of your last page, or ask again from the last `updatedAt` you saw minus a few seconds. Unknown parameters are refused.',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { query: BoletoListQuery },
      responses: {
        200: {
          description: 'A page of boletos',
          schema: z.object({ items: z.array(BoletoSchema), nextCursor: z.string().optional() }),
        },
        400: { description: 'An invalid filter (named in errors)' },
      },
      handler: async ({ principal, query, res }) => {
        const filters = filtersOf(query);
        const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        if (
          query.cursor !== undefined &&
          (!cursor || (cursor.order === 'changed') !== (filters.updatedSince !== undefined))
        )
          return badCursor(res);
        const page = await records.list(principal.tenantId, filters, query.limit, cursor);
        res.json({ items: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}) });
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/export.csv',
      operationId: 'exportBoletosCsv',
      summary: 'The same filters as the list, as one CSV file (streamed)',
      description:
        'UTF-8 with a byte-order mark, semicolon-separated, one header row; amounts in reais with a decimal comma (1234,56), ' +
        'days as dd/mm/aaaa (São Paulo), instants as ISO 8601. Includes the payer’s name and document: treat the file as personal data.',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { query: BoletoFilterQuery },
      responses: {
        200: { description: 'CSV', schema: z.string(), contentType: 'text/csv' },
        400: { description: 'An invalid filter (named in errors)' },
      },
      handler: async ({ principal, query, req, res }) => {
        const rows = records.export(principal.tenantId, filtersOf(query));
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .setHeader('Content-Disposition', 'attachment; filename="boletos.csv"');
        res.write('\uFEFF' + csvLine(CSV_COLUMNS.map(([name]) => name)));
        let aborted = false;
        req.on('close', () => (aborted = !res.writableFinished));
        for await (const batch of rows) {
          if (aborted) break;
          if (!res.write(batch.map((r) => csvLine(CSV_COLUMNS.map(([, cell]) => cell(r)))).join('')))
            await once(res, 'drain');
        }
        res.end();
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/reports/daily',
      operationId: 'dailyReport',
      summary: 'Per day and account: counts and sums of boletos issued, paid, settled, cancelled and expired',
      description:
        'Days are São Paulo calendar days, bounds inclusive, at most 366 days. issued = registered at the bank on its issue date; paid and settled by the ' +
        'day of the payment and of the credit (their amounts are what was paid and credited); cancelled and expired by the day of the write-off.',
      tags: ['reports'],
      access: ['integrator', 'operator'],
      request: {
        query: z
          .strictObject({
            from: isoDate,
            to: isoDate,
            account: z
              .string()
              .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id')
              .optional(),
          })
          .superRefine((q, ctx) => {
            // Zod runs this even when a bound already failed as a date (its issues do not abort): only two dates compare.
            if (!isIsoDate(q.from) || !isIsoDate(q.to)) return;
            if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
            else if (daysBetween(q.from, q.to) >= REPORT_MAX_DAYS)
              ctx.addIssue({
                code: 'custom',
                path: ['to'],
                message: `must be within ${REPORT_MAX_DAYS} days of from (at most ${addDays(q.from, REPORT_MAX_DAYS - 1)})`,
              });
          }),
      },
      responses: {
        200: {
          description: 'Totals, by day then account (days with nothing are left out)',
          schema: z.object({ items: z.array(DailyTotalsSchema) }),
        },
        400: { description: 'Invalid range' },
      },
      handler: async ({ principal, query, res }) => {
        res.json({
          items: await records.dailyTotals(principal.tenantId, {
            from: query.from,
            to: query.to,
            ...(query.account ? { account: query.account } : {}),
          }),
        });
      },
    }),
  ];
}
