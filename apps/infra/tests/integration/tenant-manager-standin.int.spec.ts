import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { companyEventSchema, companyToTenant, createSignedFetch, generateCompany, tenantSchema, type CompanyEvent, type SignedFetch, type Tenant } from '@tenant-analytics/domain';
import { clientConfig, startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { createTenantManagerHandler } from '../../src/functions/tenant-manager/tenant-manager-composition';
import { TENANT_TABLE_KEYS } from '../../src/functions/tenant-manager/tenant-table';
import { startLocalRestApi, type LocalCredential, type LocalRestApi } from '../../src/testing/local-rest-api';

const PROCESSOR: LocalCredential = {
  accessKeyId: 'AKIAPROCESSOR0000001',
  secretAccessKey: 'processor-secret-for-local-tests-only',
  principalArn: 'arn:aws:iam::123456789012:role/TenantAnalytics-processor-us-west-2',
};
const OPERATOR: LocalCredential = { accessKeyId: 'AKIAOPERATOR00000001', secretAccessKey: 'operator-secret', principalArn: 'arn:aws:iam::123456789012:role/operator' };
const DATASET = { seed: 42, size: 100 } as const;

/** Every snapshot on the stream so far. */
async function readSnapshots(kinesis: KinesisClient, stream: string): Promise<{ partitionKey: string; snapshot: CompanyEvent }[]> {
  const { Shards: shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  const records: { partitionKey: string; snapshot: CompanyEvent }[] = [];
  for (const shard of shards) {
    let { ShardIterator: iterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    for (let page = 0; iterator !== undefined && page < 5; page += 1) {
      const result = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of result.Records ?? []) {
        records.push({ partitionKey: record.PartitionKey ?? '', snapshot: companyEventSchema.parse(JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'))) });
      }
      iterator = (result.Records ?? []).length === 0 ? undefined : result.NextShardIterator;
    }
  }
  return records;
}

describe('tenant manager stand-in behind a local REST API (IAM auth, DynamoDB, snapshots to companies)', () => {
  let stack: LocalStack;
  let api: LocalRestApi;
  let kinesis: KinesisClient;
  let asProcessor: SignedFetch;
  let asOperator: SignedFetch;
  const tableName = `tenants-${Date.now()}`;

  beforeAll(async () => {
    stack = await startLocalStack({ kinesisBackend: 'kinesalite', ports: { kinesis: 0, s3: 0, dynamodb: 0 }, endpointsFile: false });
    const { endpoints } = stack;
    kinesis = new KinesisClient(clientConfig(endpoints, 'kinesis'));
    const dynamodb = new DynamoDBClient(clientConfig(endpoints, 'dynamodb'));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: TENANT_TABLE_KEYS.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: TENANT_TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    dynamodb.destroy();
    // The stand-in's clients use the SDK's default chain, as on Lambda: credentials and region from the environment.
    process.env['AWS_ACCESS_KEY_ID'] = endpoints.credentials.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = endpoints.credentials.secretAccessKey;
    process.env['AWS_REGION'] = endpoints.region;
    const handler = createTenantManagerHandler({
      TENANTS_TABLE: tableName,
      COMPANIES_STREAM: endpoints.streams.companies,
      TENANT_DATASET_SEED: String(DATASET.seed),
      TENANT_DATASET_SIZE: String(DATASET.size),
      DYNAMODB_ENDPOINT: endpoints.dynamodb,
      KINESIS_ENDPOINT: endpoints.kinesis,
    });
    api = await startLocalRestApi({
      handler,
      routes: [
        { method: 'GET', resource: '/api/v1/tenants/{tenantID}' },
        { method: 'PUT', resource: '/api/v1/tenants/{tenantID}' },
        { method: 'POST', resource: '/api/v1/tenants' },
      ],
      credentials: [PROCESSOR, OPERATOR],
      allowedPrincipalArns: [PROCESSOR.principalArn, OPERATOR.principalArn],
      region: endpoints.region,
    });
    const signed = (credential: LocalCredential) =>
      createSignedFetch({
        service: 'execute-api',
        region: endpoints.region,
        timeoutMs: 10_000,
        credentials: async () => ({ accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey }),
      });
    asProcessor = signed(PROCESSOR);
    asOperator = signed(OPERATOR);
  });

  afterAll(async () => {
    await api?.close();
    kinesis?.destroy();
    await stack?.stop();
  });

  it('serves the shared generator\'s tenants from the start, the same on every read', async () => {
    // prepare
    const expected = companyToTenant(generateCompany(DATASET.seed, 7));

    // act
    const first = await asProcessor(`${api.baseUrl}/api/v1/tenants/comp_7`, { headers: { accept: 'application/json' } });
    const second = await asProcessor(`${api.baseUrl}/api/v1/tenants/comp_7`);

    // assess
    expect(first.status).toBe(200);
    expect(tenantSchema.parse(await first.json())).toEqual(expected);
    expect(tenantSchema.parse(await second.json())).toEqual(expected);
  });

  it('answers 404 for a tenant outside the data set and 400 for a malformed id', async () => {
    // act
    const unknown = await asProcessor(`${api.baseUrl}/api/v1/tenants/comp_${DATASET.size}`);
    const malformed = await asProcessor(`${api.baseUrl}/api/v1/tenants/${encodeURIComponent('bad id!')}`);

    // assess
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
  });

  it('publishes a snapshot to companies on every create and update, then serves the new version', async () => {
    // prepare
    const tenant: Tenant = { tenantID: `acme-${Date.now()}`, industry: 'gov', revenu: 1000, employees: 250, job30: 4, job90: 40, monthlyFee: 300, totalFee: 900, riskOfChurn: false };
    const send = (url: string, method: string, body: unknown) => asOperator(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // act
    const created = await send(`${api.baseUrl}/api/v1/tenants`, 'POST', tenant);
    const duplicate = await send(`${api.baseUrl}/api/v1/tenants`, 'POST', tenant);
    const updated = await send(`${api.baseUrl}/api/v1/tenants/${tenant.tenantID}`, 'PUT', { ...tenant, job30: 9 });
    const updatedSeeded = await send(`${api.baseUrl}/api/v1/tenants/comp_3`, 'PUT', { ...companyToTenant(generateCompany(DATASET.seed, 3)), job90: 500 });
    const missing = await send(`${api.baseUrl}/api/v1/tenants/nobody`, 'PUT', { ...tenant, tenantID: 'nobody' });
    const read = await asProcessor(`${api.baseUrl}/api/v1/tenants/${tenant.tenantID}`);

    // assess
    expect([created.status, duplicate.status, updated.status, updatedSeeded.status, missing.status]).toEqual([201, 409, 200, 200, 404]);
    expect(tenantSchema.parse(await read.json())).toEqual({ ...tenant, job30: 9 });
    const snapshots = await readSnapshots(kinesis, stack.endpoints.streams.companies);
    const { tenantID, ...profile } = tenant;
    expect(snapshots.filter((record) => record.partitionKey === tenantID).map((record) => record.snapshot)).toEqual([
      { companyID: tenantID, ...profile, asOf: expect.any(String) },
      { companyID: tenantID, ...profile, job30: 9, asOf: expect.any(String) },
    ]);
    expect(snapshots.filter((record) => record.partitionKey === 'comp_3').map((record) => record.snapshot.job90)).toEqual([500]);
    expect(snapshots.filter((record) => record.partitionKey === 'comp_7')).toEqual([]);
  });

  it('rejects unsigned requests before the handler', async () => {
    // act
    const response = await fetch(`${api.baseUrl}/api/v1/tenants/comp_1`);

    // assess
    expect(response.status).toBe(403);
  });
});
