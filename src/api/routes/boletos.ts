/**
 * Boletos over HTTP: each route parses its request (zod, src/api/schemas/boleto.ts), calls the boleto service
 * (src/api/boletos/service.ts) and answers. POST answers in the same request with the bank's verdict (the seed's
 * "transmissão instantânea"); only if the bank takes longer than BOLETO_REGISTER_WAIT_MS does it answer 202 with a
 * Location to poll.
 */
import type { Response } from 'express';
import { z } from 'zod';
import type { BoletoView } from '../../contracts/boleto';
import { saoPauloDate } from '../../domain';
import { bankDescriptor } from '../../banks/descriptors';
import { renderBoletoPdf } from '../../domain/pdf';
import { type BoletoServiceDeps, boletoService, dueDateProblem, type OwnedBoleto } from '../boletos/service';
import { FAILURE_STATUS, updateRefusal } from '../failure-status';
import { type FieldProblem, sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';
import {
  BoletoIdParams,
  BoletoSchema,
  CreateBoletoBody,
  DeliverySchema,
  EventSchema,
  newDueDate,
} from '../schemas/boleto';
import { freeText } from '../schemas/text';

export type BoletoRouteDeps = BoletoServiceDeps;

const notFound = (res: Response, id: string) =>
  sendProblem(res, {
    type: 'not-found',
    title: 'Boleto not found',
    status: 404,
    detail: `No boleto ${id} in your tenant.`,
  });

const unavailable = (res: Response, detail: string) => {
  res.setHeader('Retry-After', '5');
  sendProblem(res, { type: 'temporarily-unavailable', title: 'Temporarily unavailable', status: 503, detail });
};

const invalid = (res: Response, errors: FieldProblem[]) =>
  sendProblem(res, { type: 'validation', title: 'The request has invalid fields', status: 400, errors });

const keyReused = (res: Response, detail?: string) =>
  sendProblem(res, {
    type: 'idempotency-key-reused',
    title: 'Idempotency-Key already used for a different request',
    status: FAILURE_STATUS.IdempotencyKeyReused,
    ...(detail ? { detail } : {}),
  });

function answerCreated(res: Response, view: BoletoView, replay: boolean) {
  res.setHeader('Location', `/v1/boletos/${view.id}`);
  if (replay) res.setHeader('Idempotent-Replayed', 'true');
  if (view.status === 'REJECTED') {
    return sendProblem(res, {
      type: 'bank-rejected',
      title: 'The bank rejected the boleto',
      status: 422,
      detail: view.rejection?.reasons.map((r) => `${r.field}: ${r.message}`).join('; '),
      errors: (view.rejection?.reasons ?? []).map((r) => ({ field: r.field, reason: r.message })),
      boleto: view,
    });
  }
  res.status(view.status === 'REGISTERING' ? 202 : 201).json(view);
}

export function boletoRoutes(deps: BoletoRouteDeps): ApiRoute[] {
  const boletos = boletoService(deps);
  const { records } = deps;

  /** The caller's boleto, or undefined with 404 (or 503 when its workflow cannot be read) already answered. */
  async function owned(tenantId: string, id: string, res: Response): Promise<OwnedBoleto | undefined> {
    const found = await boletos.owned(tenantId, id);
    if (found === 'not-found') return void notFound(res, id);
    if (found === 'unavailable')
      return void unavailable(
        res,
        'This boleto is not in the records store yet and its workflow cannot be read right now.',
      );
    return found;
  }

  return [
    defineRoute({
      method: 'post',
      path: '/v1/boletos',
      operationId: 'createBoleto',
      summary: 'Issue a boleto and get the bank’s verdict in the same request',
      description:
        'Idempotent by the Idempotency-Key header: the same key and body return the same boleto and the first answer; ' +
        'the same key with another body is refused (422). 201 registered, 422 rejected by the bank (its reasons), ' +
        '202 when the bank has not answered within the wait cap (poll the Location).',
      tags: ['boletos'],
      access: ['integrator'],
      request: {
        headers: z.object({
          'idempotency-key': z.string().regex(/^[\x21-\x7e]{1,255}$/, 'required: 1-255 printable ASCII characters'),
        }),
        body: CreateBoletoBody,
      },
      responses: {
        201: { description: 'Registered at the bank', schema: BoletoSchema },
        202: { description: 'Still registering; poll the Location', schema: BoletoSchema },
        404: { description: 'No such account in your tenant' },
        409: { description: 'The account cannot issue boletos (not ACTIVE)' },
        422: {
          description:
            'Rejected by the bank (errors lists its reasons); refused before any bank call because the account’s bank is known not to ' +
            'accept it (type bank-would-refuse: e.g. BS2’s R$ 5,00 minimum and R$ 500.000,00 maximum, an alphanumeric CNPJ; errors names our field); ' +
            'or Idempotency-Key reused with another body',
        },
      },
      handler: async ({ principal, headers, body, req, res, log }) => {
        const out = await boletos.create(principal.tenantId, headers['idempotency-key']!, body, req.body, log);
        switch (out.kind) {
          case 'answer':
            return answerCreated(res, out.view, out.replay);
          case 'account-not-found':
            return sendProblem(res, {
              type: 'not-found',
              title: 'Account not found',
              status: 404,
              detail: `No account ${body.accountId} in your tenant.`,
            });
          case 'account-not-active':
            return sendProblem(res, {
              type: 'account-not-active',
              title: 'Account not active',
              status: 409,
              detail: 'Boletos can only be issued on ACTIVE accounts.',
            });
          case 'invalid':
            return invalid(res, out.errors);
          case 'bank-would-refuse':
            return sendProblem(res, {
              type: 'bank-would-refuse',
              title: 'The account’s bank does not accept this boleto',
              status: 422,
              errors: out.errors,
            });
          case 'key-reused':
            return keyReused(res, out.detail);
          case 'unavailable':
            return unavailable(res, out.detail);
        }
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id',
      operationId: 'getBoleto',
      summary: 'One boleto: status (PAID is not SETTLED), bank numbers, barcode, linha digitável, Pix',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: {
        200: { description: 'The boleto', schema: BoletoSchema },
        404: { description: 'No such boleto in your tenant' },
      },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal.tenantId, params.id, res);
        if (found) res.json(found.view);
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id/events',
      operationId: 'listBoletoEvents',
      summary: 'The boleto’s ordered event list',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: {
        200: { description: 'Events, oldest first', schema: z.object({ items: z.array(EventSchema) }) },
        404: { description: 'No such boleto in your tenant' },
      },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal.tenantId, params.id, res);
        if (found) res.json({ items: (await records.events(principal.tenantId, params.id)) ?? [] });
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id/deliveries',
      operationId: 'listBoletoDeliveries',
      summary: 'Notifications sent to your system for this boleto',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: {
        200: { description: 'Deliveries', schema: z.object({ items: z.array(DeliverySchema) }) },
        404: { description: 'No such boleto in your tenant' },
      },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal.tenantId, params.id, res);
        if (found) res.json({ items: (await records.deliveries(principal.tenantId, params.id)) ?? [] });
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/boletos/:id/deliveries/:deliveryId/resend',
      operationId: 'resendBoletoDelivery',
      summary: 'Send a notification again',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: {
        params: BoletoIdParams.extend({
          deliveryId: z.string().regex(/^bol-[A-Za-z0-9._-]+:\d{1,6}$/, 'must be a delivery id'),
        }),
      },
      responses: {
        202: { description: 'Queued', schema: DeliverySchema },
        404: { description: 'No such boleto or delivery' },
        409: { description: 'Still being attempted' },
      },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal.tenantId, params.id, res);
        if (!found) return;
        try {
          res.status(202).json(await boletos.resend(found, params.deliveryId));
        } catch (e) {
          const refusal = updateRefusal(e);
          if (!refusal) throw e;
          sendProblem(res, {
            type: refusal.status === 404 ? 'not-found' : 'conflict',
            title: refusal.message,
            status: refusal.status,
          });
        }
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/boletos/:id/cancel',
      operationId: 'cancelBoleto',
      summary: 'Cancel (baixa) the boleto at the bank',
      description:
        'If the bank identifies a payment while the cancellation is in flight, the payment wins: 409 with the boleto PAID.',
      tags: ['boletos'],
      access: ['integrator'],
      request: { params: BoletoIdParams, body: z.strictObject({ reason: freeText(200, { min: 3 }) }) },
      responses: {
        200: { description: 'Cancelled at the bank', schema: BoletoSchema },
        202: { description: 'Accepted by the bank, confirmation pending', schema: BoletoSchema },
        404: { description: 'No such boleto in your tenant' },
        409: { description: 'Not cancellable in its status (or paid meanwhile)' },
        422: { description: 'The bank refused the cancellation' },
      },
      handler: async ({ principal, params, body, res, log }) => {
        const found = await owned(principal.tenantId, params.id, res);
        if (!found) return;
        let view: BoletoView;
        try {
          view = await boletos.cancel(found, body.reason, log);
        } catch (e) {
          const refusal = updateRefusal(e);
          if (!refusal) throw e;
          return sendProblem(res, {
            type: refusal.status === 409 ? 'conflict' : 'bank-rejected',
            title: refusal.message,
            status: refusal.status,
          });
        }
        if (view.status === 'CANCELLED') return void res.json(view);
        if (view.status === 'CANCELLING') return void res.status(202).json(view);
        sendProblem(res, {
          type: 'conflict',
          title: `The boleto is ${view.status}: the payment came first`,
          status: 409,
          boleto: view,
        });
      },
    }),

    defineRoute({
      method: 'post',
      path: '/v1/boletos/:id/due-date',
      operationId: 'changeBoletoDueDate',
      summary: 'Change the due date at the bank',
      tags: ['boletos'],
      access: ['integrator'],
      request: { params: BoletoIdParams, body: z.strictObject({ dueDate: newDueDate }) },
      responses: {
        200: { description: 'Changed', schema: BoletoSchema },
        404: { description: 'No such boleto in your tenant' },
        409: { description: 'Not allowed in its status' },
        422: { description: 'Invalid date, or refused by the bank' },
      },
      handler: async ({ principal, params, body, res, log }) => {
        const beyondWindow = dueDateProblem(body.dueDate, saoPauloDate(Date.now()));
        if (beyondWindow) return invalid(res, [beyondWindow]);
        const found = await owned(principal.tenantId, params.id, res);
        if (!found) return;
        try {
          res.json(await boletos.changeDueDate(found, body.dueDate, log));
        } catch (e) {
          const refusal = updateRefusal(e);
          if (!refusal) throw e;
          const { status, message } = refusal;
          sendProblem(res, {
            type: status === 409 ? 'conflict' : 'validation',
            title: message,
            status,
            ...(status === 422 ? { errors: [{ field: 'body.dueDate', reason: message }] } : {}),
          });
        }
      },
    }),

    defineRoute({
      method: 'get',
      path: '/v1/boletos/:id/pdf',
      operationId: 'getBoletoPdf',
      summary: 'The boleto as a PDF (FEBRABAN layout, with the Pix QR code of a bolecode)',
      tags: ['boletos'],
      access: ['integrator', 'operator'],
      request: { params: BoletoIdParams },
      responses: {
        200: { description: 'PDF', schema: z.string().meta({ format: 'binary' }), contentType: 'application/pdf' },
        404: { description: 'No such boleto' },
        409: { description: 'Not registered (no barcode)' },
      },
      handler: async ({ principal, params, res }) => {
        const found = await owned(principal.tenantId, params.id, res);
        if (!found) return;
        const printable = await records.printable(principal.tenantId, params.id);
        const { boleto, payer, messages } = printable ?? { boleto: found.view, messages: [] };
        if (!boleto.barcode && !boleto.linhaDigitavel)
          return sendProblem(res, {
            type: 'conflict',
            title: `A ${boleto.status} boleto has no barcode to print`,
            status: 409,
          });
        if (!payer)
          return unavailable(
            res,
            'The payer of this boleto is not in the records store yet (the drift repair imports it).',
          );
        // As printed at issue; boletos imported from Temporal take the account's current data.
        const beneficiary =
          printable?.beneficiary ??
          (await deps.directory.resolve(boleto.accountId).catch(() => undefined))?.beneficiary;
        if (!beneficiary) return unavailable(res, 'The beneficiary of this boleto cannot be read right now.');
        const pdf = await renderBoletoPdf({
          bank: { code: bankDescriptor(boleto.bank).number, name: bankDescriptor(boleto.bank).name },
          beneficiary: {
            name: beneficiary.name,
            document: beneficiary.document,
            agencyAccount: beneficiary.agencyAccount,
          },
          payer: {
            name: payer.name,
            document: payer.document,
            address: [
              `${payer.address.street}, ${payer.address.number}`,
              `${payer.address.district} - ${payer.address.city}/${payer.address.state} - ${payer.address.zipCode}`,
            ],
          },
          nossoNumero: boleto.nossoNumero ?? '',
          documentNumber: boleto.seuNumero,
          issueDate: boleto.issueDate,
          dueDate: boleto.dueDate,
          amountCents: boleto.amountCents,
          instructions: messages,
          ...(boleto.barcode ? { barcode: boleto.barcode } : { linhaDigitavel: boleto.linhaDigitavel! }),
          ...(boleto.pix ? { pixEmv: boleto.pix.emv } : {}),
        });
        res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${boleto.id}.pdf"`);
        res.send(pdf);
      },
    }),
  ];
}
