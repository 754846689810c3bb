import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_KEYS } from '@tenant-analytics/domain';
import { renderConfigTable, updateReadme } from './config-table';

describe('renderConfigTable', () => {
  it('lists every config key with its environment variable', () => {
    const table = renderConfigTable();
    for (const key of CONFIG_KEYS) expect(table).toContain(`| \`${key.key}\` | \`${key.envName}\` |`);
  });

  it('is what the README shows (run `npm run docs:config` after changing a key)', () => {
    const readme = readFileSync(path.join(__dirname, '../../../../README.md'), 'utf8');
    expect(updateReadme(readme)).toBe(readme);
  });

  it('fails on a README without markers', () => {
    expect(() => updateReadme('# nothing')).toThrow(/markers/);
  });
});
