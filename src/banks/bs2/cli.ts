/**
 * A BS2 account's token keeper, for whoever runs the installation (same effect as PUT /v1/bank-tokens/bs2/:accountId):
 *   npm run --silent bs2 -- status <accountId>
 *   npm run --silent bs2 -- set-refresh-token <accountId>  < token.txt   (or paste it at the prompt)
 * set-refresh-token hands the keeper the refresh token generated in BS2 Empresas ("Gerar novo token"), which
 * unlocks it, and proves it with one refresh. The token is read from stdin only: on the command line it would stay
 * in the shell history and in `ps`. It is never printed or logged; the keeper records who (`cli:<user>@<host>`)
 * and when, and an audit line (without the token) goes to stderr.
 * Talks to the keeper workflow on the configured Temporal (the embedded one while `npm start` runs).
 */
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import { Bs2RefreshToken, bs2TokenStatusView } from './api';
import { bs2KeeperStatusOf, Bs2KeeperNotFound, Bs2KeeperUnresponsive, handBs2RefreshToken } from './keeper-client';
import { loadConfig } from '../../config';
import { createLogger, type Logger } from '../../logging';
import { runMain, StartupError } from '../../process';
import { connectCliClient } from '../../cli/connect';

const USAGE = `usage:
  bs2 status <accountId>
  bs2 set-refresh-token <accountId>     (the token on stdin, or pasted at the prompt; never as an argument)`;

export interface Bs2CliDeps {
  client: Client;
  taskQueue: string;
  /** The refresh token typed or piped in. */
  readToken: () => Promise<string>;
  out: (line: string) => void;
  log: Logger;
  /** Who runs it, for the keeper's audit trail. */
  by?: string;
}

export async function runBs2Cli(argv: string[], deps: Bs2CliDeps): Promise<void> {
  const [command, accountId, ...rest] = argv;
  if (!accountId || !/^[A-Za-z0-9._-]{1,64}$/.test(accountId)) throw new StartupError(USAGE);
  switch (command) {
    case 'status': {
      if (rest.length) throw new StartupError(USAGE);
      deps.out(
        JSON.stringify(
          bs2TokenStatusView(accountId, await keeperCall(() => bs2KeeperStatusOf(deps.client, accountId))),
        ),
      );
      return;
    }
    case 'set-refresh-token': {
      if (rest.length)
        throw new StartupError(
          'the refresh token is read from stdin, never from the command line (it would stay in the shell history and in ps)\n' +
            USAGE,
        );
      const parsed = Bs2RefreshToken.safeParse(await deps.readToken());
      if (!parsed.success) throw new StartupError(`refresh token ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
      const by = deps.by ?? `cli:${userInfo().username}@${hostname()}`;
      const r = await keeperCall(() =>
        handBs2RefreshToken(deps.client, {
          accountId,
          taskQueue: deps.taskQueue,
          refreshToken: parsed.data,
          by,
          startIfMissing: false,
        }),
      );
      deps.log.info(
        {
          audit: 'bs2.refresh-token.set',
          accountId,
          by,
          outcome: r.outcome,
          applied: r.applied,
          wasLocked: r.wasLocked,
        },
        'BS2 refresh token handed to the token keeper',
      );
      if (r.outcome === 'refused')
        throw new StartupError(
          `BS2 refused this refresh token too: ${r.status.locked}. The account stays locked: generate a new token in BS2 Empresas and try again.`,
        );
      deps.out(
        JSON.stringify({
          ...bs2TokenStatusView(accountId, r.status),
          applied: r.applied,
          verified: r.verified,
          ...(r.detail ? { detail: r.detail } : {}),
        }),
      );
      return;
    }
    default:
      throw new StartupError(USAGE);
  }
}

/** The keeper's own refusals as one-line messages (exit 1), not stack traces. */
async function keeperCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof Bs2KeeperNotFound || e instanceof Bs2KeeperUnresponsive) throw new StartupError(e.message);
    throw e;
  }
}

/** stdin's first line; at a terminal, a prompt on stderr and no echo (the token does not appear on screen). */
async function readTokenFromStdin(): Promise<string> {
  const mute = new Writable({ write: (_c, _e, cb) => cb() });
  if (process.stdin.isTTY) process.stderr.write('Paste the refresh token generated in BS2 Empresas, then Enter: ');
  const rl = createInterface({ input: process.stdin, output: mute, terminal: process.stdin.isTTY === true });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
    if (process.stdin.isTTY) process.stderr.write('\n');
  }
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const client = await connectCliClient(config);
    try {
      await runBs2Cli(process.argv.slice(2), {
        client,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        readToken: readTokenFromStdin,
        out: (l) => process.stdout.write(l + '\n'),
        log: createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-bs2-cli' }, process.stderr),
      });
    } finally {
      await client.connection.close();
    }
  });
}
