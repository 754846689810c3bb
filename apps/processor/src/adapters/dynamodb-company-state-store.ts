import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { companyStateKey, companyStateSchema, sleep } from '@tenant-analytics/domain';
import type { CompanyState } from '../core/company-state';
import { DependencyUnavailableError } from '../core/errors';
import type { CompanyStateStore } from '../core/ports';
import { decodeStoredJson, translateDynamoError } from './dynamodb-errors';

/** How long an untouched company stays in state (the item's TTL). */
const COMPANY_TTL_SECONDS = 400 * 86_400;
const BATCH_GET_LIMIT = 100;

/** The key of a company's item: `pk = company#<id>`, `sk = state`. */
export function companyKey(companyID: string): Record<string, AttributeValue> {
  const { pk, sk } = companyStateKey(companyID);
  return { pk: { S: pk }, sk: { S: sk } };
}

/**
 * Company state in DynamoDB: one item per company holding the state document (JSON) and its
 * version; writes are conditional on the version read (compare-and-set). DynamoDB-compatible
 * emulators without transactions (dynalite) are enough: every atomic change lives in one item.
 */
export class DynamoDbCompanyStateStore implements CompanyStateStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async getMany(companyIDs: readonly string[]): Promise<Map<string, CompanyState>> {
    const found = new Map<string, CompanyState>();
    const unique = [...new Set(companyIDs)];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, AttributeValue>[] | undefined = unique.slice(i, i + BATCH_GET_LIMIT).map(companyKey);
      for (let round = 0; keys !== undefined && keys.length > 0; round++) {
        if (round > 0) await sleep(Math.min(1_000, 25 * 2 ** round));
        if (round > 8) throw new DependencyUnavailableError('state table keeps returning unprocessed keys', { table: this.tableName });
        const response: BatchGetItemCommandOutput = await this.client
          .send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }))
          .catch((error: unknown) => translateDynamoError(error, 'BatchGetItem', this.tableName));
        for (const item of response.Responses?.[this.tableName] ?? []) {
          const state = decodeStoredJson(companyStateSchema, item['state']?.S, `company state ${item['pk']?.S}`);
          found.set(state.companyID, state);
        }
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async put(next: CompanyState): Promise<boolean> {
    const expected = next.version - 1;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...companyKey(next.companyID),
            companyID: { S: next.companyID },
            version: { N: String(next.version) },
            state: { S: JSON.stringify(next) },
            updatedAt: { S: new Date().toISOString() },
            expiresAt: { N: String(Math.floor(Date.now() / 1000) + COMPANY_TTL_SECONDS) },
          },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':expected': { N: String(expected) } } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      return translateDynamoError(error, 'PutItem', this.tableName);
    }
  }
}
