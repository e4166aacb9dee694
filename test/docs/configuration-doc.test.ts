import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config';
import { CONFIG_DOC, configVariables, renderConfigDoc } from '../../scripts/config-doc';

describe('docs/configuration.md', () => {
  it('every variable › has a description in the schema', () => {
    const vars = configVariables();
    expect(vars.map((v) => v.name)).toEqual(Object.keys(configSchema.shape));
    expect(
      vars.filter((v) => !v.description).map((v) => v.name),
      'add a .describe() text to these fields of the config schema',
    ).toEqual([]);
  });

  it('the table › is what the schema renders', () => {
    const current = readFileSync(CONFIG_DOC, 'utf8');
    expect(
      current,
      'docs/configuration.md differs from the config schema: run `npm run docs:config` and commit the result',
    ).toBe(renderConfigDoc(current));
  });

  it('a row › shows the default and the description of its field', () => {
    const doc = readFileSync(CONFIG_DOC, 'utf8');
    expect(doc).toContain('| `API_PORT` | `3000` | port of the HTTP API |');
    expect(doc).toContain(
      '| `TEMPORAL_ADDRESS` | *(unset)* | `host:port` of an external Temporal cluster; unset = start the embedded dev server |',
    );
  });
});
