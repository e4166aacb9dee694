import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { domainProbe } from '../fixtures/domain/workflow-probe';

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };

describe('workflow safety of src/domain', () => {
  it('domain barrel › bundled by Temporal’s workflow bundler › has no Node built-ins or disallowed modules', async () => {
    // bundleWorkflowCode fails when workflow code (or a library it imports) pulls in fs, crypto, http, …
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(__dirname, '../fixtures/domain/workflow-probe.ts'),
      logger: quiet,
    });
    expect(code).toContain('domainProbe');
    expect(code).not.toMatch(/require\(["']pdfkit["']\)/);
  });

  it('domain probe › run directly › gives the expected deterministic answers', async () => {
    expect(JSON.parse(await domainProbe())).toEqual([
      '2029-05-20',
      30,
      '2025-03-05',
      true,
      '1090001015271248021246000',
    ]);
  });
});
