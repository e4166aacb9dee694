/**
 * Sicoob (756) campo livre and nosso-número DV against public golden vectors (docs/banks/sicoob.md §"Boleto domain"):
 * - kivanio/brcobranca `spec/brcobranca/boleto/sicoob_spec.rb` @ 62649aeb83bd4687ee0ee53d08246a0992ea0677 (DV table,
 *   modalidade 01 and 05 linhas) and the manual's worked example quoted in `lib/brcobranca/boleto/sicoob.rb`
 *   @ bdbf746639f4628069d3d85e8f1ee28e7c3cedca (also in openboleto/openboleto `src/OpenBoleto/Banco/Sicoob.php`);
 * - openboleto/openboleto `tests/OpenBoleto/Banco/SicoobTest.php` @ 9d49c823d3f977b88d87ea35005565beb9e967e8;
 * - BoletoNet/BoletoNetCore `BoletoNetCore.Testes/Bancos/Sicoob/Carteiras/BancoSicoobCarteira1_01Tests.cs`
 *   @ 64ec77faf622d539e58939a0df153949f820420c (código do beneficiário 17227 + DV 8, agência 4277).
 */
import { describe, expect, it } from 'vitest';
import {
  barcodeToLinha,
  buildBarcode,
  decodeBoleto,
  formatSicoobNossoNumero,
  linhaToBarcode,
  parseBarcode,
  parseSicoobCampoLivre,
  SICOOB_BANK_CODE,
  sicoobCampoLivre,
  sicoobNossoNumeroDv,
  sicoobNossoNumeroFromFaixa,
} from '../../../src/domain';
import { domainError } from '../helpers';

const digits = (s: string): string => s.replace(/\D/g, '');

describe('Sicoob nosso-número DV ("constante 3197")', () => {
  it('sicoobNossoNumeroDv › the manual example (cooperativa 0001, cliente 1-9, nosso número 21) › 8', () => {
    expect(sicoobNossoNumeroDv({ cooperativa: '0001', codigoCliente: '19', nossoNumero: '21' })).toBe(8);
  });

  it('sicoobNossoNumeroDv › brcobranca table (cooperativa 4327, convênio 229385), nosso número 1..13 › 7,4,1,9,6,3,0,8,5,3,0,8,5', () => {
    const dv = (n: number): number =>
      sicoobNossoNumeroDv({ cooperativa: '4327', codigoCliente: '229385', nossoNumero: n });
    expect(Array.from({ length: 13 }, (_, i) => dv(i + 1))).toEqual([7, 4, 1, 9, 6, 3, 0, 8, 5, 3, 0, 8, 5]);
  });

  it('formatSicoobNossoNumero › OpenBoleto (agência 3069, convênio 153850, sequencial 203210) › "0203210-1"', () => {
    expect(formatSicoobNossoNumero({ cooperativa: '3069', codigoCliente: 153850, nossoNumero: '203210' })).toBe(
      '0203210-1',
    );
  });

  it('formatSicoobNossoNumero › BoletoNetCore (agência 4277, beneficiário 17227-8) › its nosso número column', () => {
    const f = (nn: string): string =>
      formatSicoobNossoNumero({ cooperativa: '4277', codigoCliente: '172278', nossoNumero: nn });
    expect(['4', '3', '6', '9', '7', '12349', '8', '5'].map(f)).toEqual([
      '0000004-0',
      '0000003-3',
      '0000006-5',
      '0000009-7',
      '0000007-2',
      '0012349-2',
      '0000008-0',
      '0000005-8',
    ]);
  });

  it('sicoobNossoNumeroDv › 8-digit nosso número › is refused with the field name', () => {
    expect(
      domainError(() => sicoobNossoNumeroDv({ cooperativa: '4327', codigoCliente: '229385', nossoNumero: '12345678' }))
        .message,
    ).toBe('nossoNumero must have 1 to 7 digits, got 8');
  });
});

