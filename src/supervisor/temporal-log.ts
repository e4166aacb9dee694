/**
 * A Temporal server's JSON log lines (the dev server's and the cluster's) into our logger: its errors and warnings
 * as such, the rest at debug; while stopping, everything at debug (complaints about closed connections are expected).
 */
import type { Logger } from '../logging';

export function temporalServerLogLine(logger: Logger, quiet: () => boolean) {
  return (line: string, stream: 'stdout' | 'stderr') => {
    if (!line.trim()) return;
    try {
      const {
        level,
        msg,
        time: _t,
        ...fields
      } = JSON.parse(line) as { level?: string; msg?: string; time?: string } & Record<string, unknown>;
      const l = level?.toLowerCase();
      // While stopping, the server's complaints about closed connections are expected noise.
      const target = quiet() ? 'debug' : l === 'error' ? 'error' : l === 'warn' ? 'warn' : 'debug';
      logger[target]({ component: 'temporal-server', server: fields }, msg ?? '');
    } catch {
      // The CLI's own start banner (stdout) is replaced by ours.
      logger.debug({ component: 'temporal-server', stream }, line);
    }
  };
}
