import { getPixPayloadInfo } from '@brazilian-utils/brazilian-utils/get-pix-payload-info';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildDynamicPix,
  buildPixFromFields,
  buildStaticPix,
  crc16CcittFalse,
  parsePix,
  parseTlv,
} from '../../src/domain';
import { domainError } from './helpers';

/** Real payloads found in public code (BCB manual example; Banco do Brasil sandbox bolecodes; a static QR test). */
const BCB_MANUAL =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const BB_BOLECODE =
  '00020101021226920014br.gov.bcb.pix2570qrcodepix-h.bb.com.br/pix/v2/cobv/299a3f47-7f18-44ec-9711-bfaaa4658da7520400005303986540512.345802BR5919PADARIA PESSOA ROSA6008BRASILIA62070503***6304A171';
const BB_DYNAMIC =
  '00020101021226870014br.gov.bcb.pix2565qrcodepix-h.bb.com.br/pix/v2/326290b4-a392-4535-b91e-e70d586b82c9520400005303986540512.345802BR5921PAPELARIA LEITE CUNHA6012RONDONOPOLIS62070503***63044BDA';
const STATIC_TXID =
  '00020101021226330014br.gov.bcb.pix011111999999999520400005303986540512.345802BR5913JOAO DA SILVA6009SAO PAULO62100506ABC1236304A35A';