describe('Sicoob campo livre and barcode', () => {
  it('sicoobCampoLivre › brcobranca modalidade 01 (R$ 50,00, 2016-02-18) › campo livre and linha', () => {
    const campoLivre = sicoobCampoLivre({ cooperativa: '4327', codigoCliente: '229385', nossoNumero: '2' });
    expect(campoLivre).toBe('1432701022938500000024001');
    const barcode = buildBarcode({ bankCode: SICOOB_BANK_CODE, dueDate: '2016-02-18', amountCents: 5000, campoLivre });
    expect(barcodeToLinha(barcode)).toBe(digits('75691.43279 01022.938508 00000.240010 2 67080000005000'));
  });

  it('sicoobCampoLivre › brcobranca modalidade 05 (agência 4134, convênio 148180, nosso número 110) › campo livre and linha', () => {
    const campoLivre = sicoobCampoLivre({
      cooperativa: '4134',
      codigoCliente: '148180',
      nossoNumero: '110',
      modalidade: '05',
    });
    expect(campoLivre).toBe('1413405014818000001104001');
    const barcode = buildBarcode({ bankCode: SICOOB_BANK_CODE, dueDate: '2017-04-15', amountCents: 23500, campoLivre });
    expect(barcodeToLinha(barcode)).toBe(digits('75691.41349 05014.818008 00011.040011 4 71300000023500'));
  });

  it('sicoobCampoLivre › OpenBoleto (R$ 1.575,75, 2018-05-25) › its linha digitável', () => {
    const campoLivre = sicoobCampoLivre({ cooperativa: '3069', codigoCliente: '153850', nossoNumero: '203210' });
    const barcode = buildBarcode({
      bankCode: SICOOB_BANK_CODE,
      dueDate: '2018-05-25',
      amountCents: 157575,
      campoLivre,
    });
    expect(barcodeToLinha(barcode)).toBe(digits('75691.30698 01015.385006 20321.010017 9 75350000157575'));
  });

  it('sicoobCampoLivre › BoletoNetCore rows › its barcodes and linhas', () => {
    const rows: [number, string, string, string, string][] = [
      [
        30000,
        '4',
        '2016-11-10',
        '75691697400000300001427701017227800000040001',
        '75691.42776 01017.227800 00000.400010 1 69740000030000',
      ],
      [
        30000,
        '3',
        '2017-03-27',
        '75692711100000300001427701017227800000033001',
        '75691.42776 01017.227800 00000.330019 2 71110000030000',
      ],
      [
        90000,
        '9',
        '2017-09-27',
        '75695729500000900001427701017227800000097001',
        '75691.42776 01017.227800 00000.970012 5 72950000090000',
      ],
      [
        401124,
        '12349',
        '2016-12-28',
        '75697702200004011241427701017227800123492001',
        '75691.42776 01017.227800 01234.920013 7 70220000401124',
      ],
      [
        40900,
        '5',
        '2016-12-08',
        '75699700200000409001427701017227800000058001',
        '75691.42776 01017.227800 00000.580019 9 70020000040900',
      ],
    ];
    for (const [cents, nn, due, barcode, linha] of rows) {
      const campoLivre = sicoobCampoLivre({ cooperativa: '4277', codigoCliente: '172278', nossoNumero: nn });
      expect(buildBarcode({ bankCode: SICOOB_BANK_CODE, dueDate: due, amountCents: cents, campoLivre })).toBe(barcode);
      expect(barcodeToLinha(barcode)).toBe(digits(linha));
    }
  });

  it('parseSicoobCampoLivre › a BoletoNetCore barcode decoded by the generic code › returns the parts', () => {
    const { bankCode, campoLivre } = parseBarcode(
      linhaToBarcode(digits('75691.42776 01017.227800 01234.920013 7 70220000401124')),
    );
    expect(bankCode).toBe(SICOOB_BANK_CODE);
    expect(parseSicoobCampoLivre(campoLivre)).toEqual({
      carteira: '1',
      cooperativa: '4277',
      modalidade: '01',
      codigoCliente: '0172278',
      nossoNumero: '0012349',
      nossoNumeroDv: 2,
      parcela: '001',
    });
  });

  it('decodeBoleto › a 756 linha › amount and due date from the generic decoder', () => {
    const d = decodeBoleto('75691.43279 01022.938508 00000.240010 2 67080000005000', { today: '2016-02-01' });
    expect(d).toMatchObject({
      bankCode: '756',
      amountCents: 5000,
      dueDate: '2016-02-18',
      campoLivre: '1432701022938500000024001',
    });
  });

  it('parseSicoobCampoLivre › wrong nosso-número DV › says position and expected digit', () => {
    expect(domainError(() => parseSicoobCampoLivre('1432701022938500000025001')).message).toBe(
      'Sicoob campo livre nosso número DV (position 22) is 5, expected 4',
    );
  });
});

describe('faixas-nosso-numero and the DV flag', () => {
  // The operation's description: flag 0 → 10..15 are used as 1-0 … 1-5; flag 1 → the DV is computed and appended.
  it('sicoobNossoNumeroFromFaixa › flag false › the number as it is', () => {
    expect(sicoobNossoNumeroFromFaixa(15, false, { cooperativa: '4327', codigoCliente: '229385' })).toBe(15);
  });

  it('sicoobNossoNumeroFromFaixa › flag true (brcobranca table) › n·10 + DV', () => {
    const b = { cooperativa: '4327', codigoCliente: '229385' };
    expect([10, 11, 12, 13].map((n) => sicoobNossoNumeroFromFaixa(n, true, b))).toEqual([103, 110, 128, 135]);
  });
});
