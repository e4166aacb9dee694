/**
 * Itaú (bank 341) campo livre and identifiers, bank-apis.md §3.4 (layout), §2.4 (id_beneficiario), §2.5 (txid),
 * §2.7 (id_boleto). Cross-checked against kivanio/brcobranca `boleto/itau.rb` vectors in the tests.
 *
 * Campo livre for carteira 109 and most others (25 digits):
 *   carteira(3) + nosso número(8) + DAC nn(1) + agência(4) + conta(5) + DAC agência/conta(1) + "000"
 */
import { mod10 } from '../check-digits';
import { DomainValidationError } from '../errors';
import { requireDigits } from '../input';
import { assertCents, type Cents, decimalStringToCents } from '../money';

export const ITAU_BANK_CODE = '341';

/** Carteiras whose nosso-número DAC is mod10(carteira + nosso número) instead of including agência/conta [3P S17]. */
export const ITAU_DAC_EXCEPTION_CARTEIRAS: readonly string[] = Object.freeze([
  '112',
  '126',
  '131',
  '146',
  '150',
  '168',
]);

/** Carteiras with a different campo livre (seu número + código do cliente) — not implemented here [3P S17]. */
export const ITAU_OTHER_LAYOUT_CARTEIRAS: readonly string[] = Object.freeze([
  '106',
  '107',
  '122',
  '142',
  '143',
  '195',
  '196',
  '198',
]);

export interface ItauAccount {
  /** 4 digits. */
  agencia: string;
  /** 5 digits; the 7-digit "00xxxxx" form used inside id_beneficiario is accepted too. */
  conta: string;
}

export interface ItauTitulo extends ItauAccount {
  /** 3 digits, e.g. "109". */
  carteira: string;
  /** Up to 8 digits; zero-padded to 8. */
  nossoNumero: string;
}

export interface ItauOptions {
  /** Override the DAC exception list (the list is third-party knowledge). */
  dacExceptionCarteiras?: readonly string[];
}

function account(a: ItauAccount): { agencia: string; conta: string } {
  const agencia = requireDigits(a.agencia, 'agencia', 4);
  let conta = a.conta;
  if (typeof conta === 'string' && conta.length === 7 && conta.startsWith('00')) conta = conta.slice(2);
  return { agencia, conta: requireDigits(conta, 'conta', 5) };
}

function titulo(t: ItauTitulo): { agencia: string; conta: string; carteira: string; nossoNumero: string } {
  const carteira = requireDigits(t.carteira, 'carteira', 3);
  if (ITAU_OTHER_LAYOUT_CARTEIRAS.includes(carteira)) {
    throw new DomainValidationError(
      'UNSUPPORTED',
      'carteira',
      `Itaú carteira ${carteira} uses the seu-número layout, which is not supported`,
    );
  }
  return { ...account(t), carteira, nossoNumero: requireDigits(t.nossoNumero, 'nossoNumero', 8, { pad: true }) };
}

/** DAC of agência/conta: mod10(agência4 + conta5) — the digit after the account and at the end of id_beneficiario. */
export function itauAccountDac(a: ItauAccount): number {
  const { agencia, conta } = account(a);
  return mod10(agencia + conta);
}

/** DAC of the nosso número: mod10(agência + conta + carteira + nn), or mod10(carteira + nn) for exception carteiras. */
export function itauNossoNumeroDac(t: ItauTitulo, options: ItauOptions = {}): number {
  const { agencia, conta, carteira, nossoNumero } = titulo(t);
  const exceptions = options.dacExceptionCarteiras ?? ITAU_DAC_EXCEPTION_CARTEIRAS;
  return exceptions.includes(carteira)
    ? mod10(carteira + nossoNumero)
    : mod10(agencia + conta + carteira + nossoNumero);
}

/** The 25-digit campo livre of the barcode. */
export function itauCampoLivre(t: ItauTitulo, options: ItauOptions = {}): string {
  const { agencia, conta, carteira, nossoNumero } = titulo(t);
  return `${carteira}${nossoNumero}${itauNossoNumeroDac(t, options)}${agencia}${conta}${mod10(agencia + conta)}000`;
}

export interface ParsedItauCampoLivre extends ItauTitulo {
  nossoNumeroDac: number;
  accountDac: number;
}

/** Splits a campo livre and verifies both DACs and the "000" tail. */
export function parseItauCampoLivre(campoLivre: string, options: ItauOptions = {}): ParsedItauCampoLivre {
  const cl = requireDigits(campoLivre, 'campoLivre', 25);
  const parsed = {
    carteira: cl.slice(0, 3),
    nossoNumero: cl.slice(3, 11),
    nossoNumeroDac: Number(cl[11]),
    agencia: cl.slice(12, 16),
    conta: cl.slice(16, 21),
    accountDac: Number(cl[21]),
  };
  const expectedNn = itauNossoNumeroDac(parsed, options);
  if (parsed.nossoNumeroDac !== expectedNn) {
    throw new DomainValidationError(
      'CHECK_DIGIT_MISMATCH',
      'campoLivre',
      `Itaú campo livre nosso número DAC (position 12) is ${parsed.nossoNumeroDac}, expected ${expectedNn}`,
      { actual: parsed.nossoNumeroDac, expected: expectedNn },
    );
  }
  const expectedAcc = itauAccountDac(parsed);
  if (parsed.accountDac !== expectedAcc) {
    throw new DomainValidationError(
      'CHECK_DIGIT_MISMATCH',
      'campoLivre',
      `Itaú campo livre agência/conta DAC (position 22) is ${parsed.accountDac}, expected ${expectedAcc}`,
      { actual: parsed.accountDac, expected: expectedAcc },
    );
  }
  if (cl.slice(22) !== '000') {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'campoLivre',
      `Itaú campo livre must end in 000, got ${cl.slice(22)}`,
    );
  }
  return parsed;
}

