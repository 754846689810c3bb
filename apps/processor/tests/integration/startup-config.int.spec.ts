import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnLocalRunner } from '@tenant-analytics/pipeline-harness';

/** Start-up of the real local-runner process with bad configuration: it must fail fast and say why. */
describe('local runner start-up', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'processor-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const groups = (map: Record<string, string>) =>
    JSON.stringify({ PropertyGroups: [{ PropertyGroupId: 'ApplicationConfigProperties', PropertyMap: map }] });

  async function start(args: { file: string; env?: Record<string, string> }) {
    const run = spawnLocalRunner(path.join(dir, 'absent-endpoints.json'), args.env ?? {}, ['--config', args.file]);
    const exit = await run.exited;
    return { code: exit.code, output: run.output() };
  }

  it('rejects a bad value naming the key, the value and what was expected', async () => {
    const file = path.join(dir, 'bad-value.json');
    writeFileSync(file, groups({ S3SinkPath: 's3://bucket/data', predictChurnApiEndpoint: 'http://127.0.0.1:1/prod/assessChurn', tenantManagerEndpoint: 'http://127.0.0.1:2', 'scoring.batch.size': '0' }));

    const { code, output } = await start({ file });

    expect(code).toBe(1);
    expect(output).toMatch(/scoring\.batch\.size/);
    expect(output).toMatch(/"?0"?/);
    expect(output).toMatch(/between 1 and 1000/);
  });

  it('rejects a missing required key and an environment override with a bad value', async () => {
    const file = path.join(dir, 'missing.json');
    writeFileSync(file, groups({ predictChurnApiEndpoint: 'http://127.0.0.1:1/prod/assessChurn', tenantManagerEndpoint: 'http://127.0.0.1:2' }));

    const { code, output } = await start({ file, env: { JOBS_STREAM_INITIAL_POSITION: 'OLDEST' } });

    expect(code).toBe(1);
    expect(output).toMatch(/S3SinkPath/);
    expect(output).toMatch(/jobs\.stream\.initial\.position/);
    expect(output).toMatch(/LATEST, TRIM_HORIZON, AT_TIMESTAMP/);
  });

  it('rejects a malformed config file naming the file', async () => {
    const file = path.join(dir, 'malformed.json');
    writeFileSync(file, '{"PropertyGroups": [');

    const { code, output } = await start({ file });

    expect(code).toBe(1);
    expect(output).toContain('malformed.json');
  });
});
