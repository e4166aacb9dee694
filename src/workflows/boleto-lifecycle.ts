/**
 * boletoLifecycle: one workflow per boleto, from registration at the bank to money credited (or cancelled,
 * expired). Bank webhooks arrive as signals, timed polls are the safety net, the API drives it with updates.
 * This file is the wiring: the running boleto and its handlers are boleto-lifecycle-manager.ts, the rules are
 * boleto-state.ts (one-way status, update validators) and boleto-schedule.ts (when to wake).
 */
import { setHandler } from '@temporalio/workflow';
import {
  awaitRegistrationUpdate,
  bankEventSignal,
  type BoletoView,
  cancelUpdate,
  changeDueDateUpdate,
  getBoletoQuery,
  getCreationQuery,
  getDeliveriesQuery,
  getEventsQuery,
  getPrintableQuery,
  getRecordQuery,
  resendDeliveryUpdate,
  type StartBoletoInput,
} from '../contracts/boleto';
import { type BoletoLifecycleCarry, BoletoLifecycleManager } from './boleto-lifecycle-manager';

export async function boletoLifecycle(input: StartBoletoInput, carried?: BoletoLifecycleCarry): Promise<BoletoView> {
  const boleto = new BoletoLifecycleManager(input, carried);
  setHandler(getBoletoQuery, boleto.view);
  setHandler(getEventsQuery, boleto.events);
  setHandler(getDeliveriesQuery, boleto.deliveries);
  setHandler(getPrintableQuery, boleto.printable);
  setHandler(getCreationQuery, boleto.creation);
  setHandler(getRecordQuery, boleto.record);
  setHandler(bankEventSignal, boleto.onBankEvent);
  setHandler(awaitRegistrationUpdate, boleto.awaitRegistration, { validator: boleto.validateAwaitRegistration });
  setHandler(changeDueDateUpdate, boleto.changeDueDate, { validator: boleto.validateChangeDueDate });
  setHandler(cancelUpdate, boleto.cancel, { validator: boleto.validateCancel });
  setHandler(resendDeliveryUpdate, boleto.resendDelivery, { validator: boleto.validateResend });
  return boleto.run();
}
