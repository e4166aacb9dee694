import { createServer } from 'node:net';

export interface PortClaim {
  port: number;
  host: string;
  /** The variable that sets it, for the error message. */
  variable: string;
  what: string;
}

/** Resolves true when the port can be bound right now. */
export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Lists every busy port with a message that says which setting to change. */
export async function busyPorts(claims: PortClaim[]): Promise<string[]> {
  const problems: string[] = [];
  // Two parts of the stack told to use one port: the second would fail (or worse, one would answer for the other).
  const seen = new Map<number, PortClaim>();
  for (const c of claims) {
    const first = seen.get(c.port);
    if (first && first.what !== c.what)
      problems.push(
        `port ${c.port} is given to both ${first.what} (${first.variable}) and ${c.what} (${c.variable}): set one of them to another port`,
      );
    else seen.set(c.port, c);
  }
  for (const c of claims) {
    if (!(await isPortFree(c.port, c.host))) {
      problems.push(
        `port ${c.port} (${c.what}) is already in use on ${c.host}: stop whatever holds it (another boletoflow?) or set ${c.variable}`,
      );
    }
  }
  return problems;
}
