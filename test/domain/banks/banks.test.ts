import { describe, expect, it } from 'vitest';
import {
  bs2CampoLivre,
  BS2_OBSERVED_LAYOUT,
  buildBarcode,
  formatItauNossoNumero,
  itauAccountDac,
  itauBolecodeTxid,
  itauCampoLivre,
  itauIdBeneficiario,
  itauIdBoleto,
  itauNossoNumeroDac,
  mod10,
  mod11Barcode,
  parseBarcode,
  parseBs2CampoLivre,
  parseItauCampoLivre,
  parseItauIdBeneficiario,
} from '../../../src/domain';
import { domainError } from '../helpers';

// Vectors from kivanio/brcobranca spec/brcobranca/boleto/itau_spec.rb (agência 0810, conta 53678 unless noted).
const BASE = { agencia: '0810', conta: '53678' };

describe('Itaú campo livre (§3.4)', () => {
  it('itauCampoLivre › carteira 175, nosso número 12345678 › matches brcobranca', () => {
    expect(itauCampoLivre({ ...BASE, carteira: '175', nossoNumero: '12345678' })).toBe('1751234567840810536789000');
  });

  it('itauCampoLivre › short nosso número 258281 › is zero-padded to 8', () => {
    expect(itauCampoLivre({ ...BASE, carteira: '175', nossoNumero: '258281' })).toBe('1750025828170810536789000');
  });

  it('itauCampoLivre › exception carteira 168 › DAC uses only carteira + nosso número (brcobranca util/itau.rb)', () => {
    expect(itauNossoNumeroDac({ ...BASE, carteira: '168', nossoNumero: '258281' })).toBe(mod10('16800258281'));
    expect(itauCampoLivre({ ...BASE, carteira: '168', nossoNumero: '258281' })).toBe('1680025828100810536789000');
  });

  it('itauCampoLivre › brcobranca spec vector for 168 (full-formula DAC 2) › is reproduced only with the exception list emptied', () => {
    // brcobranca's itau_spec.rb expects DAC 2 for carteira 168, while its util/itau.rb (and bank-apis.md §3.4) list 168
    // as an exception (DAC 0 here). The spec vector dates from when carteira was compared as an integer and the
    // exception never applied. The list is third-party knowledge, hence the dacExceptionCarteiras parameter.
    expect(itauCampoLivre({ ...BASE, carteira: '168', nossoNumero: '258281' }, { dacExceptionCarteiras: [] })).toBe(
      '1680025828120810536789000',
    );
  });

  it('itauCampoLivre › carteira 109 (agência 1248, conta 02124) › builds the brcobranca 2029 barcode', () => {
    const campoLivre = itauCampoLivre({ agencia: '1248', conta: '02124', carteira: '109', nossoNumero: '00010152' });
    expect(campoLivre).toBe('1090001015271248021246000');
    expect(buildBarcode({ bankCode: '341', dueDate: '2029-05-20', amountCents: 675787, campoLivre })).toBe(
      '34194254800006757871090001015271248021246000',
    );
  });

  it('itauNossoNumeroDac › brcobranca DV table › 6, 4, 5, 7', () => {
    const dac = (nn: string): number => itauNossoNumeroDac({ ...BASE, carteira: '175', nossoNumero: nn });
    expect([dac('00015448'), dac('15448'), dac('12345678'), dac('34230'), dac('258281')]).toEqual([6, 6, 4, 5, 7]);
  });

  it('itauNossoNumeroDac › exception list overridden [3P] › follows the parameter', () => {
    const t = { ...BASE, carteira: '109', nossoNumero: '12345678' };
    expect(itauNossoNumeroDac(t, { dacExceptionCarteiras: ['109'] })).toBe(mod10('10912345678'));
    expect(itauNossoNumeroDac(t)).toBe(mod10('081053678' + '10912345678'));
  });

  it('itauAccountDac › brcobranca agência/conta table › 0, 6, 7, 8', () => {
    expect(itauAccountDac({ agencia: '0607', conta: '15255' })).toBe(0);
    expect(itauAccountDac({ agencia: '1547', conta: '85547' })).toBe(6);
    expect(itauAccountDac({ agencia: '1547', conta: '10207' })).toBe(7);
    expect(itauAccountDac({ agencia: '0811', conta: '53678' })).toBe(8);
  });

  it('formatItauNossoNumero › as printed › "175/12345678-4"', () => {
    expect(formatItauNossoNumero({ agencia: '0607', conta: '15255', carteira: '175', nossoNumero: '12345678' })).toBe(
      '175/12345678-4',
    );
  });

  it('parseItauCampoLivre › valid campo livre › returns the parts', () => {
    expect(parseItauCampoLivre('1090001015271248021246000')).toEqual({
      carteira: '109',
      nossoNumero: '00010152',
      nossoNumeroDac: 7,
      agencia: '1248',
      conta: '02124',
      accountDac: 6,
    });
  });

  it('parseItauCampoLivre › wrong nosso número DAC › says position and expected digit', () => {
    expect(domainError(() => parseItauCampoLivre('1090001015281248021246000')).message).toBe(
      'Itaú campo livre nosso número DAC (position 12) is 8, expected 7',
    );
  });

  it('itauCampoLivre › seu-número layout carteira 198 › is unsupported', () => {
    expect(domainError(() => itauCampoLivre({ ...BASE, carteira: '198', nossoNumero: '1' })).code).toBe('UNSUPPORTED');
  });

  it('itauCampoLivre › 9-digit nosso número › is refused with the field name', () => {
    expect(domainError(() => itauCampoLivre({ ...BASE, carteira: '109', nossoNumero: '123456789' })).message).toBe(
      'nossoNumero must have 1 to 8 digits, got 9',
    );
  });
});

