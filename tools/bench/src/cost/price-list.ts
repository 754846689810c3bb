/** One price the cost model uses, with where it was read. */
export interface PriceSource {
  readonly item: string;
  readonly price: string;
  readonly source: string;
}

/** The AWS prices of the cost table, in USD, for us-west-2 (US West, Oregon). */
export interface PriceList {
  readonly region: string;
  /** When the prices were looked up. */
  readonly asOf: string;
  /** AWS's month for hourly prices (365 × 24 / 12). */
  readonly hoursPerMonth: number;
  readonly kinesis: { readonly shardHour: number; readonly putPayloadUnitsPerMillion: number };
  readonly lambda: {
    readonly arm64GbSecond: number;
    readonly x86GbSecond: number;
    readonly requestsPerMillion: number;
    /** Memory at which a function has one full vCPU; CPU is allocated in proportion below it. */
    readonly mbPerVcpu: number;
  };
  readonly dynamodb: {
    readonly writeRequestUnitsPerMillion: number;
    readonly readRequestUnitsPerMillion: number;
    readonly writeCapacityUnitHour: number;
    readonly readCapacityUnitHour: number;
  };
  readonly s3: { readonly putCopyPostListPerThousand: number; readonly getAndOtherPerThousand: number };
  readonly flink: { readonly kpuHour: number };
  readonly sources: readonly PriceSource[];
}

/**
 * The price list of scenario 4: us-west-2 list prices (on-demand, no free tier, no Savings Plans,
 * standard table class, S3 Standard, Kinesis provisioned mode, Lambda on Arm as apps/infra deploys
 * it). us-west-2 and us-east-1 have the same prices for all of these. Looked up on 2026-12-02
 * through the documentation index of this environment (AWS's pricing pages render their price
 * tables by script, so where a page's text had no figure the figure is from a dated copy of it,
 * named in `sources`); check https://calculator.aws before relying on them.
 */
export const PRICE_LIST: PriceList = {
  region: 'us-west-2',
  asOf: '2026-12-02',
  hoursPerMonth: 730,
  kinesis: { shardHour: 0.015, putPayloadUnitsPerMillion: 0.014 },
  lambda: { arm64GbSecond: 0.0000133334, x86GbSecond: 0.0000166667, requestsPerMillion: 0.2, mbPerVcpu: 1_769 },
  dynamodb: { writeRequestUnitsPerMillion: 0.625, readRequestUnitsPerMillion: 0.125, writeCapacityUnitHour: 0.00065, readCapacityUnitHour: 0.00013 },
  s3: { putCopyPostListPerThousand: 0.005, getAndOtherPerThousand: 0.0004 },
  flink: { kpuHour: 0.11 },
  sources: [
    {
      item: 'Kinesis Data Streams, provisioned',
      price: '$0.015 per shard-hour; $0.014 per million PUT payload units (25 KB)',
      source: 'https://aws.amazon.com/kinesis/data-streams/pricing/ (units and examples; the provisioned-mode price table is rendered by script, figures as listed for US East/US West)',
    },
    {
      item: 'Lambda',
      price: '$0.0000133334 per GB-s (Arm), $0.0000166667 (x86), $0.20 per million requests; 1,769 MB = 1 vCPU',
      source: 'https://aws.amazon.com/lambda/pricing/ (x86 and request prices in its examples; Arm first tier as copied by cloudchipr.com/blog/aws-lambda-pricing, 2024); vCPU share: Lambda developer guide, "Configure function memory"',
    },
    {
      item: 'DynamoDB on-demand (standard table class)',
      price: '$0.625 per million write request units, $0.125 per million read request units',
      source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (units; the figures after the price cut of 2024-11-01, as copied by airbyte.com/data-engineering-resources/dynamodb-pricing, 2025-07-21)',
    },
    {
      item: 'DynamoDB provisioned',
      price: '$0.00065 per WCU-hour, $0.00013 per RCU-hour',
      source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/ (figures as copied by zeonedge.com, 2026)',
    },
    {
      item: 'S3 Standard requests',
      price: '$0.005 per 1,000 PUT, COPY, POST, LIST; $0.0004 per 1,000 GET and other; DELETE free',
      source: 'https://aws.amazon.com/s3/pricing/ (figures as copied by c3x.dev/blog/s3-request-fees-explained)',
    },
    {
      item: 'Managed Service for Apache Flink',
      price: '$0.11 per KPU-hour, plus one KPU per application for orchestration',
      source: 'https://aws.amazon.com/managed-service-apache-flink/pricing/ (as transcribed 2026-09-20 by api-evangelist/kinesis plans; aws/agent-toolkit-for-aws MSF pricing calculator)',
    },
  ],
};
