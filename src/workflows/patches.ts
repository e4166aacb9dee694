/**
 * How workflow code changes stay safe for running workflows (replay). Two tools, both proven by the replay test over
 * committed histories (test/fixtures/histories):
 *
 * - **Code versions, fixed at start.** A boleto's workflow is short-lived compared with our release cadence and
 *   starts from the API, so a behaviour change that only new boletos need is keyed on `codeVersion` in the start
 *   input (set by the API to BOLETO_CODE_VERSION; absent in older runs = 1). The input is in history, so the choice
 *   is deterministic, and it costs nothing per boleto: a patched() call records a marker and, since SDK 1.11, an
 *   upsert of the TemporalChangeVersion search attribute — a billed action and a visibility write in every new
 *   workflow, forever. The version travels through continue-as-new with the input.
 * - **patched()/deprecatePatch()** for changes that must reach workflows already running mid-flight.
 *
 * Remove a branch only when no workflow that takes it can still be running.
 */

/**
 * Registration (and the lookup after a lost response) run as local activities: no activity task round trip through
 * the server. Safe to repeat after a crash because the bank dedupes on the identifiers fixed before the first call
 * (BS2 seuNumero, Itaú nosso número), and a duplicate answer goes through the same look-up path.
 * Since code version 2 this is the only path and the patch is no longer called for new boletos.
 */
export const REGISTER_AS_LOCAL_ACTIVITY = 'register-as-local-activity';

/**
 * The boleto workflow's code version for new boletos.
 * - 1: the first release (registration patched to a local activity as above).
 * - 2: registration always as a local activity (no patch marker or TemporalChangeVersion upsert); the wake-up timer
 *   is kept while the next wake-up stays the same, so a webhook that changes nothing (a duplicate, a late one) does
 *   not cancel and restart it.
 */
export const BOLETO_CODE_VERSION = 2;

/**
 * Onboarding (long-lived, so patched()): when an Itaú account reaches ACTIVE, register its boleto-notification
 * subscription (Boletos v3 `notificacoes_boletos`, listed first so a retry never makes two). Onboardings that reached
 * ACTIVE before this replay without it.
 */
export const ITAU_NOTIFICATION_SUBSCRIPTION = 'itau-notification-subscription';

/**
 * Onboarding: inside the certificate window an ACTIVE Itaú account's certificado dinâmico is renewed by the workflow
 * (then re-checked), instead of only reminding CS; renewal attempts are a week apart; a refusal falls back to the
 * reminder. Certificate wake-ups that fired before this replay as reminders.
 */
export const ITAU_CERTIFICATE_RENEWAL = 'itau-certificate-renewal';
