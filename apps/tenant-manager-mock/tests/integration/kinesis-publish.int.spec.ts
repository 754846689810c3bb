import path from 'node:path';
import { DEFAULT_DATASET, generateCompany, type Tenant } from '@tenant-analytics/domain';
import { FaultInjector, runTsx, spawnService, startServer, type ServerHandle } from '@tenant-analytics/service-kit';
import { pino } from 'pino';
import { KinesisSnapshotPublisher } from '../../src/adapters/kinesis-snapshot-publisher';
import { createApp } from '../../src/create-app';
import { TenantStore } from '../../src/tenant-store';
import { KinesisEmulator, TEST_CREDENTIALS } from './kinesis-emulator';

const logger = pino({ level: 'silent' });
const MAIN = path.join(__dirname, '../../src/main.ts');

function tenantFactory(overrides: Partial<Tenant> = {}): Tenant {
  return { tenantID: 'acme', industry: 'gov', revenu: 1000, employees: 250, job30: 4, job90: 40, monthlyFee: 300, totalFee: 900, riskOfChurn: false, ...overrides };
}

function sendJson(url: string, method: 'POST' | 'PUT', body: unknown): Promise<Response> {
  return fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('tenant manager publishing to Kinesis (kinesalite)', () => {
  let kinesis: KinesisEmulator;
  let handle: ServerHandle | undefined;

  beforeAll(async () => {
    kinesis = await KinesisEmulator.start();
  });

  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  afterAll(async () => {
    await kinesis.stop();
  });

  async function startTenantManager(streamName: string): Promise<ServerHandle> {
    const faults = new FaultInjector();
    const publisher = new KinesisSnapshotPublisher({ client: kinesis.client, streamName, logger });
    const app = createApp({ logger, faults, store: new TenantStore({ seed: 42, size: 100 }), publisher });
    return startServer(app, { port: 0, logger, closeables: [faults] });
  }

  it('publishes the snapshot of every create and update, keyed by companyID, with asOf', async () => {
    // prepare
    const streamName = await kinesis.createStream('companies');
    handle = await startTenantManager(streamName);
    const before = Date.now();

    // act
    const created = await sendJson(`${handle.url}/api/v1/tenants`, 'POST', tenantFactory());
    const updated = await sendJson(`${handle.url}/api/v1/tenants/comp_7`, 'PUT', { ...generateCompany(42, 7), companyID: undefined, job30: 9 });

    // assess
    expect(created.status).toBe(201);
    expect(updated.status).toBe(200);
    const records = await kinesis.readAll(streamName);
    expect(records.map((record) => record.partitionKey).sort()).toEqual(['acme', 'comp_7']);
    const { tenantID: _id, ...profile } = tenantFactory();
    expect(records.find((record) => record.partitionKey === 'acme')?.snapshot).toEqual({ companyID: 'acme', ...profile, asOf: expect.any(String) });
    expect(records.find((record) => record.partitionKey === 'comp_7')?.snapshot.job30).toBe(9);
    for (const { snapshot } of records) {
      expect(Date.parse(snapshot.asOf ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    }
  });

  it('answers 503 and saves nothing when the stream does not exist', async () => {
    // prepare
    handle = await startTenantManager('no-such-stream');

    // act
    const response = await sendJson(`${handle.url}/api/v1/tenants`, 'POST', tenantFactory());
    const lookup = await fetch(`${handle.url}/api/v1/tenants/acme`);

    // assess
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'publish-failed' } });
    expect(lookup.status).toBe(404);
  });

  it('publishes a whole data set with PutRecords', async () => {
    // prepare
    const streamName = await kinesis.createStream('companies-bulk', 4);
    const publisher = new KinesisSnapshotPublisher({ client: kinesis.client, streamName, logger });
    const snapshots = Array.from({ length: 1_234 }, (_, index) => ({ ...generateCompany(7, index), asOf: '2026-11-25T10:00:00.000Z' }));

    // act
    const summary = await publisher.publishAll(snapshots);

    // assess
    expect(summary).toMatchObject({ published: 1_234, batches: 3 });
    const records = await kinesis.readAll(streamName);
    expect(records.map((record) => record.snapshot).sort((a, b) => a.companyID.localeCompare(b.companyID))).toEqual(
      [...snapshots].sort((a, b) => a.companyID.localeCompare(b.companyID)),
    );
  });

  it('publishes the data set once with the publish-all command', async () => {
    // prepare
    const streamName = await kinesis.createStream('companies-cli');

    // act
    const run = await runTsx({
      entry: MAIN,
      args: ['publish-all', '--kinesis-endpoint', kinesis.endpoint, '--region', 'us-west-2', '--companies-stream', streamName, '--size', '700'],
      env: TEST_CREDENTIALS,
    });

    // assess
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toContain('"published":700');
    const records = await kinesis.readAll(streamName);
    expect(new Set(records.map((record) => record.partitionKey)).size).toBe(700);
    expect(records.find((record) => record.partitionKey === 'comp_699')?.snapshot).toMatchObject({
      ...generateCompany(DEFAULT_DATASET.seed, 699),
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it('runs as a command: serves, publishes on write and stops on SIGTERM with exit 0', async () => {
    // prepare
    const streamName = await kinesis.createStream('companies-serve');
    const service = await spawnService({
      entry: MAIN,
      args: ['--host', '127.0.0.1', '--port', '0', '--kinesis-endpoint', kinesis.endpoint, '--region', 'us-west-2', '--companies-stream', streamName, '--size', '20', '--publish-on-write'],
      env: TEST_CREDENTIALS,
      readyPath: '/health',
    });

    // act
    const created = await sendJson(`${service.url}/api/v1/tenants`, 'POST', tenantFactory());
    const exitCode = await service.stop('SIGTERM');

    // assess
    expect(created.status).toBe(201);
    expect(exitCode).toBe(0);
    expect(service.output()).toContain('"msg":"stopped"');
    expect((await kinesis.readAll(streamName)).map((record) => record.partitionKey)).toEqual(['acme']);
  });
});
