import path from 'node:path';
import { benchCommand, DEFAULT_OUT_DIR, parseBenchOptions } from './bench-options';

describe('parseBenchOptions', () => {
  it('runs every scenario on kinesalite and updates the docs by default', () => {
    // Act
    const options = parseBenchOptions([]);

    // Assess
    expect(options).toMatchObject({ scenarios: ['1', '2', '3', '4'], quick: false, outDir: DEFAULT_OUT_DIR, kinesisBackends: ['kinesalite'], updateDocs: true });
    expect(options.profileDir).toBeUndefined();
  });

  it('runs one scenario without touching the docs', () => {
    // Act
    const options = parseBenchOptions(['--scenario', '2']);

    // Assess
    expect(options.scenarios).toEqual(['2']);
    expect(options.updateDocs).toBe(false);
  });

  it('never updates the docs from a quick run or when told not to', () => {
    expect(parseBenchOptions(['--quick']).updateDocs).toBe(false);
    expect(parseBenchOptions(['--no-docs']).updateDocs).toBe(false);
  });

  it('resolves the output folder and puts profiles under it', () => {
    // Act
    const options = parseBenchOptions(['--out', 'tmp/results', '--profile']);

    // Assess
    expect(options.outDir).toBe(path.resolve('tmp/results'));
    expect(options.profileDir).toBe(path.join(path.resolve('tmp/results'), 'profiles'));
  });

  it('diagnoses one lane in scenario 3 only when asked', () => {
    expect(parseBenchOptions([]).diagnose).toBe(false);
    expect(parseBenchOptions(['--scenario', '3', '--diagnose']).diagnose).toBe(true);
  });

  it('runs scenario 3 on both emulators when asked', () => {
    expect(parseBenchOptions(['--kinesis-backend', 'both']).kinesisBackends).toEqual(['kinesis-local', 'kinesalite']);
  });

  it('rejects an unknown scenario', () => {
    // Prepare
    const quiet = benchCommand().exitOverride().configureOutput({ writeErr: () => undefined });

    // Act + Assess
    expect(() => parseBenchOptions(['--scenario', '5'], quiet)).toThrow(/Allowed choices are 1, 2, 3, 4, all/);
  });

  it('takes the length of scenario 4’s measured step', () => {
    // Act
    const options = parseBenchOptions(['--scenario', '4', '--duration', '30']);

    // Assess
    expect(options).toMatchObject({ scenarios: ['4'], durationSeconds: 30 });
    expect(parseBenchOptions([]).durationSeconds).toBeUndefined();
  });

  it('rejects a duration that is not a positive whole number of seconds', () => {
    // Prepare
    const quiet = benchCommand().exitOverride().configureOutput({ writeErr: () => undefined });

    // Act + Assess
    expect(() => parseBenchOptions(['--duration', '0'], quiet)).toThrow(/positive whole number of seconds/);
    expect(() => parseBenchOptions(['--duration', 'soon'], quiet)).toThrow(/positive whole number of seconds/);
  });
});
