/**
 * Sicoob (bank 756, Banco Cooperativo Sicoob / Bancoob) campo livre and nosso-número DV. docs/banks/sicoob.md
 * §"Boleto domain" cites each rule; the tests run the public vectors of kivanio/brcobranca, OpenBoleto and
 * BoletoNetCore.
 *
 * Campo livre (25 digits), the same in all three libraries:
 *
 * | pos (barcode) | len | content                                                              |
 * |---------------|-----|----------------------------------------------------------------------|
 * | 20            | 1   | carteira ("1")                                                       |
 * | 21–24         | 4   | cooperativa (agência)                                                |
 * | 25–26         | 2   | modalidade ("01" simples com registro, "05" carnê…)                  |
 * | 27–33         | 7   | código do cliente (beneficiário) **with its own check digit**        |
 * | 34–41         | 8   | nosso número: 7 digits + its DV                                      |
 * | 42–44         | 3   | parcela ("001" when there is one)                                    |
 *
 * Nosso-número DV ("constante 3197"): concatenate cooperativa(4) + código do cliente(10) + nosso número(7), weights
 * 3,1,9,7 repeated from the left over those 21 digits, sum, r = sum mod 11, DV = 11 − r, and 0 when r is 0 or 1.
 *
 * How the API's `numeroCliente` (an int32, 8 digits in Sicoob's own example) relates to the 7-digit código do
 * cliente of the campo livre is not documented [U]: the real bank's barcode is always taken from its answer, never
 * rebuilt; these functions serve the simulator and decoding.
 */
import { DomainValidationError } from '../errors';
import { requireDigits } from '../input';

export const SICOOB_BANK_CODE = '756';

/** The "constante 3197" weights, applied from the leftmost digit. */
export const SICOOB_DV_WEIGHTS: readonly number[] = Object.freeze([3, 1, 9, 7]);

export interface SicoobBeneficiario {
  /** Cooperativa (agência), 4 digits. */
  cooperativa: string;
  /** Código do cliente including its check digit (e.g. "17227" + "8"), up to 7 digits. */
  codigoCliente: string | number;
}

export interface SicoobTitulo extends SicoobBeneficiario {
  /** Nosso número without DV, up to 7 digits. */
  nossoNumero: string | number;
}

export interface SicoobCampoLivreInput extends SicoobTitulo {
  /** Carteira, 1 digit; default "1". */
  carteira?: string;
  /** Modalidade, 2 digits; default "01" (simples com registro). */
  modalidade?: string;
  /** Parcela, 1..999; default 1. */
  parcela?: string | number;
}

function titulo(t: SicoobTitulo): { cooperativa: string; codigoCliente: string; nossoNumero: string } {
  return {
    cooperativa: requireDigits(t.cooperativa, 'cooperativa', 4),
    codigoCliente: requireDigits(t.codigoCliente, 'codigoCliente', 7, { pad: true }),
    nossoNumero: requireDigits(t.nossoNumero, 'nossoNumero', 7, { pad: true }),
  };
}

/** DV of the nosso número ("constante 3197"). */
export function sicoobNossoNumeroDv(t: SicoobTitulo): number {
  const { cooperativa, codigoCliente, nossoNumero } = titulo(t);
  const digits = `${cooperativa}${codigoCliente.padStart(10, '0')}${nossoNumero}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++)
    sum += (digits.charCodeAt(i) - 48) * SICOOB_DV_WEIGHTS[i % SICOOB_DV_WEIGHTS.length]!;
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

/** Nosso número as printed: "0000004-0". */
export function formatSicoobNossoNumero(t: SicoobTitulo): string {
  return `${titulo(t).nossoNumero}-${sicoobNossoNumeroDv(t)}`;
}

/**
 * The nosso número to send for a number taken from a `faixas-nosso-numero` range. The operation's description:
 * with `validaDigitoVerificadorNossoNumero` 0/false the range "refere-se a numeração final" (10..15 are used as
 * 1-0 … 1-5: the last digit already is the DV); with 1/true "deverá ser calculado o DV" (10..15 → 10-4 … 15-9: the
 * DV is appended). Reading "appended" as the integer n·10 + DV is [U] (docs/banks/sicoob.md).
 */
export function sicoobNossoNumeroFromFaixa(n: number, validaDigitoVerificador: boolean, b: SicoobBeneficiario): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'nossoNumero',
      `nossoNumero must be a non-negative integer, got ${String(n)}`,
    );
  return validaDigitoVerificador ? n * 10 + sicoobNossoNumeroDv({ ...b, nossoNumero: n }) : n;
}

/** The 25-digit campo livre of the barcode. */
export function sicoobCampoLivre(input: SicoobCampoLivreInput): string {
  const { cooperativa, codigoCliente, nossoNumero } = titulo(input);
  const carteira = requireDigits(input.carteira ?? '1', 'carteira', 1);
  const modalidade = requireDigits(input.modalidade ?? '01', 'modalidade', 2, { pad: true });
  const parcela = requireDigits(input.parcela ?? 1, 'parcela', 3, { pad: true });
  return `${carteira}${cooperativa}${modalidade}${codigoCliente}${nossoNumero}${sicoobNossoNumeroDv(input)}${parcela}`;
}

export interface ParsedSicoobCampoLivre {
  carteira: string;
  cooperativa: string;
  modalidade: string;
  codigoCliente: string;
  /** 7 digits, without DV. */
  nossoNumero: string;
  nossoNumeroDv: number;
  parcela: string;
}

/** Splits a campo livre and verifies the nosso-número DV (position 33 of the campo livre, 41 of the barcode). */
export function parseSicoobCampoLivre(campoLivre: string): ParsedSicoobCampoLivre {
  const cl = requireDigits(campoLivre, 'campoLivre', 25);
  const parsed: ParsedSicoobCampoLivre = {
    carteira: cl.slice(0, 1),
    cooperativa: cl.slice(1, 5),
    modalidade: cl.slice(5, 7),
    codigoCliente: cl.slice(7, 14),
    nossoNumero: cl.slice(14, 21),
    nossoNumeroDv: Number(cl[21]),
    parcela: cl.slice(22, 25),
  };
  const expected = sicoobNossoNumeroDv(parsed);
  if (parsed.nossoNumeroDv !== expected) {
    throw new DomainValidationError(
      'CHECK_DIGIT_MISMATCH',
      'campoLivre',
      `Sicoob campo livre nosso número DV (position 22) is ${parsed.nossoNumeroDv}, expected ${expected}`,
      { actual: parsed.nossoNumeroDv, expected },
    );
  }
  return parsed;
}
