/**
 * CPF and CNPJ check digits, validation and formatting (bank-apis.md §3.5), including the alphanumeric CNPJ that
 * the Receita Federal issues from July 2026 (IN RFB 2.229/2024): 12 characters [0-9A-Z] valued ASCII − 48, then two
 * numeric DVs computed exactly as before, so every existing numeric CNPJ keeps its DVs.
 *
 * The check-digit arithmetic comes from cpf-cnpj-validator (`verifierDigit`, alphanumeric-aware). This module adds what
 * callers need on top: the *expected* DVs next to the found ones and a one-line reason, since the libraries only
 * answer true/false. @brazilian-utils/brazilian-utils, an independent implementation, is the oracle in the tests.
 */
import { cnpj as cnpjLib, cpf as cpfLib } from 'cpf-cnpj-validator';
import { DomainValidationError } from './errors';

/** Mask characters people type around documents. */
const MASK = /[\s.\-/]/g;

export interface DocumentInspection {
  kind: 'CPF' | 'CNPJ';
  valid: boolean;
  /** Input without mask, letters upper-cased. */
  normalized: string;
  /** Formatted when the shape allows it (even if the DVs are wrong), else null. */
  formatted: string | null;
  /** DVs found in the input (null when the shape is wrong). */
  checkDigits: string | null;
  /** DVs computed from the body (null when the shape is wrong). */
  expectedCheckDigits: string | null;
  /** Why it is invalid; null when valid. */
  reason: string | null;
}

// ── CPF ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The two DVs of a 9-digit CPF body: Σ dᵢ·(10..2) ×10 mod 11 (10 → 0), then over 10 digits with weights 11..2. */
export function cpfCheckDigits(body: string): string {
  if (!/^\d{9}$/.test(body))
    throw new DomainValidationError('INVALID_FORMAT', 'cpf', `CPF body must be 9 digits, got ${JSON.stringify(body)}`);
  const d1 = cpfLib.verifierDigit(body);
  return `${d1}${cpfLib.verifierDigit(body + d1)}`;
}

export function inspectCpf(value: string): DocumentInspection {
  const normalized = String(value).replace(MASK, '');
  const base = { kind: 'CPF' as const, normalized, formatted: null, checkDigits: null, expectedCheckDigits: null };
  const bad = /[^0-9]/.exec(normalized);
  if (bad) return { ...base, valid: false, reason: `CPF has bad character ${JSON.stringify(bad[0])}` };
  if (normalized.length !== 11)
    return { ...base, valid: false, reason: `CPF must have 11 digits, got ${normalized.length}` };
  const formatted = `${normalized.slice(0, 3)}.${normalized.slice(3, 6)}.${normalized.slice(6, 9)}-${normalized.slice(9)}`;
  const checkDigits = normalized.slice(9);
  const expected = cpfCheckDigits(normalized.slice(0, 9));
  const full = { ...base, formatted, checkDigits, expectedCheckDigits: expected };
  if (/^(\d)\1{10}$/.test(normalized))
    return { ...full, valid: false, reason: 'CPF with all digits equal is not valid' };
  if (checkDigits !== expected)
    return { ...full, valid: false, reason: `CPF check digits are ${checkDigits}, expected ${expected}` };
  return { ...full, valid: true, reason: null };
}

export function isValidCpf(value: string): boolean {
  return inspectCpf(value).valid;
}

/** Returns the 11 digits (mask removed) or throws with the reason. */
export function validateCpf(value: string, field = 'cpf'): string {
  const r = inspectCpf(value);
  if (!r.valid)
    throw new DomainValidationError(
      r.checkDigits === null ? 'INVALID_FORMAT' : 'CHECK_DIGIT_MISMATCH',
      field,
      r.reason ?? 'invalid CPF',
      { actual: r.checkDigits, expected: r.expectedCheckDigits },
    );
  return r.normalized;
}

export function formatCpf(value: string): string {
  return inspectCpf(validateCpf(value)).formatted ?? '';
}

// ── CNPJ ─────────────────────────────────────────────────────────────────────────────────────────────────────────

