import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ResourceNotFoundException,
  type AttributeValue,
  type BatchGetItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { companyStateSchema, generateCompany } from '@tenant-analytics/domain';
import { mockClient } from 'aws-sdk-client-mock';
import { emptyCompanyState, type CompanyState } from '../core/company-state';
import { DependencyUnavailableError, ProcessorError } from '../core/errors';
import { companyKey, DynamoDbCompanyStateStore } from './dynamodb-company-state-store';

const TABLE = 'company-state';

const dynamodb = mockClient(DynamoDBClient);
const storeFactory = () => new DynamoDbCompanyStateStore(new DynamoDBClient({ region: 'us-west-2' }), TABLE);

/** The state of company `id` at `version`, with a profile, a bucket and a watermark. */
function stateFactory(companyID: string, version = 1): CompanyState {
  const { companyID: _id, ...profile } = generateCompany(42, 3);
  return {
    ...emptyCompanyState(companyID),
    version,
    profile,
    asOf: '2026-11-24T00:00:00.000Z',
    profileSource: 'snapshot',
    buckets: { 20_417: 3 },
    newestDay: 20_417,
    watermarks: { 'bigdatajobs/shardId-000000000000': '000000000000000000000000000000000000000000000120' },
    recentEventDigests: [[1_765_000_800_000, 'AAAAAAAAAAA']],
  };
}

/** The item the store writes for `state`, as BatchGetItem returns it. */
const itemOf = (state: CompanyState): Record<string, AttributeValue> => ({
  ...companyKey(state.companyID),
  companyID: { S: state.companyID },
  version: { N: String(state.version) },
  state: { S: JSON.stringify(state) },
});

const keysOf = (input: BatchGetItemCommandInput) => input.RequestItems?.[TABLE]?.Keys ?? [];
const idOfKey = (key: Record<string, AttributeValue>) => key['pk']?.S?.replace(/^company#/, '') ?? '';

const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });

