/**
 * Payer text fitted to Itaú on the way out (our record and API keep the full text). Limits: nome 50, logradouro 45,
 * bairro 15, cidade 20 (boletos-pix OpenAPI descriptions; the public clients cited in docs/banks/itau.md truncate to
 * the same). What the bank refuses is removed rather than sent: the §2.4 bolecode characters (`[ : < > & ; ' " \` ( )
 * # * / | ]`, `ü`), and in names whatever the name pattern (letters, spaces and Itaú's accented letters) does not
 * list. Accents are kept (Itaú's patterns list them) or stripped ([U], `payerTextAccents`).
 */
import type { Payer } from '../../contracts/bank';
import type { ItauAdapterConfig } from './config';

/** The accented letters Itaú's boletos-pix patterns list (`áàâãéèêíïóôõöúçñ` and capitals). */
const ITAU_ACCENTED = 'áàâãéèêíïóôõöúçñÁÀÂÃÉÈÊÍÏÓÔÕÖÚÇÑ';
const NAME_ALLOWED = new RegExp(`[^a-zA-Z\\s${ITAU_ACCENTED}]`, 'g');
const ADDRESS_ALLOWED = new RegExp(`[^a-zA-Z0-9\\s\\-.,${ITAU_ACCENTED}]`, 'g');
/** §2.4: refused anywhere in a bolecode payload. */
const FORBIDDEN = /[:<>&;'"`()#*/|\\[\]]/g;

const stripAccents = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC');
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** An accented letter Itaú does not list (e.g. `ü`, `ÿ`, `ò`… ) → its base letter; listed ones stay. */
function foldUnlisted(s: string): string {
  return [...s.normalize('NFC')]
    .map((ch) => (ch.charCodeAt(0) > 127 && /\p{L}/u.test(ch) && !ITAU_ACCENTED.includes(ch) ? stripAccents(ch) : ch))
    .join('');
}

type TextRules = Pick<ItauAdapterConfig, 'payerTextAccents' | 'payerTextSanitize'>;

/** Cut to `max` characters at a word boundary when one is near, never in the middle of a surrogate pair. */
export function truncateText(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  const cut = chars.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return (space >= Math.floor(max * 0.6) ? cut.slice(0, space) : cut).trim();
}

/** One field: sanitised (when asked), accents per config, whitespace squashed, truncated. */
export function fitItauText(s: string, max: number, kind: 'name' | 'address', rules: TextRules): string {
  let t = s.normalize('NFC');
  if (rules.payerTextAccents === 'strip') t = stripAccents(t);
  if (rules.payerTextSanitize) {
    t = foldUnlisted(t).replace(FORBIDDEN, ' ');
    t = t.replace(kind === 'name' ? NAME_ALLOWED : ADDRESS_ALLOWED, kind === 'name' ? ' ' : '');
  }
  return truncateText(squash(t), max);
}

/**
 * Street + number + complement in 45 characters: the number is kept whole, the complement shortened first, then the
 * street name.
 */
export function fitItauStreet(
  address: Payer['address'],
  rules: TextRules & Pick<ItauAdapterConfig, 'payerTextLimits'>,
): string {
  const max = rules.payerTextLimits.street;
  const fit = (x: string | undefined) => (x && x.trim() ? fitItauText(x, max, 'address', rules) : '');
  const street = fit(address.street);
  const number = fit(address.number);
  const complement = fit(address.complement);
  const join = (...p: string[]) => p.filter(Boolean).join(' ');
  const full = join(street, number, complement);
  if ([...full].length <= max) return full;
  const base = join(street, number);
  if ([...base].length < max - 1 && complement) {
    const room = max - [...base].length - 1;
    return join(base, truncateText(complement, room));
  }
  const room = max - (number ? [...number].length + 1 : 0);
  return join(truncateText(street, Math.max(1, room)), number)
    .slice(0, max)
    .trim();
}

/**
 * The payer fields Itaú receives, fitted; the caller's payer is not changed. Removal of refused characters applies to
 * bolecodes (where §2.4 documents the rules; `textRules` of the simulator), truncation and accents to every boleto.
 */
export function fitItauPayer(
  p: Payer,
  config: Pick<ItauAdapterConfig, 'payerTextLimits' | 'payerTextAccents' | 'payerTextSanitize'>,
  bolecode: boolean,
): { name: string; street: string; district: string; city: string } {
  const l = config.payerTextLimits;
  const rules = { ...config, payerTextSanitize: config.payerTextSanitize && bolecode };
  return {
    name: fitItauText(p.name, l.name, 'name', rules),
    street: fitItauStreet(p.address, rules),
    district: fitItauText(p.address.district, l.district, 'address', rules),
    city: fitItauText(p.address.city, l.city, 'address', rules),
  };
}
