/**
 * The records store's tables, as Kysely sees them (the SQL is in migrations/). A boleto's row keeps the full view the
 * API answers (`view`) plus the columns lists, reports and sync filter on, extracted from that view in one place
 * (columnsOf in store.ts). Personal data (the payer, the printed messages) is only ever stored encrypted
 * (`payer_enc`); the view is kept as `json`, byte for byte as the workflow gave it. The payer's document is searchable through a keyed hash (`payer_doc_hmac`), never in clear.
 */
import type { ColumnType, Generated } from 'kysely';
import type { BoletoEvent, BoletoView, Delivery } from '../contracts/boleto';

/** timestamptz: written as ISO strings, read as Date. */
type Timestamp = ColumnType<Date, string | Date, string | Date>;
type NullableTimestamp = ColumnType<Date | null, string | Date | null | undefined, string | Date | null>;
/** date: read and written as YYYY-MM-DD (the pool's type parser keeps it a string). */
type Day = string;

export interface BoletosTable {
  id: string;
  tenant_id: string;
  account_id: string;
  bank: string;
  status: BoletoView['status'];
  kind: string;
  amount_cents: number;
  issue_date: Day;
  due_date: Day;
  seu_numero: string;
  nosso_numero: string | null;
  reference: string | null;
  paid_cents: number | null;
  /** São Paulo calendar day of the payment / settlement / final status (reports group by it). */
  paid_date: Day | null;
  settled_cents: number | null;
  settled_date: Day | null;
  final_date: Day | null;
  created_at: Timestamp;
  /** `<key id>:<hex HMAC-SHA256>` of the normalised payer document (null: payer not known yet, e.g. imported). */
  payer_doc_hmac: string | null;
  /** Payer and printed messages, encrypted with the key ring (protect.ts); null as above. */
  payer_enc: string | null;
  request_fingerprint: string | null;
  view: ColumnType<BoletoView, string, string>;
  /** The view's version: the workflow's updatedAt, then the highest event seq it reflects (0: written by the API). */
  view_updated_at: Timestamp;
  view_seq: number;
  /** Store-side change counter (a sequence): the keyset of incremental sync (updatedSince). */
  change_seq: ColumnType<number, never, number>;
  record_updated_at: ColumnType<Date, never, Date>;
}

export interface BoletoEventsTable {
  boleto_id: string;
  seq: number;
  kind: string;
  at: Timestamp;
  event: ColumnType<BoletoEvent, string, string>;
  recorded_at: ColumnType<Date, never, never>;
}

export interface BoletoDeliveriesTable {
  delivery_id: string;
  boleto_id: string;
  event_seq: number;
  status: Delivery['status'];
  attempts: number;
  last_error: string | null;
  last_attempt_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  updated_at: ColumnType<Date, never, Date>;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  idempotency_key: string;
  boleto_id: string;
  request_fingerprint: string;
  /** The first answer with a verdict (REGISTERED or REJECTED): replayed forever. Null while registering. */
  first_response: ColumnType<BoletoView | null, string | null | undefined, string | null>;
  created_at: ColumnType<Date, never, never>;
  answered_at: NullableTimestamp;
}

export interface PurgesTable {
  id: Generated<number>;
  purged_at: ColumnType<Date, never, never>;
  purged_by: string;
  retention_years: number;
  /** Boletos whose final day is before this day were removed. */
  cutoff_date: Day;
  boletos: number;
  events: number;
  deliveries: number;
}

export interface RecordsDatabase {
  boletos: BoletosTable;
  boleto_events: BoletoEventsTable;
  boleto_deliveries: BoletoDeliveriesTable;
  idempotency_keys: IdempotencyKeysTable;
  record_purges: PurgesTable;
}
