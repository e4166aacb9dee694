/**
 * Banco BS2 (bank 218) campo livre, bank-apis.md §1.11. Only one real sample is public (S10 fixture):
 *
 *   barcode 21891854700000023500010003135853801100281538, campo livre "0010003135853" + "80110028153" + "8"
 *
 * i.e. a 13-digit constant per-account block + the 11-digit nossoNumero + 1 trailing digit. The split is inferred and
 * the trailing digit is neither mod 10 nor mod 11 of the rest [U] — so the block, the trailing digit and even the
 * part lengths are parameters here, not facts. A simulator passes what its config says; the real bank's barcode is
 * always taken from BS2's response, never rebuilt.
 */
import { DomainValidationError } from '../errors';
import { requireDigits } from '../input';

export const BS2_BANK_CODE = '218';

export interface Bs2CampoLivreLayout {
  accountBlockLength: number;
  nossoNumeroLength: number;
  trailingLength: number;
}

/** The layout observed in the S10 fixture: 13 + 11 + 1 = 25 [U]. */
export const BS2_OBSERVED_LAYOUT: Readonly<Bs2CampoLivreLayout> = Object.freeze({
  accountBlockLength: 13,
  nossoNumeroLength: 11,
  trailingLength: 1,
});

export interface Bs2CampoLivreInput {
  /** Per-account constant block, e.g. "0010003135853" in the fixture [U]. */
  accountBlock: string;
  /** BS2's nossoNumero (an 11-digit JSON integer in responses), zero-padded. */
  nossoNumero: string | number;
  /** Trailing digit(s) — "8" in the fixture; how BS2 derives it is unknown [U]. */
  trailing: string;
}

function checkLayout(layout: Bs2CampoLivreLayout): void {
  const total = layout.accountBlockLength + layout.nossoNumeroLength + layout.trailingLength;
  if (total !== 25) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      'layout',
      `BS2 campo livre layout must add up to 25 digits, got ${total}`,
    );
  }
}

export function bs2CampoLivre(input: Bs2CampoLivreInput, layout: Bs2CampoLivreLayout = BS2_OBSERVED_LAYOUT): string {
  checkLayout(layout);
  return (
    requireDigits(input.accountBlock, 'accountBlock', layout.accountBlockLength) +
    requireDigits(input.nossoNumero, 'nossoNumero', layout.nossoNumeroLength, { pad: true }) +
    requireDigits(input.trailing, 'trailing', layout.trailingLength)
  );
}

export function parseBs2CampoLivre(
  campoLivre: string,
  layout: Bs2CampoLivreLayout = BS2_OBSERVED_LAYOUT,
): { accountBlock: string; nossoNumero: string; trailing: string } {
  checkLayout(layout);
  const cl = requireDigits(campoLivre, 'campoLivre', 25);
  const a = layout.accountBlockLength;
  const n = a + layout.nossoNumeroLength;
  return { accountBlock: cl.slice(0, a), nossoNumero: cl.slice(a, n), trailing: cl.slice(n) };
}
