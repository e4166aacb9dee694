/**
 * Boleto PDF in the FEBRABAN layout: "Recibo do Pagador" on top, a cut line, then the "Ficha de Compensação" with the
 * linha digitável, the fields, and the Interleaved 2 of 5 barcode (bwip-js) at FEBRABAN's 103 mm × 13 mm; for a
 * hybrid boleto (bolecode) the Pix QR code (qrcode) next to it. pdfkit draws the page.
 *
 * This module does I/O-ish work (Node streams, Buffers) and is NOT part of the workflow-safe barrel src/domain/index.ts.
 */
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { toBarcode } from '../boleto';
import { barcodeToLinha, formatLinha } from '../linha';
import { parseBarcode } from '../barcode';
import { inspectCpfOrCnpj } from '../documents';
import { DomainValidationError } from '../errors';
import { fatorFromDate } from '../fator';
import { formatBrl } from '../money';
import { parsePix } from '../pix';
import { boletoPdfSchema, type BoletoPdfData, type BoletoPdfInput } from './schema';

const MM = 72 / 25.4;
const PAGE_W = 595.28; // A4
const MARGIN = 28;
const W = PAGE_W - 2 * MARGIN;
const RIGHT_COL = 150; // width of the right-hand column (Vencimento, Valor…)
const ROW_H = 22;

/** The bank code's check digit as printed next to it ("341-7"): mod 11, weights 2..9 from the right, 10/11 → 0. */
export function bankCodeDv(code: string): string {
  let sum = 0;
  let w = 2;
  for (let i = code.length - 1; i >= 0; i--) {
    sum += (code.charCodeAt(i) - 48) * w;
    w = w === 9 ? 2 : w + 1;
  }
  const dv = 11 - (sum % 11);
  return dv >= 10 ? '0' : String(dv);
}

function br(date: string | null | undefined): string {
  return date ? `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}` : '';
}

function doc(value: string): string {
  const r = inspectCpfOrCnpj(value);
  return r.formatted ?? value;
}

interface Checked {
  data: BoletoPdfData;
  barcode: string;
  linha: string;
}

/** Validates the description and makes barcode, linha, amount and due date agree. */
export function checkBoletoPdfInput(input: BoletoPdfInput): Checked {
  const parsed = boletoPdfSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || 'boleto';
    throw new DomainValidationError('INVALID_FORMAT', path, `boleto PDF input ${path}: ${issue?.message ?? 'invalid'}`);
  }
  const data = parsed.data;
  const barcode = toBarcode(data.barcode ?? data.linhaDigitavel ?? '');
  const linha = barcodeToLinha(barcode);
  if (data.barcode !== undefined && data.linhaDigitavel !== undefined && toBarcode(data.linhaDigitavel) !== barcode) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'linhaDigitavel',
      'barcode and linhaDigitavel describe different boletos',
    );
  }
  const parts = parseBarcode(barcode);
  if (parts.bankCode !== data.bank.code) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'bank.code',
      `bank.code ${data.bank.code} differs from the barcode's bank ${parts.bankCode}`,
    );
  }
  if (parts.amountCents !== 0 && parts.amountCents !== data.amountCents) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'amountCents',
      `amountCents ${data.amountCents} differs from the barcode's amount ${parts.amountCents}`,
    );
  }
  const fator = data.dueDate === null ? 0 : fatorFromDate(data.dueDate);
  if (fator !== parts.fator) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'dueDate',
      `dueDate ${String(data.dueDate)} (fator ${fator}) differs from the barcode's fator ${parts.fator}`,
    );
  }
  if (data.pixEmv !== undefined) parsePix(data.pixEmv);
  return { data, barcode, linha };
}

