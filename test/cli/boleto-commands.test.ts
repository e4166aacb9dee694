import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runBoletoCli, saoPauloToday } from '../../src/cli/boleto-commands';

const ROOT = join(__dirname, '../..');
const run = promisify(execFile);

/** Spawns exactly what an operator types: npm run --silent boleto -- <args>. */
async function npmBoleto(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run('npm', ['run', '--silent', 'boleto', '--', ...args], {
      cwd: ROOT,
      env: { ...process.env, npm_config_loglevel: 'silent' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const LINHA = '34191.09008 01015.271248 80212.460002 4 25480000675787';

describe('boleto CLI (spawned via npm run)', () => {
  it('decode › a formatted linha › prints exactly one JSON line with the specified keys', async () => {
    const r = await npmBoleto('decode', LINHA, '--today', '2026-01-01');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      bank: '341',
      currency: '9',
      amountCents: 675787,
      dueDate: '2029-05-20',
      fator: 2548,
      barcode: '34194254800006757871090001015271248021246000',
      linhaDigitavel: '34191090080101527124880212460002425480000675787',
    });
    expect(Object.keys(JSON.parse(lines[0] ?? '{}') as object)).toEqual([
      'bank',
      'currency',
      'amountCents',
      'dueDate',
      'fator',
      'barcode',
      'linhaDigitavel',
    ]);
  });

  it('decode › a wrong field DV › one-line reason on stderr and exit 1', async () => {
    const r = await npmBoleto('decode', '34191.09008 01015.271248 80212.460003 4 25480000675787');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('linha digitável field 3 check digit is 3, expected 2\n');
  });

  it('pdf › the fixture JSON › writes a PDF file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'boleto-cli-'));
    try {
      const out = join(dir, 'b.pdf');
      const r = await npmBoleto('pdf', join(ROOT, 'test/fixtures/domain/itau-bolecode.json'), out);
      expect(r.code).toBe(0);
      expect((await readFile(out)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('boleto CLI (in-process)', () => {
  it('decode › the BS2 barcode with separators › decodes with fator 8547', async () => {
    const r = await runBoletoCli([
      'decode',
      '2189-1854-7000-0002-3500-0100-0313-5853-8011-0028-1538',
      '--today',
      '2021-02-01',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ bank: '218', amountCents: 2350, dueDate: '2021-03-02', fator: 8547 });
  });

  it('decode › wrong length / bad character › says so on one line', async () => {
    expect((await runBoletoCli(['decode', '123'])).stderr).toBe(
      'boleto has wrong length: 3 digits, expected 44 (barcode) or 47 (linha digitável)\n',
    );
    expect((await runBoletoCli(['decode', '3419x'])).stderr).toBe('boleto has bad character "x" at position 5\n');
  });

  it('decode › no --today › uses the São Paulo calendar date', async () => {
    const now = new Date(Date.UTC(2026, 0, 1, 2, 0)); // 23:00 on 2025-12-31 in São Paulo
    expect(saoPauloToday(now)).toBe('2025-12-31');
    const r = await runBoletoCli(['decode', LINHA], () => now);
    expect(JSON.parse(r.stdout)).toMatchObject({ dueDate: '2029-05-20' });
  });

  it('pix-decode › a valid EMV › prints its fields; a broken CRC › prints the reason and exits 1', async () => {
    const emv =
      '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
    const good = await runBoletoCli(['pix-decode', emv]);
    expect(JSON.parse(good.stdout)).toMatchObject({
      kind: 'static',
      key: '123e4567-e12b-12d1-a456-426655440000',
      merchantName: 'Fulano de Tal',
      crc: '1D3D',
    });
    const bad = await runBoletoCli(['pix-decode', `${emv.slice(0, -1)}E`]);
    expect(bad).toEqual({ code: 1, stdout: '', stderr: 'Pix payload CRC is 1D3E, expected 1D3D\n' });
  });

  it('cnpj / cpf › valid and invalid › print the verdict with the expected check digits', async () => {
    expect((await runBoletoCli(['cnpj', '12.ABC.345/01DE-35'])).stdout).toBe(
      'valid CNPJ 12.ABC.345/01DE-35 (check digits 35)\n',
    );
    const bad = await runBoletoCli(['cnpj', '12.ABC.345/01DE-36']);
    expect(bad).toMatchObject({
      code: 1,
      stdout: 'invalid CNPJ 12.ABC.345/01DE-36: CNPJ check digits are 36, expected 35\n',
    });
    expect((await runBoletoCli(['cpf', '52998224725'])).stdout).toBe('valid CPF 529.982.247-25 (check digits 25)\n');
    const json = await runBoletoCli(['cpf', '529.982.247-26', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      document: 'CPF',
      valid: false,
      checkDigits: '26',
      expectedCheckDigits: '25',
    });
  });

  it('unknown command › exits 2 with the list of commands', async () => {
    expect(await runBoletoCli(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('try: decode, pdf, pix-decode, cnpj, cpf') as unknown,
    });
  });
});
