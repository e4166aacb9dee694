/**
 * Determinism guard: every history under test/fixtures/histories (recorded from real runs with
 * RECORD_HISTORIES=1 npx vitest run test/workflows/boleto-lifecycle.test.ts) must replay on today's workflow
 * code. A change that would break running workflows fails here; such a change needs a patch (patched()).
 * bs2-keeper-locked-then-unlocked.json: a bs2TokenKeeper that BS2 locked out (invalid_grant) and setBs2RefreshToken
 * unlocked, recorded on the keeper code of commit 80537b7 (before the operator unlock path, issue #18).
 * itau-onboarding-cert-notices.v1-pre-renewal.json: an Itaú onboarding (uploaded certificate valid 20 days) to ACTIVE,
 * its certificate notices and expiry, then cancelled, recorded on the onboarding code of commit 3575d10 (before the
 * patches itau-notification-subscription and itau-certificate-renewal); itau-onboarding-renewal-and-notifications.json:
 * the same run on the patched code (subscription at ACTIVE, a refused renewal + reminder, a renewal 7 days later).
 * Both on the time-skipping server with stub activities (what they return is in history; the workflow is what replays).
 * bs2-updates-due-date-resend-cancel.json: a boleto's updates (a due-date change, a resend, a cancel) recorded on
 * commit 7ef9395, the handlers still inline in boleto-lifecycle.ts, before they moved into boleto-lifecycle-manager.ts.
 * sicoob-movement-poll.json: a sicoobMovementPoll (RECORD_HISTORIES=1 npx vitest run
 * test/workflows/sicoob-movement-poll.test.ts, its last test: dev server, the Sicoob simulator over mTLS, a worker
 * without codec) on commit d8d4517: a round waiting on the status with timers gives the window up, the next round
 * delivers a file (tipo 5, one record) and an empty tipo 6, a sicoobMovementPollOptions signal wakes a third round,
 * intervalSeconds 0 completes it.
 * sicoob-onboarding-webhook-and-poll.json: a Sicoob onboarding (RECORD_HISTORIES=1 npx vitest run
 * test/workflows/sicoob-onboarding-history.test.ts: time-skipping server, stub activities, placeholder credentials)
 * on commit d8d4517: to ACTIVE through the patches sicoob-nosso-numero-range, sicoob-webhook-registration and
 * sicoob-movement-poll-at-active (the poll's start refused), then three SICOOB_WEBHOOK watch wake-ups (awaiting
 * validation 12 h: escalated, the poll started; validated: de-escalated; found Inativo: reactivated, tenant told),
 * then cancelled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/worker';
import { historyFromFile } from '../helpers/histories';

const DIR = join(__dirname, '../fixtures/histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('replay of recorded workflow histories', () => {
  it('fixtures › exist for the lifecycle paths', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of files) {
    it(`${file} › replays on the current workflow code without non-determinism`, async () => {
      const history = historyFromFile(readFileSync(join(DIR, file), 'utf8'));
      await Worker.runReplayHistory(
        {
          workflowsPath: WORKFLOWS_PATH,
          interceptors: { workflowModules: [WORKFLOWS_PATH.replace(/index\.(ts|js)$/, 'interceptors.$1')] },
        },
        history,
        file.replace(/\.json$/, ''),
      );
    }, 60_000);
  }
});
