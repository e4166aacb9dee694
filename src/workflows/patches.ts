/**
 * Patch ids for workflow code changes that would otherwise break running workflows (replay). One constant per
 * change, used with patched()/deprecatePatch(); the replay test over committed histories proves old runs still
 * replay. Remove a patch only when no workflow started before it can still be running.
 */

/**
 * Registration (and the lookup after a lost response) run as local activities: no activity task round trip through
 * the server. Safe to repeat after a crash because the bank dedupes on the identifiers fixed before the first call
 * (BS2 seuNumero, Itaú nosso número), and a duplicate answer goes through the same look-up path.
 */
export const REGISTER_AS_LOCAL_ACTIVITY = 'register-as-local-activity';
