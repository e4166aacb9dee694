/**
 * The search attributes operators filter on in the Temporal Web UI. Defined once: the embedded dev server
 * registers them at start, `npm run temporal:setup` registers them on an external cluster, and workflows
 * upsert them through these typed keys.
 *
 * Never personal data here (payer name, CPF/CNPJ, e-mail): search attributes are stored unencrypted.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const BoletoStatus = defineSearchAttributeKey('BoletoStatus', SearchAttributeType.KEYWORD);
export const Bank = defineSearchAttributeKey('Bank', SearchAttributeType.KEYWORD);
export const AccountId = defineSearchAttributeKey('AccountId', SearchAttributeType.KEYWORD);
export const TenantId = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const DueDate = defineSearchAttributeKey('DueDate', SearchAttributeType.DATETIME);
export const SeuNumero = defineSearchAttributeKey('SeuNumero', SearchAttributeType.KEYWORD);
export const NossoNumero = defineSearchAttributeKey('NossoNumero', SearchAttributeType.KEYWORD);
export const AmountCents = defineSearchAttributeKey('AmountCents', SearchAttributeType.INT);
export const OnboardingStep = defineSearchAttributeKey('OnboardingStep', SearchAttributeType.KEYWORD);
export const Stalled = defineSearchAttributeKey('Stalled', SearchAttributeType.BOOL);

export const ALL_SEARCH_ATTRIBUTES = [
  BoletoStatus,
  Bank,
  AccountId,
  TenantId,
  DueDate,
  SeuNumero,
  NossoNumero,
  AmountCents,
  OnboardingStep,
  Stalled,
] as const;

/** The CLI's spelling of each type, for `temporal server start-dev --search-attribute Name=Type`. */
const CLI_TYPE: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export const searchAttributeCliArgs = (): string[] =>
  ALL_SEARCH_ATTRIBUTES.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE[k.type]}`]);