/** The two numeric DVs of a 12-character CNPJ body ([0-9A-Z], value = ASCII − 48; r = Σ mod 11; dv = r < 2 ? 0 : 11 − r). */
export function cnpjCheckDigits(body: string): string {
  if (!/^[0-9A-Z]{12}$/.test(body)) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'cnpj',
      `CNPJ body must be 12 characters 0-9/A-Z, got ${JSON.stringify(body)}`,
    );
  }
  const d1 = cnpjLib.verifierDigit(body);
  return `${d1}${cnpjLib.verifierDigit(body + d1)}`;
}

export interface CnpjOptions {
  /** Accept letters in the 12-character body (RFB alphanumeric CNPJ, issued from July 2026). Default true. */
  alphanumeric?: boolean;
}

export function inspectCnpj(value: string, options: CnpjOptions = {}): DocumentInspection {
  const alnum = options.alphanumeric ?? true;
  const normalized = String(value).replace(MASK, '').toUpperCase();
  const base = { kind: 'CNPJ' as const, normalized, formatted: null, checkDigits: null, expectedCheckDigits: null };
  const badBody = alnum ? /[^0-9A-Z]/.exec(normalized.slice(0, 12)) : /[^0-9]/.exec(normalized.slice(0, 12));
  if (badBody) {
    const why = !alnum && /[A-Z]/.test(badBody[0]) ? ' (alphanumeric CNPJ not accepted here)' : '';
    return { ...base, valid: false, reason: `CNPJ has bad character ${JSON.stringify(badBody[0])}${why}` };
  }
  const badDv = /[^0-9]/.exec(normalized.slice(12));
  if (badDv)
    return { ...base, valid: false, reason: `CNPJ check digits must be numeric, got ${JSON.stringify(badDv[0])}` };
  if (normalized.length !== 14)
    return { ...base, valid: false, reason: `CNPJ must have 14 characters, got ${normalized.length}` };
  const n = normalized;
  const formatted = `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5, 8)}/${n.slice(8, 12)}-${n.slice(12)}`;
  const checkDigits = n.slice(12);
  const expected = cnpjCheckDigits(n.slice(0, 12));
  const full = { ...base, formatted, checkDigits, expectedCheckDigits: expected };
  if (/^(.)\1{13}$/.test(n)) return { ...full, valid: false, reason: 'CNPJ with all characters equal is not valid' };
  if (checkDigits !== expected)
    return { ...full, valid: false, reason: `CNPJ check digits are ${checkDigits}, expected ${expected}` };
  return { ...full, valid: true, reason: null };
}

export function isValidCnpj(value: string, options: CnpjOptions = {}): boolean {
  return inspectCnpj(value, options).valid;
}

/** Returns the 14 characters (mask removed, upper-cased) or throws with the reason. */
export function validateCnpj(value: string, options: CnpjOptions = {}, field = 'cnpj'): string {
  const r = inspectCnpj(value, options);
  if (!r.valid)
    throw new DomainValidationError(
      r.checkDigits === null ? 'INVALID_FORMAT' : 'CHECK_DIGIT_MISMATCH',
      field,
      r.reason ?? 'invalid CNPJ',
      { actual: r.checkDigits, expected: r.expectedCheckDigits },
    );
  return r.normalized;
}

/** "12ABC34501DE35" → "12.ABC.345/01DE-35". */
export function formatCnpj(value: string, options: CnpjOptions = {}): string {
  return inspectCnpj(validateCnpj(value, options), options).formatted ?? '';
}

// ── Either ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** Payer/beneficiary document: 11 characters → CPF, 14 → CNPJ (after removing the mask). */
export function inspectCpfOrCnpj(value: string, options: CnpjOptions = {}): DocumentInspection {
  return String(value).replace(MASK, '').length === 11 ? inspectCpf(value) : inspectCnpj(value, options);
}

export function validateCpfOrCnpj(
  value: string,
  options: CnpjOptions = {},
  field = 'document',
): { kind: 'CPF' | 'CNPJ'; value: string } {
  const r = inspectCpfOrCnpj(value, options);
  if (!r.valid)
    throw new DomainValidationError(
      r.checkDigits === null ? 'INVALID_FORMAT' : 'CHECK_DIGIT_MISMATCH',
      field,
      r.reason ?? 'invalid document',
      { actual: r.checkDigits, expected: r.expectedCheckDigits },
    );
  return { kind: r.kind, value: r.normalized };
}
