/**
 * The first schema of the records store. Plain SQL (PostgreSQL 13+, and PGlite), so what runs on the embedded
 * default is what runs in production. Never edit a migration that has shipped: add the next one.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per call: the pg driver sends parameterless text through the extended protocol too.
  for (const statement of [
    `CREATE SEQUENCE boleto_change_seq`,
    `CREATE TABLE boletos (
       id                  text PRIMARY KEY,
       tenant_id           text NOT NULL,
       account_id          text NOT NULL,
       bank                text NOT NULL,
       status              text NOT NULL,
       kind                text NOT NULL,
       amount_cents        bigint NOT NULL,
       issue_date          date NOT NULL,
       due_date            date NOT NULL,
       seu_numero          text NOT NULL,
       nosso_numero        text,
       reference           text,
       paid_cents          bigint,
       paid_date           date,
       settled_cents       bigint,
       settled_date        date,
       final_date          date,
       created_at          timestamptz NOT NULL,
       payer_doc_hmac      text,
       payer_enc           text,
       request_fingerprint text,
       view                json NOT NULL,
       view_updated_at     timestamptz NOT NULL,
       view_seq            integer NOT NULL,
       change_seq          bigint NOT NULL DEFAULT nextval('boleto_change_seq'),
       record_updated_at   timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX boletos_created ON boletos (tenant_id, created_at DESC, id DESC)`,
    `CREATE INDEX boletos_status_created ON boletos (tenant_id, status, created_at DESC, id DESC)`,
    `CREATE INDEX boletos_account_created ON boletos (tenant_id, account_id, created_at DESC, id DESC)`,
    `CREATE UNIQUE INDEX boletos_change ON boletos (tenant_id, change_seq)`,
    // Incremental sync's first page (updatedSince): the rows changed since an instant, then ordered by change_seq.
    `CREATE INDEX boletos_record_updated ON boletos (tenant_id, record_updated_at)`,
    `CREATE INDEX boletos_due ON boletos (tenant_id, due_date)`,
    `CREATE INDEX boletos_issue ON boletos (tenant_id, issue_date)`,
    `CREATE INDEX boletos_paid ON boletos (tenant_id, paid_date) WHERE paid_date IS NOT NULL`,
    `CREATE INDEX boletos_settled ON boletos (tenant_id, settled_date) WHERE settled_date IS NOT NULL`,
    `CREATE INDEX boletos_final ON boletos (tenant_id, final_date) WHERE final_date IS NOT NULL`,
    `CREATE INDEX boletos_payer ON boletos (tenant_id, payer_doc_hmac)`,
    `CREATE INDEX boletos_reference ON boletos (tenant_id, reference) WHERE reference IS NOT NULL`,
    `CREATE INDEX boletos_seu_numero ON boletos (tenant_id, seu_numero)`,
    `CREATE INDEX boletos_nosso_numero ON boletos (tenant_id, nosso_numero) WHERE nosso_numero IS NOT NULL`,
    `CREATE TABLE boleto_events (
       boleto_id   text NOT NULL REFERENCES boletos (id) ON DELETE CASCADE,
       seq         integer NOT NULL,
       kind        text NOT NULL,
       at          timestamptz NOT NULL,
       event       json NOT NULL,
       recorded_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (boleto_id, seq)
     )`,
    `CREATE TABLE boleto_deliveries (
       delivery_id     text PRIMARY KEY,
       boleto_id       text NOT NULL REFERENCES boletos (id) ON DELETE CASCADE,
       event_seq       integer NOT NULL,
       status          text NOT NULL,
       attempts        integer NOT NULL DEFAULT 0,
       last_error      text,
       last_attempt_at timestamptz,
       delivered_at    timestamptz,
       updated_at      timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX boleto_deliveries_boleto ON boleto_deliveries (boleto_id, event_seq)`,
    `CREATE TABLE idempotency_keys (
       tenant_id           text NOT NULL,
       idempotency_key     text NOT NULL,
       boleto_id           text NOT NULL,
       request_fingerprint text NOT NULL,
       first_response      json,
       created_at          timestamptz NOT NULL DEFAULT now(),
       answered_at         timestamptz,
       PRIMARY KEY (tenant_id, idempotency_key)
     )`,
    `CREATE INDEX idempotency_keys_boleto ON idempotency_keys (boleto_id)`,
    `CREATE TABLE record_purges (
       id              serial PRIMARY KEY,
       purged_at       timestamptz NOT NULL DEFAULT now(),
       purged_by       text NOT NULL,
       retention_years integer NOT NULL,
       cutoff_date     date NOT NULL,
       boletos         integer NOT NULL,
       events          integer NOT NULL,
       deliveries      integer NOT NULL
     )`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE record_purges, idempotency_keys, boleto_deliveries, boleto_events, boletos`.execute(db);
  await sql`DROP SEQUENCE boleto_change_seq`.execute(db);
}
