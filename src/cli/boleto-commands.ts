/**
 * The `boleto` operator/support CLI, as a function from arguments to output so tests can call it in-process as well
 * as by spawning `npm run --silent boleto -- …`. Every failure is one line on stderr and exit code 1.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  decodeBoleto,
  inspectCnpj,
  inspectCpf,
  isDomainValidationError,
  isIsoDate,
  parsePix,
  saoPauloDate,
  type DocumentInspection,
} from '../domain';
import { renderBoletoPdf } from '../domain/pdf';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const USAGE = [
  'usage: npm run --silent boleto -- <command>',
  '  decode <barcode-or-linha> [--today YYYY-MM-DD]   print the boleto fields as one JSON line',
  '  pdf <json-file> <out.pdf>                         render a boleto PDF from a JSON description',
  '  pix-decode <emv>                                  print the Pix BR Code fields as JSON',
  '  cnpj <value> [--json]                             valid/invalid with the expected check digits',
  '  cpf <value> [--json]                              valid/invalid with the expected check digits',
].join('\n');

/** Today's date in São Paulo — the CLI is not workflow code, so it may read the clock. */
export function saoPauloToday(now: Date = new Date()): string {
  return saoPauloDate(now.getTime());
}

const ok = (stdout: string): CliResult => ({ code: 0, stdout: `${stdout}\n`, stderr: '' });
const fail = (message: string, code = 1): CliResult => ({
  code,
  stdout: '',
  stderr: `${message.replace(/\s*\n\s*/g, ' ')}\n`,
});

function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i === -1) return false;
  args.splice(i, 1);
  return true;
}

function documentResult(r: DocumentInspection, json: boolean): CliResult {
  const summary = {
    document: r.kind,
    input: r.normalized,
    valid: r.valid,
    formatted: r.formatted,
    checkDigits: r.checkDigits,
    expectedCheckDigits: r.expectedCheckDigits,
    reason: r.reason,
  };
  if (json) return { code: r.valid ? 0 : 1, stdout: `${JSON.stringify(summary)}\n`, stderr: '' };
  if (r.valid) return ok(`valid ${r.kind} ${r.formatted ?? r.normalized} (check digits ${r.checkDigits ?? ''})`);
  const reason = r.reason ?? 'invalid';
  const expected =
    r.expectedCheckDigits === null || reason.includes('expected')
      ? ''
      : ` (expected check digits ${r.expectedCheckDigits})`;
  return { code: 1, stdout: `invalid ${r.kind} ${r.formatted ?? r.normalized}: ${reason}${expected}\n`, stderr: '' };
}

export async function runBoletoCli(argv: readonly string[], now: () => Date = () => new Date()): Promise<CliResult> {
  const args = [...argv];
  const command = args.shift();
  try {
    switch (command) {
      case 'decode': {
        const today = takeOption(args, '--today') ?? saoPauloToday(now());
        if (!isIsoDate(today)) return fail(`--today must be YYYY-MM-DD, got ${JSON.stringify(today)}`);
        // Accept the linha split over several shell words (pasted without quotes).
        if (args.length === 0) return fail('decode needs a barcode or linha digitável');
        const d = decodeBoleto(args.join(' '), { today });
        return ok(
          JSON.stringify({
            bank: d.bankCode,
            currency: d.currencyCode,
            amountCents: d.amountCents,
            dueDate: d.dueDate,
            fator: d.fator,
            barcode: d.barcode,
            linhaDigitavel: d.linhaDigitavel,
          }),
        );
      }
      case 'pdf': {
        const [jsonFile, outFile] = args;
        if (!jsonFile || !outFile) return fail('pdf needs <json-file> <out.pdf>');
        let input: unknown;
        try {
          input = JSON.parse(await readFile(jsonFile, 'utf8'));
        } catch (e) {
          return fail(`cannot read ${jsonFile}: ${e instanceof Error ? e.message : String(e)}`);
        }
        const bytes = await renderBoletoPdf(input as Parameters<typeof renderBoletoPdf>[0]);
        await writeFile(outFile, bytes);
        return ok(JSON.stringify({ written: outFile, bytes: bytes.length }));
      }
      case 'pix-decode': {
        if (args.length !== 1 || !args[0]) return fail('pix-decode needs exactly one <emv> argument (quote it)');
        const { fields: _fields, ...parsed } = parsePix(args[0]);
        return ok(JSON.stringify(parsed));
      }
      case 'cnpj':
      case 'cpf': {
        const json = takeFlag(args, '--json');
        if (args.length === 0) return fail(`${command} needs a value`);
        const value = args.join('');
        return documentResult(command === 'cnpj' ? inspectCnpj(value) : inspectCpf(value), json);
      }
      case undefined:
      case 'help':
      case '--help':
        return {
          code: command === undefined ? 2 : 0,
          stdout: command === undefined ? '' : `${USAGE}\n`,
          stderr: command === undefined ? `${USAGE}\n` : '',
        };
      default:
        return fail(`unknown command ${JSON.stringify(command)}; try: decode, pdf, pix-decode, cnpj, cpf`, 2);
    }
  } catch (e) {
    if (isDomainValidationError(e)) return fail(e.message);
    return fail(`unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