describe('DynamoDbCompanyStateStore', () => {
  beforeEach(() => dynamodb.reset());
  afterEach(() => jest.useRealTimers());
  afterAll(() => dynamodb.restore());

  describe('getMany', () => {
    it('reads in strongly consistent batches of at most 100 keys, each id once', async () => {
      // Prepare: every company exists
      dynamodb.on(BatchGetItemCommand).callsFake(async (input: BatchGetItemCommandInput) => ({
        Responses: { [TABLE]: keysOf(input).map((key) => itemOf(stateFactory(idOfKey(key)))) },
      }));
      const ids = Array.from({ length: 250 }, (_, index) => `comp_${index}`);

      // Act
      const states = await storeFactory().getMany([...ids, 'comp_0', 'comp_249']);

      // Assess
      const calls = dynamodb.commandCalls(BatchGetItemCommand).map((call) => call.args[0].input);
      expect(calls.map((input) => keysOf(input).length)).toEqual([100, 100, 50]);
      expect(calls.every((input) => input.RequestItems?.[TABLE]?.ConsistentRead === true)).toBe(true);
      expect(calls.flatMap((input) => keysOf(input).map(idOfKey))).toEqual(ids);
      expect(states.size).toBe(250);
      expect(states.get('comp_17')).toEqual(stateFactory('comp_17'));
    });

    it('leaves companies without an item out of the result', async () => {
      // Prepare
      dynamodb.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [itemOf(stateFactory('comp_1', 4))] } });

      // Act
      const states = await storeFactory().getMany(['comp_1', 'comp_2']);

      // Assess
      expect([...states.keys()]).toEqual(['comp_1']);
      expect(states.get('comp_1')?.version).toBe(4);
    });

    it('makes no call for no ids', async () => {
      // Act
      const states = await storeFactory().getMany([]);

      // Assess
      expect(states.size).toBe(0);
      expect(dynamodb.calls()).toHaveLength(0);
    });

    it('asks again for the unprocessed keys until every key is read', async () => {
      // Prepare: the first answer leaves comp_2 and comp_3 unprocessed, the second comp_3
      const unprocessed = (ids: string[]) => ({ [TABLE]: { Keys: ids.map(companyKey), ConsistentRead: true } });
      dynamodb
        .on(BatchGetItemCommand)
        .resolvesOnce({ Responses: { [TABLE]: [itemOf(stateFactory('comp_1'))] }, UnprocessedKeys: unprocessed(['comp_2', 'comp_3']) })
        .resolvesOnce({ Responses: { [TABLE]: [itemOf(stateFactory('comp_2'))] }, UnprocessedKeys: unprocessed(['comp_3']) })
        .resolvesOnce({ Responses: { [TABLE]: [itemOf(stateFactory('comp_3'))] }, UnprocessedKeys: {} });

      // Act
      const states = await storeFactory().getMany(['comp_1', 'comp_2', 'comp_3']);

      // Assess
      expect([...states.keys()].sort()).toEqual(['comp_1', 'comp_2', 'comp_3']);
      const asked = dynamodb.commandCalls(BatchGetItemCommand).map((call) => keysOf(call.args[0].input).map(idOfKey));
      expect(asked).toEqual([['comp_1', 'comp_2', 'comp_3'], ['comp_2', 'comp_3'], ['comp_3']]);
    });

    it('fails with a retriable error when keys stay unprocessed', async () => {
      // Prepare
      jest.useFakeTimers();
      dynamodb.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [companyKey('comp_1')] } } });

      // Act
      const outcome = storeFactory().getMany(['comp_1']).catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(60_000);
      const failure = await outcome;

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(failure).toMatchObject({ retriable: true, message: expect.stringMatching(/unprocessed keys/) });
      expect(dynamodb.commandCalls(BatchGetItemCommand)).toHaveLength(9);
    });

    it('fails with a retriable DependencyUnavailableError when throttled', async () => {
      // Prepare
      dynamodb.on(BatchGetItemCommand).rejects(throttled());

      // Act
      const failure = await storeFactory().getMany(['comp_1']).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(failure).toMatchObject({ retriable: true, context: { operation: 'BatchGetItem', table: TABLE } });
    });

    it('fails with a non-retriable error when the table does not exist', async () => {
      // Prepare
      dynamodb.on(BatchGetItemCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));

      // Act
      const failure = await storeFactory().getMany(['comp_1']).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ProcessorError);
      expect(failure).not.toBeInstanceOf(DependencyUnavailableError);
      expect(failure).toMatchObject({ retriable: false, message: expect.stringMatching(/ResourceNotFoundException/) });
    });

    it('rejects a stored item that does not decode, naming it', async () => {
      // Prepare
      dynamodb.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [{ ...companyKey('comp_1'), state: { S: '{"companyID":"comp_1"}' } }] } });

      // Act
      const failure = await storeFactory().getMany(['comp_1']).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ProcessorError);
      expect(failure).toMatchObject({ retriable: false, message: expect.stringMatching(/company state company#comp_1 does not match its schema/) });
    });
  });

  describe('put', () => {
    it('creates the item of a version-1 state only if none exists, storing the whole state', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});
      const state = stateFactory('comp_1', 1);

      // Act
      const written = await storeFactory().put(state);

      // Assess
      expect(written).toBe(true);
      const [call] = dynamodb.commandCalls(PutItemCommand);
      const input = call?.args[0].input;
      expect(input).toMatchObject({ TableName: TABLE, ConditionExpression: 'attribute_not_exists(pk)' });
      expect(input?.ExpressionAttributeValues).toBeUndefined();
      expect(input?.Item).toMatchObject({ ...companyKey('comp_1'), companyID: { S: 'comp_1' }, version: { N: '1' } });
      expect(companyStateSchema.parse(JSON.parse(input?.Item?.['state']?.S ?? ''))).toEqual(state);
      expect(Number(input?.Item?.['expiresAt']?.N)).toBeGreaterThan(Date.now() / 1000 + 300 * 86_400);
    });

    it('replaces the item only if it still holds the previous version', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).resolves({});

      // Act
      await storeFactory().put(stateFactory('comp_1', 4));

      // Assess
      const input = dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input;
      expect(input).toMatchObject({ ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': { N: '3' } } });
    });

    it('resolves false on a version conflict', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'conflict', $metadata: {} }));

      // Act
      const written = await storeFactory().put(stateFactory('comp_1', 2));

      // Assess
      expect(written).toBe(false);
    });

    it.each([
      ['throttled', throttled()],
      ['a generic throttling error', new DynamoDBServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'rate', $metadata: {} })],
      ['a 5xx', new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', message: 'oops', $metadata: {} })],
      ['a network error', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ])('fails with a retriable DependencyUnavailableError when %s', async (_case, error) => {
      // Prepare
      dynamodb.on(PutItemCommand).rejects(error);

      // Act
      const failure = await storeFactory().put(stateFactory('comp_1', 2)).catch((caught: unknown) => caught);

      // Assess
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect(failure).toMatchObject({ retriable: true, cause: error, context: { operation: 'PutItem', table: TABLE } });
    });

    it('fails with a non-retriable error when the table does not exist', async () => {
      // Prepare
      dynamodb.on(PutItemCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));

      // Act
      const failure = await storeFactory().put(stateFactory('comp_1', 2)).catch((error: unknown) => error);

      // Assess
      expect(failure).toMatchObject({ retriable: false });
      expect(failure).not.toBeInstanceOf(DependencyUnavailableError);
    });
  });
});
