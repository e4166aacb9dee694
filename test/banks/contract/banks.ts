/**
 * The one list of banks the adapter contract suite runs against. A new bank adds its harness here (and, once banks
 * are modules, this list can be derived from the BANKS registry with each bank's harness beside it).
 */
import { bs2Harness } from './bs2';
import type { BankHarness } from './harness';
import { itauHarness } from './itau';
import { sicoobHarness } from './sicoob';

export const HARNESSES: readonly BankHarness[] = [bs2Harness, itauHarness, sicoobHarness];