describe('CRC16-CCITT-FALSE', () => {
  it('crc16CcittFalse › the standard check string "123456789" › is 29B1', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('crc16CcittFalse › every real payload › matches its own CRC field', () => {
    for (const p of [BCB_MANUAL, BB_BOLECODE, BB_DYNAMIC, STATIC_TXID])
      expect(crc16CcittFalse(p.slice(0, -4))).toBe(p.slice(-4));
  });
});

describe('parsePix', () => {
  it('parsePix › BCB manual static example › key, name, city, no amount, no txid', () => {
    expect(parsePix(BCB_MANUAL)).toMatchObject({
      kind: 'static',
      key: '123e4567-e12b-12d1-a456-426655440000',
      merchantName: 'Fulano de Tal',
      merchantCity: 'BRASILIA',
      amountCents: null,
      txid: null,
      pointOfInitiation: null,
    });
  });

  it('parsePix › Banco do Brasil bolecode (dynamic with amount) › location URL and R$ 12,34', () => {
    expect(parsePix(BB_BOLECODE)).toMatchObject({
      kind: 'dynamic',
      pointOfInitiation: '12',
      url: 'qrcodepix-h.bb.com.br/pix/v2/cobv/299a3f47-7f18-44ec-9711-bfaaa4658da7',
      key: null,
      amountCents: 1234,
    });
  });

  it('parsePix › static with txid › reads 62-05', () => {
    expect(parsePix(STATIC_TXID)).toMatchObject({
      kind: 'static',
      singleUse: true,
      key: '11999999999',
      txid: 'ABC123',
      amountCents: 1234,
      merchantCity: 'SAO PAULO',
    });
  });

  it('parsePix › one CRC digit changed › says the CRC found and the one expected', () => {
    const e = domainError(() => parsePix(`${BCB_MANUAL.slice(0, -1)}E`));
    expect(e.code).toBe('CRC_MISMATCH');
    expect(e.message).toBe('Pix payload CRC is 1D3E, expected 1D3D');
  });

  it('parsePix › a body character changed › fails the CRC', () => {
    expect(domainError(() => parsePix(BCB_MANUAL.replace('Fulano', 'Fulana'))).code).toBe('CRC_MISMATCH');
  });

  it('parsePix › truncated (no CRC field) › says the CRC field is missing', () => {
    expect(domainError(() => parsePix(BCB_MANUAL.slice(0, -8))).message).toMatch(/must end with the CRC field 6304/);
  });

  it('parsePix › a TLV length that overruns (with a valid CRC) › names the field and offset', () => {
    const bad = buildPixFromFields([
      ['00', '01'],
      [
        '26',
        [
          ['00', 'br.gov.bcb.pix'],
          ['01', 'k'],
        ],
      ],
    ]).replace('0014br', '0099br');
    const fixed = bad.slice(0, -4) + crc16CcittFalse(bad.slice(0, -4));
    expect(domainError(() => parsePix(fixed)).message).toMatch(/field 26: field 00 at offset 10 declares length 99/);
  });

  it('parsePix › wrong currency › says 53 must be 986', () => {
    const p = buildPixFromFields([
      ['00', '01'],
      [
        '26',
        [
          ['00', 'br.gov.bcb.pix'],
          ['01', 'k'],
        ],
      ],
      ['52', '0000'],
      ['53', '840'],
      ['58', 'BR'],
      ['59', 'X'],
      ['60', 'Y'],
    ]);
    expect(domainError(() => parsePix(p)).message).toBe('Pix currency (53) must be 986 (BRL), got "840"');
  });

  it('parsePix › no Pix merchant account template › says which GUI is missing', () => {
    const p = buildPixFromFields([
      ['00', '01'],
      [
        '26',
        [
          ['00', 'com.example'],
          ['01', 'k'],
        ],
      ],
      ['52', '0000'],
      ['53', '986'],
      ['58', 'BR'],
      ['59', 'X'],
      ['60', 'Y'],
    ]);
    expect(domainError(() => parsePix(p)).message).toBe(
      'Pix payload has no merchant account template (26–51) with GUI br.gov.bcb.pix',
    );
  });

  it('parseTlv › nested templates › are expanded', () => {
    expect(parseTlv('26180014br.gov.bcb.pix')[0]?.children).toEqual([{ id: '00', value: 'br.gov.bcb.pix' }]);
  });
});

describe('building Pix payloads (brazilian-utils generatePixPayload)', () => {
  it('buildStaticPix › key + amount + txid › parses back to the same fields', () => {
    const emv = buildStaticPix({
      key: '12345678000195',
      merchantName: 'Empresa Exemplo Ltda',
      merchantCity: 'São Paulo',
      amountCents: 675787,
      txid: 'PEDIDO10152',
    });
    expect(parsePix(emv)).toMatchObject({
      kind: 'static',
      key: '12345678000195',
      amountCents: 675787,
      txid: 'PEDIDO10152',
      merchantCity: 'Sao Paulo',
    });
  });

  it('buildStaticPix › R$ 0,30 from 10 + 20 cents › writes "0.30" exactly', () => {
    const emv = buildStaticPix({
      key: 'fulano@example.com',
      merchantName: 'Fulano',
      merchantCity: 'Brasilia',
      amountCents: 10 + 20,
    });
    expect(emv).toContain('54040.30');
  });

  it('buildDynamicPix › a cob location › sets 01=12, 26-25 URL without scheme and txid ***', () => {
    const emv = buildDynamicPix({
      locationUrl: 'https://pix.example.com/qr/v2/cobv/abc123',
      merchantName: 'Loja',
      merchantCity: 'Recife',
    });
    expect(emv).toContain('010212');
    expect(emv).toContain('62070503***');
    expect(parsePix(emv)).toMatchObject({
      kind: 'dynamic',
      url: 'pix.example.com/qr/v2/cobv/abc123',
      amountCents: null,
      txid: null,
    });
  });

  it('buildStaticPix › Itaú bolecode txid (31 chars) › is refused: BR Code 62-05 holds at most 25', () => {
    expect(
      domainError(() =>
        buildStaticPix({
          key: 'a@b.com',
          merchantName: 'A',
          merchantCity: 'B',
          txid: 'BL99990000000109123456789012345',
        }),
      ).message,
    ).toMatch(/1–25 letters\/digits/);
  });

  it('buildStaticPix › invalid key › says which key kinds are accepted', () => {
    expect(
      domainError(() => buildStaticPix({ key: 'not a key', merchantName: 'A', merchantCity: 'B' })).message,
    ).toMatch(/is not a CPF, CNPJ, e-mail, \+55 phone or random \(UUID\) key/);
  });

  it('buildStaticPix › zero amount › is refused with a hint', () => {
    expect(
      domainError(() => buildStaticPix({ key: 'a@b.com', merchantName: 'A', merchantCity: 'B', amountCents: 0 }))
        .message,
    ).toMatch(/greater than zero/);
  });

  it('round trip › random static payloads › parse back, and brazilian-utils reads the same fields', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_999_999_999 }),
        fc.stringMatching(/^[A-Za-z0-9]{1,25}$/),
        fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,30}$/),
        (cents, txid, name) => {
          const emv = buildStaticPix({
            key: '123e4567-e12b-12d1-a456-426655440000',
            merchantName: name,
            merchantCity: 'Brasilia',
            amountCents: cents,
            txid,
          });
          const ours = parsePix(emv);
          expect(ours).toMatchObject({ amountCents: cents, txid, key: '123e4567-e12b-12d1-a456-426655440000' });
          const theirs = getPixPayloadInfo(emv);
          expect(theirs?.txid).toBe(txid);
          expect(Math.round((theirs?.amount ?? 0) * 100)).toBe(cents);
          expect(theirs?.merchantName).toBe(ours.merchantName);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('shortfall › brazilian-utils › getPixPayloadInfo returns null for a wrong CRC without saying why', () => {
    const broken = `${BCB_MANUAL.slice(0, -1)}E`;
    expect(getPixPayloadInfo(broken)).toBeNull();
    expect(() => parsePix(broken)).toThrow('Pix payload CRC is 1D3E, expected 1D3D');
  });
});