describe('Itaú identifiers (§2.4, §2.5, §2.7)', () => {
  it('itauIdBeneficiario › agência 1500, conta 05206 › is the documented "150000052061"', () => {
    expect(itauIdBeneficiario({ agencia: '1500', conta: '05206' })).toBe('150000052061');
    expect(parseItauIdBeneficiario('150000052061')).toEqual({ agencia: '1500', conta: '05206', dac: 1 });
  });

  it('parseItauIdBeneficiario › wrong DAC › is rejected with the expected digit', () => {
    expect(domainError(() => parseItauIdBeneficiario('150000052062')).message).toBe(
      'id_beneficiario account DAC is 2, expected 1',
    );
  });

  it('itauIdBoleto › the OpenAPI example › "15000005201211212345678"', () => {
    expect(itauIdBoleto({ agencia: '1500', conta: '0005201', carteira: '112', nossoNumero: '12345678' })).toBe(
      '15000005201211212345678',
    );
  });

  it('itauBolecodeTxid › the OpenAPI example › "BL99990000000109123456789012345" (31 chars)', () => {
    const txid = itauBolecodeTxid({ agencia: '9999', conta: '00000', carteira: '109', nossoNumero: '123456789012345' });
    expect(txid).toBe('BL99990000000109123456789012345');
    expect(txid).toHaveLength(31);
  });

  it('itauBolecodeTxid › padding width 17 [U] › matches the OpenAPI regex ^BL[0-9]{31}$', () => {
    const txid = itauBolecodeTxid({ agencia: '1500', conta: '05206', carteira: '109', nossoNumero: '12345678' }, 17);
    expect(txid).toMatch(/^BL[0-9]{31}$/);
    expect(itauBolecodeTxid({ agencia: '1500', conta: '05206', carteira: '109', nossoNumero: '12345678' })).toBe(
      'BL15000005206109000000012345678',
    );
  });
});

describe('BS2 campo livre (§1.11, structure [U])', () => {
  const FIXTURE = '21891854700000023500010003135853801100281538';

  it('bs2CampoLivre › the S10 fixture parts › rebuild the real BS2 barcode', () => {
    const campoLivre = bs2CampoLivre({ accountBlock: '0010003135853', nossoNumero: 80110028153, trailing: '8' });
    expect(campoLivre).toBe(parseBarcode(FIXTURE).campoLivre);
    expect(buildBarcode({ bankCode: '218', dueDate: '2021-03-02', amountCents: 2350, campoLivre })).toBe(FIXTURE);
  });

  it('parseBs2CampoLivre › the fixture › splits 13 + 11 + 1', () => {
    expect(parseBs2CampoLivre(parseBarcode(FIXTURE).campoLivre)).toEqual({
      accountBlock: '0010003135853',
      nossoNumero: '80110028153',
      trailing: '8',
    });
  });

  it('the fixture trailing digit › is neither mod 10 nor mod 11 of the rest › so it stays a parameter', () => {
    const rest = '001000313585380110028153';
    expect([mod10(rest), mod11Barcode(rest)]).not.toContain(8);
  });

  it('bs2CampoLivre › another layout [U] › is accepted when it adds up to 25', () => {
    expect(
      bs2CampoLivre(
        { accountBlock: '1234567890', nossoNumero: '7', trailing: '00' },
        { accountBlockLength: 10, nossoNumeroLength: 13, trailingLength: 2 },
      ),
    ).toBe('1234567890000000000000700');
    expect(
      domainError(() =>
        bs2CampoLivre(
          { accountBlock: '1', nossoNumero: '1', trailing: '1' },
          { ...BS2_OBSERVED_LAYOUT, trailingLength: 2 },
        ),
      ).message,
    ).toBe('BS2 campo livre layout must add up to 25 digits, got 26');
  });
});
