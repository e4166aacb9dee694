/**
 * `npm run temporal:setup`: prepares an external Temporal cluster for boletoflow: registers the namespace
 * (self-hosted clusters; on Temporal Cloud create it in the console) and the search attributes the
 * workflows upsert. Idempotent. The embedded dev server does the same by itself at every start.
 */
import { temporal } from '@temporalio/proto';
import { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { loadConfig } from '../config';
import { createLogger } from '../logging';
import { runMain } from '../process';
import { ALL_SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { connectClient } from './connection';
import { ensureRetention } from './retention';
import { retryUntil } from './retry';

const { IndexedValueType } = temporal.api.enums.v1;
const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-setup' });
  const client = await connectClient(config);
  const namespace = config.TEMPORAL_NAMESPACE;
  try {
    try {
      await client.workflowService.describeNamespace({ namespace });
      logger.info({ namespace }, 'namespace exists');
    } catch {
      await client.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(`${config.TEMPORAL_RETENTION_DAYS} days`),
      });
      logger.info({ namespace, retentionDays: config.TEMPORAL_RETENTION_DAYS }, 'namespace registered');
      // Registration propagates through the server's namespace cache; wait until it is visible.
      await retryUntil(() => client.connection.operatorService.listSearchAttributes({ namespace }), {
        timeoutMs: 30_000,
      });
    }
    await ensureRetention(client.workflowService, namespace, config.TEMPORAL_RETENTION_DAYS, logger);
    const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
    const missing = ALL_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
    if (missing.length) {
      await client.connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED[k.type]])),
      });
    }
    logger.info({ added: missing.map((k) => k.name), total: ALL_SEARCH_ATTRIBUTES.length }, 'search attributes ready');
  } finally {
    await client.connection.close();
  }
});
