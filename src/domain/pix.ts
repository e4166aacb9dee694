/**
 * Pix BR Code (EMV® MPM) payloads — the "Pix copia e cola" string behind a QR code (bank-apis.md §3.6).
 *
 * Building uses @brazilian-utils/brazilian-utils `generatePixPayload` (current BCB manual: dynamic = 26-25 location
 * + 01=12, static = 26-01 key, name/city folded to ASCII and cut to 25/15, DICT key normalisation, CRC). We check the
 * inputs first so a refusal comes with a reason, because the library only returns null.
 *
 * Parsing is our own: the library's parser also returns null without saying why, and the API/CLI must say
 * "CRC is 1D3E, expected 1D3D" or which TLV field is broken.
 *
 * TLV = ID(2 digits) + LEN(2 digits) + VALUE. Lengths are counted in characters (the BR Code character set is ASCII).
 */
import { generatePixPayload } from '@brazilian-utils/brazilian-utils/generate-pix-payload';
import { crc16CcittFalse } from './crc16';
import { DomainValidationError } from './errors';
import { assertCents, centsToDecimalString, decimalStringToCents, type Cents } from './money';

export const PIX_GUI = 'br.gov.bcb.pix';

export interface TlvField {
  id: string;
  value: string;
  /** Sub-fields for templates (26–51 merchant account, 62 additional data, 80–99), else absent. */
  children?: TlvField[];
}

export interface ParsedPix {
  /** "dynamic" when it carries a PSP location (26-25), "static" when it carries a key (26-01). */
  kind: 'static' | 'dynamic';
  /** Field 01: '11' reusable, '12' single use, null when absent (it is optional). */
  pointOfInitiation: string | null;
  /** 01 = 12: "só pode ser utilizado uma vez" (some static key payloads set it too). */
  singleUse: boolean;
  /** Static: the receiver's DICT key (26-01). */
  key: string | null;
  /** Dynamic: the PSP location without scheme (26-25); the amount and txid then live in the JSON it points to. */
  url: string | null;
  /** 26-02 free text. */
  description: string | null;
  merchantCategoryCode: string;
  currency: string;
  /** Field 54 in cents, null when absent (payer types it). */
  amountCents: Cents | null;
  countryCode: string;
  merchantName: string;
  merchantCity: string;
  postalCode: string | null;
  /** 62-05; null when absent or the "***" marker. */
  txid: string | null;
  crc: string;
  /** The raw top-level fields, templates expanded. */
  fields: TlvField[];
}

const TEMPLATE_IDS = (id: number): boolean => (id >= 26 && id <= 51) || id === 62 || (id >= 80 && id <= 99);

function fail(
  code: 'INVALID_FORMAT' | 'MISSING_FIELD' | 'CRC_MISMATCH' | 'INVALID_LENGTH',
  field: string,
  message: string,
  details: Record<string, string | number | null> = {},
): never {
  throw new DomainValidationError(code, field, message, details);
}

/** Splits a TLV string; `where` names the template in messages ("payload", "field 26"…). */
export function parseTlv(text: string, where = 'payload', offsetBase = 0): TlvField[] {
  const fields: TlvField[] = [];
  let i = 0;
  while (i < text.length) {
    const at = offsetBase + i;
    if (i + 4 > text.length)
      fail(
        'INVALID_FORMAT',
        'pix',
        `Pix ${where}: truncated TLV header at offset ${at} (${JSON.stringify(text.slice(i))})`,
        { offset: at },
      );
    const id = text.slice(i, i + 2);
    const lenText = text.slice(i + 2, i + 4);
    if (!/^\d{2}$/.test(id))
      fail('INVALID_FORMAT', 'pix', `Pix ${where}: field id ${JSON.stringify(id)} at offset ${at} is not 2 digits`, {
        offset: at,
      });
    if (!/^\d{2}$/.test(lenText))
      fail(
        'INVALID_FORMAT',
        'pix',
        `Pix ${where}: field ${id} at offset ${at} has non-numeric length ${JSON.stringify(lenText)}`,
        { offset: at },
      );
    const len = Number(lenText);
    if (i + 4 + len > text.length) {
      fail(
        'INVALID_LENGTH',
        'pix',
        `Pix ${where}: field ${id} at offset ${at} declares length ${len} but only ${text.length - i - 4} characters remain`,
        { offset: at, id },
      );
    }
    const value = text.slice(i + 4, i + 4 + len);
    const field: TlvField = { id, value };
    if (where === 'payload' && TEMPLATE_IDS(Number(id))) field.children = parseTlv(value, `field ${id}`, at + 4);
    fields.push(field);
    i += 4 + len;
  }
  return fields;
}

