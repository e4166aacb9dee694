/**
 * The two FEBRABAN check-digit algorithms of the boleto (bank-apis.md §3.1, §3.2). Pure string → number.
 * Callers pass digit-only strings; validation of the input shape happens in the callers, which know the field name.
 */

/**
 * Módulo 10: weights 2,1,2,1… from the rightmost digit; a product ≥ 10 contributes the sum of its digits;
 * DV = (10 − sum mod 10) mod 10. Used for the three linha digitável fields and for Itaú's DACs (§3.2, §3.4).
 */
export function mod10(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    const product = (digits.charCodeAt(i) - 48) * weight;
    sum += product > 9 ? product - 9 : product; // digit sum of a 2-digit product ≤ 18
    weight = weight === 2 ? 1 : 2;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Barcode general DV, módulo 11: weights 2..9 cycling from the right over the 43 other digits;
 * DV = 11 − (sum mod 11), and 0, 10 or 11 become 1 (§3.1) — so the general DV is never 0.
 */
export function mod11Barcode(digits: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += (digits.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const dv = 11 - (sum % 11);
  return dv === 0 || dv === 10 || dv === 11 ? 1 : dv;
}