/** Nosso número as printed on the boleto: "109/12345678-D". */
export function formatItauNossoNumero(t: ItauTitulo, options: ItauOptions = {}): string {
  const { carteira, nossoNumero } = titulo(t);
  return `${carteira}/${nossoNumero}-${itauNossoNumeroDac(t, options)}`;
}

/** `id_beneficiario` = agência(4) + conta(7 = "00" + 5) + DAC(1), e.g. "150000052061" (§2.4). */
export function itauIdBeneficiario(a: ItauAccount): string {
  const { agencia, conta } = account(a);
  return `${agencia}00${conta}${mod10(agencia + conta)}`;
}

/** Inverse of {@link itauIdBeneficiario}; verifies the DAC. */
export function parseItauIdBeneficiario(id: string): ItauAccount & { dac: number } {
  const s = requireDigits(id, 'id_beneficiario', 12);
  if (!s.startsWith('00', 4)) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'id_beneficiario',
      `id_beneficiario positions 5–6 must be 00 (7-digit conta), got ${s.slice(4, 6)}`,
    );
  }
  const agencia = s.slice(0, 4);
  const conta = s.slice(6, 11);
  const dac = Number(s[11]);
  const expected = mod10(agencia + conta);
  if (dac !== expected) {
    throw new DomainValidationError(
      'CHECK_DIGIT_MISMATCH',
      'id_beneficiario',
      `id_beneficiario account DAC is ${dac}, expected ${expected}`,
      { actual: dac, expected },
    );
  }
  return { agencia, conta, dac };
}

/** Path id for PATCH instructions: id_beneficiario + carteira + nosso número (§2.7), e.g. "15000005201211212345678". */
export function itauIdBoleto(t: ItauTitulo): string {
  const { carteira, nossoNumero } = titulo(t);
  return `${itauIdBeneficiario(t)}${carteira}${nossoNumero}`;
}

/**
 * Default width of the nosso-número part of the bolecode txid. The OpenAPI's description and example give 15
 * (31-char txid) while its regex says `^BL[0-9]{31}$` (33 chars) — unresolved [U] §2.5, hence a parameter.
 */
export const ITAU_TXID_NOSSO_NUMERO_WIDTH = 15;

/** Bolecode txid: "BL" + agência(4) + conta(7) + carteira(3) + nosso número zero-padded (§2.5). */
export function itauBolecodeTxid(t: ItauTitulo, nossoNumeroWidth: number = ITAU_TXID_NOSSO_NUMERO_WIDTH): string {
  const { agencia, conta } = account(t);
  const carteira = requireDigits(t.carteira, 'carteira', 3);
  const nn = requireDigits(t.nossoNumero, 'nossoNumero', nossoNumeroWidth, { pad: true });
  return `BL${agencia}00${conta}${carteira}${nn}`;
}

/** Itaú cash_management amounts: 17 digits with 2 implied decimals, e.g. R$ 10,00 → "00000000000001000" (§2.4). */
export const ITAU_IMPLIED_DECIMAL_DIGITS = 17;

export function centsToItauImplied(cents: Cents, width = ITAU_IMPLIED_DECIMAL_DIGITS, field = 'amountCents'): string {
  assertCents(cents, field);
  const s = String(cents);
  if (s.length > width)
    throw new DomainValidationError('OUT_OF_RANGE', field, `${field} ${cents} does not fit in ${width} digits`);
  return s.padStart(width, '0');
}

export function itauImpliedToCents(value: string, width = ITAU_IMPLIED_DECIMAL_DIGITS, field = 'amount'): Cents {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      field,
      `${field} must be ${width} digits with implied decimals, got ${JSON.stringify(value)}`,
    );
  }
  if (value.length !== width) {
    throw new DomainValidationError('INVALID_LENGTH', field, `${field} has ${value.length} digits, expected ${width}`);
  }
  const cents = Number(value);
  if (!Number.isSafeInteger(cents))
    throw new DomainValidationError('OUT_OF_RANGE', field, `${field} ${value} exceeds the safe integer range`);
  return cents;
}

/**
 * Either Itaú format on input (the simulator must accept both, §2.4): 17-digit implied decimals or "123.45".
 */
export function itauAmountToCents(value: string, field = 'amount'): Cents {
  return /^\d{17}$/.test(value)
    ? itauImpliedToCents(value, ITAU_IMPLIED_DECIMAL_DIGITS, field)
    : decimalStringToCents(value, field);
}
