import { ConditionalCheckFailedException, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DomainError, parseWithSchema, tenantSchema, type Tenant } from '@tenant-analytics/domain';

/** Where the stand-in keeps its tenants. */
export interface TenantTable {
  get(tenantID: string): Promise<Tenant | undefined>;
  /** Saves `tenant` unless one with its id exists; false when it did. */
  create(tenant: Tenant): Promise<boolean>;
  /** Saves `tenant` over any earlier version. */
  replace(tenant: Tenant): Promise<void>;
}

/** An item of the tenants table that does not decode as a tenant. */
export class TenantItemError extends DomainError {}

/** Attribute names of the tenants table: the key, and the tenant as JSON. */
export const TENANT_TABLE_KEYS = { partitionKey: 'tenantID', document: 'tenant' } as const;

/**
 * The tenants in a DynamoDB table: one item per tenant, `tenantID` (S) plus the tenant as a JSON
 * string, decoded through the domain's schema on read.
 */
export class DynamoDbTenantTable implements TenantTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async get(tenantID: string): Promise<Tenant | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { [TENANT_TABLE_KEYS.partitionKey]: { S: tenantID } }, ConsistentRead: true }),
    );
    const text = item?.[TENANT_TABLE_KEYS.document]?.S;
    if (text === undefined) {
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new TenantItemError(`tenant item ${tenantID} is not JSON`, { cause: error, context: { tenantID } });
    }
    const decoded = parseWithSchema(tenantSchema, json);
    if (!decoded.ok) {
      throw new TenantItemError(`tenant item ${tenantID} is not a tenant: ${decoded.message}`, { context: { tenantID } });
    }
    return decoded.value;
  }

  async create(tenant: Tenant): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.tableName, Item: this.itemOf(tenant), ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': TENANT_TABLE_KEYS.partitionKey } }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return false;
      }
      throw error;
    }
  }

  async replace(tenant: Tenant): Promise<void> {
    await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: this.itemOf(tenant) }));
  }

  private itemOf(tenant: Tenant) {
    return { [TENANT_TABLE_KEYS.partitionKey]: { S: tenant.tenantID }, [TENANT_TABLE_KEYS.document]: { S: JSON.stringify(tenant) } };
  }
}
