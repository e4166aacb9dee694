import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { bankCodeDv, checkBoletoPdfInput, renderBoletoPdf, type BoletoPdfInput } from '../../src/domain/pdf';
import { domainError } from './helpers';

const FIXTURE = join(__dirname, '../fixtures/domain/itau-bolecode.json');

async function fixture(): Promise<BoletoPdfInput> {
  return JSON.parse(await readFile(FIXTURE, 'utf8')) as BoletoPdfInput;
}

describe('boleto PDF', () => {
  it('renderBoletoPdf › the Itaú bolecode fixture › is a one-page PDF whose text has the linha digitável, amount and parties', async () => {
    const bytes = await renderBoletoPdf(await fixture(), { creationDate: new Date(Date.UTC(2029, 4, 1)) });
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(bytes) });
    try {
      const { text, total } = await parser.getText();
      expect(total).toBe(1);
      const flat = text.replace(/\s+/g, ' ');
      expect(flat).toContain('34191.09008 01015.271248 80212.460002 4 25480000675787');
      expect(flat).toContain('R$ 6.757,87');
      expect(flat).toContain('20/05/2029');
      expect(flat).toContain('109/00010152-7');
      expect(flat).toContain('12.345.678/0001-95');
      expect(flat).toContain('529.982.247-25');
      expect(flat).toContain('Recibo do Pagador');
      expect(flat).toContain('Ficha de Compensação');
      expect(flat).toContain('Pague com Pix');
    } finally {
      await parser.destroy();
    }
  });

  it('checkBoletoPdfInput › amount differing from the barcode › is refused', async () => {
    const input = { ...(await fixture()), amountCents: 100 };
    expect(domainError(() => checkBoletoPdfInput(input)).message).toBe(
      "amountCents 100 differs from the barcode's amount 675787",
    );
  });

  it('checkBoletoPdfInput › due date differing from the fator › is refused', async () => {
    const input = { ...(await fixture()), dueDate: '2029-05-21' };
    expect(domainError(() => checkBoletoPdfInput(input)).message).toMatch(/differs from the barcode's fator 2548/);
  });

  it('checkBoletoPdfInput › a broken Pix EMV › is refused with the CRC reason', async () => {
    const f = await fixture();
    const emv = f.pixEmv ?? '';
    const input = { ...f, pixEmv: `${emv.slice(0, -1)}${emv.endsWith('0') ? '1' : '0'}` };
    expect(domainError(() => checkBoletoPdfInput(input)).code).toBe('CRC_MISMATCH');
  });

  it('checkBoletoPdfInput › missing barcode and linha › names the field', async () => {
    const { linhaDigitavel: _l, ...rest } = await fixture();
    expect(domainError(() => checkBoletoPdfInput(rest)).message).toBe(
      'boleto PDF input barcode: barcode or linhaDigitavel is required',
    );
  });

  it('bankCodeDv › known bank codes › 341-7, 001-9, 237-2, 104-0, 033-7', () => {
    expect(['341', '001', '237', '104', '033'].map((c) => `${c}-${bankCodeDv(c)}`)).toEqual([
      '341-7',
      '001-9',
      '237-2',
      '104-0',
      '033-7',
    ]);
  });
});
