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

/*
 * A bank's own patches (its part of the onboarding workflow) live with that part, in its folder
 * (src/banks/<bank>/onboarding-workflow.ts), with their ids unchanged: the ids are recorded in histories.
 */