/** Renders the boleto; resolves to the PDF bytes. */
export async function renderBoletoPdf(input: BoletoPdfInput, options: { creationDate?: Date } = {}): Promise<Buffer> {
  const { data, barcode, linha } = checkBoletoPdfInput(input);
  const barcodePng = await bwipjs.toBuffer({
    bcid: 'interleaved2of5',
    text: barcode,
    scale: 4,
    height: 13,
    includetext: false,
  });
  const qrPng =
    data.pixEmv === undefined
      ? null
      : await QRCode.toBuffer(data.pixEmv, { errorCorrectionLevel: 'M', margin: 1, scale: 6 });

  const pdf = new PDFDocument({
    size: 'A4',
    margin: 0,
    info: {
      Title: `Boleto ${formatLinha(linha)}`,
      Subject: 'Boleto de cobrança',
      Creator: 'boletoflow',
      ...(options.creationDate ? { CreationDate: options.creationDate } : {}),
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const bankCode = data.bank.codeWithDv ?? `${data.bank.code}-${bankCodeDv(data.bank.code)}`;
  const linhaText = formatLinha(linha);
  const amount = formatBrl(data.amountCents);
  const due = data.dueDate === null ? 'Contra-apresentação' : br(data.dueDate);

  /** A labelled box: small caption top-left, value below. */
  const box = (
    x: number,
    y: number,
    w: number,
    h: number,
    label: string,
    value: string | string[],
    opts: { align?: 'left' | 'right'; bold?: boolean } = {},
  ): void => {
    pdf.lineWidth(0.5).rect(x, y, w, h).stroke();
    pdf
      .font('Helvetica')
      .fontSize(5.5)
      .fillColor('#000')
      .text(label, x + 2, y + 1.5, { width: w - 4, lineBreak: false });
    const lines = Array.isArray(value) ? value : [value];
    pdf.font(opts.bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    lines.forEach((line, i) =>
      pdf.text(line, x + 3, y + 9 + i * 9, { width: w - 6, align: opts.align ?? 'left', lineBreak: false }),
    );
  };

  /** Bank name | code | right-hand title, with the thick rule FEBRABAN puts under the header. */
  const header = (y: number, right: string, rightFont: number): number => {
    pdf
      .font('Helvetica-Bold')
      .fontSize(12)
      .text(data.bank.name, MARGIN, y + 6, { width: 136, lineBreak: false });
    pdf
      .lineWidth(1.5)
      .moveTo(MARGIN + 140, y)
      .lineTo(MARGIN + 140, y + 22)
      .stroke();
    pdf
      .font('Helvetica-Bold')
      .fontSize(14)
      .text(bankCode, MARGIN + 140, y + 5, { width: 56, align: 'center', lineBreak: false });
    pdf
      .lineWidth(1.5)
      .moveTo(MARGIN + 196, y)
      .lineTo(MARGIN + 196, y + 22)
      .stroke();
    pdf
      .font('Helvetica-Bold')
      .fontSize(rightFont)
      .text(right, MARGIN + 200, y + 7, { width: W - 200, align: 'right', lineBreak: false });
    pdf
      .lineWidth(1.5)
      .moveTo(MARGIN, y + 22)
      .lineTo(MARGIN + W, y + 22)
      .stroke();
    return y + 24;
  };

  // ── Recibo do Pagador ────────────────────────────────────────────────────────────────────────────────────────
  let y = header(MARGIN, linhaText, 9.5);
  const cw = (W - RIGHT_COL) / 2;
  box(MARGIN, y, W - RIGHT_COL, ROW_H, 'Beneficiário', `${data.beneficiary.name} — ${doc(data.beneficiary.document)}`);
  box(MARGIN + W - RIGHT_COL, y, RIGHT_COL, ROW_H, 'Vencimento', due, { align: 'right', bold: true });
  y += ROW_H;
  box(MARGIN, y, cw, ROW_H, 'Agência/Código do Beneficiário', data.beneficiary.agencyAccount);
  box(MARGIN + cw, y, cw, ROW_H, 'Nosso Número', data.nossoNumero);
  box(MARGIN + W - RIGHT_COL, y, RIGHT_COL, ROW_H, '(=) Valor do Documento', amount, { align: 'right', bold: true });
  y += ROW_H;
  box(MARGIN, y, cw, ROW_H, 'Número do Documento', data.documentNumber);
  box(MARGIN + cw, y, cw, ROW_H, 'Data do Documento', br(data.issueDate));
  box(
    MARGIN + W - RIGHT_COL,
    y,
    RIGHT_COL,
    ROW_H,
    '(-) Desconto/Abatimento',
    data.discountCents ? formatBrl(data.discountCents) : '',
    { align: 'right' },
  );
  y += ROW_H;
  box(MARGIN, y, W - RIGHT_COL, ROW_H + 9, 'Pagador', [
    `${data.payer.name} — ${doc(data.payer.document)}`,
    data.payer.address.join(' '),
  ]);
  box(MARGIN + W - RIGHT_COL, y, RIGHT_COL, ROW_H + 9, '(=) Valor Cobrado', '', { align: 'right' });
  y += ROW_H + 9;
  box(MARGIN, y, W, 50, 'Demonstrativo', data.description);
  y += 52;
  pdf
    .font('Helvetica')
    .fontSize(6)
    .text('Recibo do Pagador — Autenticação Mecânica', MARGIN, y, { width: W, align: 'right' });
  y += 22;

  // ── Cut line ─────────────────────────────────────────────────────────────────────────────────────────────────
  pdf
    .lineWidth(0.5)
    .dash(3, { space: 3 })
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + W, y)
    .stroke()
    .undash();
  pdf
    .font('Helvetica')
    .fontSize(5.5)
    .text('Corte na linha pontilhada', MARGIN, y - 8, { width: W, align: 'right' });
  y += 16;

  // ── Ficha de Compensação ─────────────────────────────────────────────────────────────────────────────────────
  y = header(y, linhaText, 10.5);
  const L = W - RIGHT_COL; // left block width
  const R = MARGIN + L; // x of the right column
  box(MARGIN, y, L, ROW_H, 'Local de Pagamento', data.paymentPlace);
  box(R, y, RIGHT_COL, ROW_H, 'Vencimento', due, { align: 'right', bold: true });
  y += ROW_H;
  box(MARGIN, y, L, ROW_H + 9, 'Beneficiário', [
    `${data.beneficiary.name} — ${doc(data.beneficiary.document)}`,
    data.beneficiary.address.join(' '),
  ]);
  box(R, y, RIGHT_COL, ROW_H + 9, 'Agência/Código do Beneficiário', data.beneficiary.agencyAccount, { align: 'right' });
  y += ROW_H + 9;
  const c6 = L / 6;
  box(MARGIN, y, c6, ROW_H, 'Data do Documento', br(data.issueDate));
  box(MARGIN + c6, y, c6 * 1.5, ROW_H, 'Nº do Documento', data.documentNumber);
  box(MARGIN + c6 * 2.5, y, c6, ROW_H, 'Espécie Doc.', data.especieDoc);
  box(MARGIN + c6 * 3.5, y, c6 * 0.8, ROW_H, 'Aceite', data.aceite);
  box(MARGIN + c6 * 4.3, y, c6 * 1.7, ROW_H, 'Data do Processamento', br(data.processingDate ?? data.issueDate));
  box(R, y, RIGHT_COL, ROW_H, 'Nosso Número', data.nossoNumero, { align: 'right' });
  y += ROW_H;
  box(MARGIN, y, c6, ROW_H, 'Uso do Banco', '');
  box(MARGIN + c6, y, c6, ROW_H, 'Carteira', data.carteira);
  box(MARGIN + c6 * 2, y, c6, ROW_H, 'Espécie', 'R$');
  box(MARGIN + c6 * 3, y, c6, ROW_H, 'Quantidade', '');
  box(MARGIN + c6 * 4, y, c6 * 2, ROW_H, 'Valor', '');
  box(R, y, RIGHT_COL, ROW_H, '(=) Valor do Documento', amount, { align: 'right', bold: true });
  y += ROW_H;
  const rightLabels = [
    '(-) Desconto/Abatimento',
    '(-) Outras Deduções',
    '(+) Mora/Multa',
    '(+) Outros Acréscimos',
    '(=) Valor Cobrado',
  ];
  box(
    MARGIN,
    y,
    L,
    ROW_H * rightLabels.length,
    'Instruções (texto de responsabilidade do beneficiário)',
    data.instructions,
  );
  rightLabels.forEach((label, i) => {
    const value = i === 0 && data.discountCents ? formatBrl(data.discountCents) : '';
    box(R, y + i * ROW_H, RIGHT_COL, ROW_H, label, value, { align: 'right' });
  });
  y += ROW_H * rightLabels.length;
  const payerLines = [`${data.payer.name} — ${doc(data.payer.document)}`, ...data.payer.address].slice(0, 3);
  if (data.guarantor) payerLines.push(`Sacador/Avalista: ${data.guarantor.name} — ${doc(data.guarantor.document)}`);
  box(MARGIN, y, W, 12 + payerLines.length * 9, 'Pagador', payerLines);
  y += 14 + payerLines.length * 9;

  // Barcode: FEBRABAN places it bottom-left, 103 mm × 13 mm, with a quiet zone.
  pdf.image(barcodePng, MARGIN + 5, y + 6, { width: 103 * MM, height: 13 * MM });
  pdf
    .font('Helvetica')
    .fontSize(6)
    .text('Autenticação Mecânica — Ficha de Compensação', MARGIN + W - 200, y + 4, { width: 200, align: 'right' });
  if (qrPng) {
    const size = 88;
    const qx = MARGIN + W - size;
    const qy = y + 16;
    pdf.image(qrPng, qx, qy, { width: size, height: size });
    pdf
      .font('Helvetica-Bold')
      .fontSize(7)
      .text('Pague com Pix', qx - 70, qy + 30, { width: 66, align: 'right' });
    pdf
      .font('Helvetica')
      .fontSize(5.5)
      .text('Leia o QR Code no app do seu banco', qx - 70, qy + 40, { width: 66, align: 'right' });
  }
  pdf.end();
  return done;
}