function tlv(id: string, value: string): string {
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/** Appends "6304" + CRC to a payload body (everything before field 63). */
export function withPixCrc(body: string): string {
  const prefix = `${body}6304`;
  return prefix + crc16CcittFalse(prefix);
}

/** Parses and validates a BR Code; throws a DomainValidationError that says exactly what is wrong. */
export function parsePix(payload: string): ParsedPix {
  if (typeof payload !== 'string' || payload.length === 0) fail('INVALID_FORMAT', 'pix', 'Pix payload is empty');
  const emv = payload.trim();
  const crcField = /6304([0-9A-Fa-f]{4})$/.exec(emv);
  if (!crcField)
    fail(
      'MISSING_FIELD',
      'pix.crc',
      `Pix payload must end with the CRC field 6304 + 4 hex digits, got ${JSON.stringify(emv.slice(-8))}`,
    );
  const actual = (crcField[1] ?? '').toUpperCase();
  const expected = crc16CcittFalse(emv.slice(0, -4));
  if (actual !== expected)
    fail('CRC_MISMATCH', 'pix.crc', `Pix payload CRC is ${actual}, expected ${expected}`, { actual, expected });

  const fields = parseTlv(emv);
  const top = (id: string): TlvField | undefined => fields.find((f) => f.id === id);
  const need = (id: string, name: string): string => {
    const f = top(id);
    if (!f || f.value.length === 0) fail('MISSING_FIELD', `pix.${id}`, `Pix payload lacks field ${id} (${name})`);
    return f.value;
  };
  if (fields[0]?.id !== '00')
    fail('INVALID_FORMAT', 'pix.00', 'Pix payload must start with field 00 (payload format indicator)');
  if (need('00', 'payload format indicator') !== '01')
    fail(
      'INVALID_FORMAT',
      'pix.00',
      `Pix payload format indicator (00) must be 01, got ${JSON.stringify(top('00')?.value)}`,
    );
  if (fields[fields.length - 1]?.id !== '63')
    fail('INVALID_FORMAT', 'pix.63', 'Pix payload CRC field 63 must be the last field');

  const poi = top('01')?.value ?? null;
  if (poi !== null && poi !== '11' && poi !== '12')
    fail('INVALID_FORMAT', 'pix.01', `Pix point of initiation (01) must be 11 or 12, got ${JSON.stringify(poi)}`);

  const account = fields.find(
    (f) =>
      TEMPLATE_IDS(Number(f.id)) &&
      Number(f.id) <= 51 &&
      f.children?.find((c) => c.id === '00')?.value.toLowerCase() === PIX_GUI,
  );
  if (!account)
    fail('MISSING_FIELD', 'pix.26', `Pix payload has no merchant account template (26–51) with GUI ${PIX_GUI}`);
  const sub = (id: string): string | null => account.children?.find((c) => c.id === id)?.value ?? null;
  const key = sub('01');
  const url = sub('25');
  if ((key === null) === (url === null)) {
    fail(
      'INVALID_FORMAT',
      `pix.${account.id}`,
      `Pix merchant account (${account.id}) must carry exactly one of a key (01) or a location URL (25)`,
    );
  }

  const currency = need('53', 'transaction currency');
  if (currency !== '986')
    fail('INVALID_FORMAT', 'pix.53', `Pix currency (53) must be 986 (BRL), got ${JSON.stringify(currency)}`);
  const country = need('58', 'country code');
  if (country !== 'BR')
    fail('INVALID_FORMAT', 'pix.58', `Pix country code (58) must be BR, got ${JSON.stringify(country)}`);
  const amountText = top('54')?.value;
  let amountCents: Cents | null = null;
  if (amountText !== undefined) {
    try {
      amountCents = decimalStringToCents(amountText, 'pix.54');
    } catch {
      fail('INVALID_FORMAT', 'pix.54', `Pix amount (54) must look like 123.45, got ${JSON.stringify(amountText)}`);
    }
  }
  const additional = top('62')?.children ?? [];
  const txidRaw = additional.find((c) => c.id === '05')?.value ?? null;

  return {
    kind: url !== null ? 'dynamic' : 'static',
    pointOfInitiation: poi,
    singleUse: poi === '12',
    key,
    url,
    description: sub('02'),
    merchantCategoryCode: need('52', 'merchant category code'),
    currency,
    amountCents,
    countryCode: country,
    merchantName: need('59', 'merchant name'),
    merchantCity: need('60', 'merchant city'),
    postalCode: top('61')?.value ?? null,
    txid: txidRaw === null || txidRaw === '***' ? null : txidRaw,
    crc: actual,
    fields,
  };
}

interface PixMerchant {
  /** Receiver name; folded to ASCII and cut to 25 characters by the generator. */
  merchantName: string;
  /** Receiver city; folded to ASCII and cut to 15 characters. */
  merchantCity: string;
}

export interface StaticPixInput extends PixMerchant {
  /** DICT key: CPF, CNPJ, e-mail, +55 phone or EVP (UUID). */
  key: string;
  /** Omit to let the payer type the amount. Must be > 0. */
  amountCents?: Cents;
  /** 1–25 of [A-Za-z0-9]; omit for "***". */
  txid?: string;
  description?: string;
}

export interface DynamicPixInput extends PixMerchant {
  /** PSP location (the cob's `location`); a leading https:// is removed, as the BR Code carries it without scheme. */
  locationUrl: string;
}

function checkMerchant(input: PixMerchant): void {
  if (typeof input.merchantName !== 'string' || input.merchantName.trim() === '')
    fail('MISSING_FIELD', 'merchantName', 'Pix merchantName is required');
  if (typeof input.merchantCity !== 'string' || input.merchantCity.trim() === '')
    fail('MISSING_FIELD', 'merchantCity', 'Pix merchantCity is required');
}

/** Static BR Code (key + optional amount + optional txid). */
export function buildStaticPix(input: StaticPixInput): string {
  checkMerchant(input);
  if (typeof input.key !== 'string' || input.key.trim() === '') fail('MISSING_FIELD', 'key', 'Pix key is required');
  if (input.amountCents !== undefined) {
    assertCents(input.amountCents, 'amountCents');
    if (input.amountCents === 0)
      fail('INVALID_FORMAT', 'amountCents', 'Pix amount must be greater than zero (omit it to let the payer type it)');
  }
  if (input.txid !== undefined && !/^[A-Za-z0-9]{1,25}$/.test(input.txid)) {
    fail(
      'INVALID_FORMAT',
      'txid',
      `Pix static txid must be 1–25 letters/digits, got ${JSON.stringify(input.txid)} (${input.txid.length} chars)`,
    );
  }
  const payload = generatePixPayload({
    key: input.key,
    merchantName: input.merchantName,
    merchantCity: input.merchantCity,
    ...(input.amountCents !== undefined ? { amount: Number(centsToDecimalString(input.amountCents)) } : {}),
    ...(input.txid !== undefined ? { txid: input.txid } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
  });
  if (payload === null) {
    fail(
      'INVALID_FORMAT',
      'key',
      `Pix key ${JSON.stringify(input.key)} is not a CPF, CNPJ, e-mail, +55 phone or random (UUID) key`,
    );
  }
  return payload;
}

/** Dynamic BR Code pointing at a PSP location (01 = 12, 26-25 = URL, 62-05 = ***). */
export function buildDynamicPix(input: DynamicPixInput): string {
  checkMerchant(input);
  const url = typeof input.locationUrl === 'string' ? input.locationUrl.trim().replace(/^https:\/\//i, '') : '';
  if (url === '') fail('MISSING_FIELD', 'locationUrl', 'Pix locationUrl is required');
  const payload = generatePixPayload({ url, merchantName: input.merchantName, merchantCity: input.merchantCity });
  if (payload === null) {
    fail(
      'INVALID_FORMAT',
      'locationUrl',
      `Pix locationUrl ${JSON.stringify(url)} must be host/path without scheme, at most 77 characters`,
    );
  }
  return payload;
}

/** Low-level builder for payloads the generator will not write (tests, simulators mimicking a bank's EMV). */
export function buildPixFromFields(
  fields: ReadonlyArray<readonly [string, string | ReadonlyArray<readonly [string, string]>]>,
): string {
  const body = fields
    .map(([id, v]) => tlv(id, typeof v === 'string' ? v : v.map(([sid, sv]) => tlv(sid, sv)).join('')))
    .join('');
  return withPixCrc(body);
}
