import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOCS_MARKERS, renderRunMarkdown, renderScenarioText, replaceLatestSection, resultBaseName, writeRunFiles, type BenchRun, type ScenarioResult } from './results';

const scenario: ScenarioResult = {
  id: '1',
  title: 'core CPU path',
  parameters: { companies: 10_000, rounds: 5 },
  table: { columns: [{ title: 'design' }, { title: 'events/s', align: 'right' }], rows: [['seed', '20,000'], ['ours', '120,000']] },
  targets: [
    { target: 'ours ≥ 100,000 events/s', measured: '120,000 events/s', met: true },
    { target: 'ours ≥ 10× seed', measured: '6.0×', met: false },
  ],
  notes: ['a note'],
  metrics: {},
  load: { before: [1.5, 1, 0.5], after: [2, 1, 0.5] },
  durationMs: 12_400,
};

const run: BenchRun = {
  startedAt: '2026-11-25T10:00:05.123Z',
  quick: false,
  command: 'npm run bench',
  machine: { cpuModel: 'AMD EPYC', cpuMhz: 2596, cores: 2, memoryGb: 24, nodeVersion: 'v20.20.2', heapFlags: ['--max-semi-space-size=64'], platform: 'linux 6.1 x64' },
  scenarios: [scenario],
};

describe('resultBaseName', () => {
  it('is a file-name-safe UTC timestamp, marked for quick runs', () => {
    expect(resultBaseName(new Date('2026-11-25T10:00:05.123Z'), false)).toBe('2026-11-25T10-00-05Z');
    expect(resultBaseName(new Date('2026-11-25T10:00:05.123Z'), true)).toBe('2026-11-25T10-00-05Z-quick');
  });
});

describe('renderRunMarkdown', () => {
  it('describes the machine and each scenario with its table, targets, load and notes', () => {
    // Act
    const markdown = renderRunMarkdown(run);

    // Assess
    expect(markdown).toContain('Machine: AMD EPYC @ 2596 MHz, 2 logical CPUs, 24 GB, Node v20.20.2 (--max-semi-space-size=64), linux 6.1 x64.');
    expect(markdown).toContain('### Scenario 1: core CPU path');
    expect(markdown).toContain('Parameters: companies=10000, rounds=5. load average 1.5 / 1 / 0.5 before, 2 / 1 / 0.5 after; 12 s.');
    expect(markdown).toContain('| ours | 120,000 |');
    expect(markdown).toContain('| ours ≥ 100,000 events/s | 120,000 events/s | met |');
    expect(markdown).toContain('| ours ≥ 10× seed | 6.0× | **missed** |');
    expect(markdown).toContain('- a note');
  });

  it('renders a scenario’s further tables under their titles, after the main one', () => {
    // Prepare
    const withExtra: ScenarioResult = { ...scenario, extraTables: [{ title: 'Monthly cost', table: { columns: [{ title: 'component' }, { title: 'USD', align: 'right' }], rows: [['DynamoDB', '$394']] } }] };

    // Act
    const markdown = renderRunMarkdown({ ...run, scenarios: [withExtra] });
    const text = renderScenarioText(withExtra);

    // Assess
    expect(markdown.indexOf('Monthly cost:')).toBeGreaterThan(markdown.indexOf('| ours | 120,000 |'));
    expect(markdown).toContain('| DynamoDB | $394 |');
    expect(text).toContain('Monthly cost:');
    expect(text).toContain('DynamoDB   $394');
  });

  it('flags a quick run as not for comparison', () => {
    expect(renderRunMarkdown({ ...run, quick: true })).toContain('(quick: small sizes, a smoke test — not for comparison)');
  });
});

describe('renderScenarioText', () => {
  it('prints the table, each target with its verdict, and the notes', () => {
    // Act
    const text = renderScenarioText(scenario);

    // Assess
    expect(text).toContain('MET     ours ≥ 100,000 events/s: 120,000 events/s');
    expect(text).toContain('MISSED  ours ≥ 10× seed: 6.0×');
    expect(text).toContain('note: a note');
  });
});

describe('writeRunFiles', () => {
  it('writes the JSON and the markdown next to each other', () => {
    // Prepare
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));

    try {
      // Act
      const files = writeRunFiles(path.join(dir, 'nested'), run);

      // Assess
      expect(path.basename(files.json)).toBe('2026-11-25T10-00-05Z.json');
      expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(run);
      expect(readFileSync(files.markdown, 'utf8')).toContain('### Scenario 1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('replaceLatestSection', () => {
  it('replaces only the text between the markers', () => {
    // Prepare
    const document = `# Benchmarks\nintro\n${DOCS_MARKERS.start}\nold results\n${DOCS_MARKERS.end}\nanalysis\n`;

    // Act
    const updated = replaceLatestSection(document, 'new results\n');

    // Assess
    expect(updated).toBe(`# Benchmarks\nintro\n${DOCS_MARKERS.start}\nnew results\n${DOCS_MARKERS.end}\nanalysis\n`);
  });

  it('fails when the markers are missing', () => {
    expect(() => replaceLatestSection('# Benchmarks\n', 'x')).toThrow('no <!-- bench:latest:start -->');
  });
});
