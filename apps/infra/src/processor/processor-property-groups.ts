/** One group of the seed's runtime properties. */
export interface PropertyGroup {
  readonly PropertyGroupId: string;
  readonly PropertyMap: Readonly<Record<string, string>>;
}

/** The seed's configuration document (`{"PropertyGroups":[…]}`), which the processor also reads on Lambda. */
export interface PropertyGroups {
  readonly PropertyGroups: readonly PropertyGroup[];
}

/**
 * The keys this app sets from its own resources and context. Extra properties may not set them,
 * nor the starting positions, which belong to the event source mappings on Lambda.
 */
export const MANAGED_PROPERTY_KEYS: readonly string[] = [
  'aws.region',
  'jobs.stream.name',
  'companies.stream.name',
  'enrichedcompanies.stream.name',
  'S3SinkPath',
  'dlqPath',
  'state.table.name',
  'scoring.batch.size',
  'async.capacity',
  'tenantManagerEndpoint',
  'tenant.signing.enabled',
  'churn.api.mode',
  'predictChurnApiEndpoint',
  'predictChurnApiKey',
  'churn.sagemaker.endpoint.name',
  'jobs.stream.initial.position',
  'jobs.stream.initial.timestamp',
  'companies.stream.initial.position',
  'companies.stream.initial.timestamp',
];

/** How the processor reaches the churn model, as the property groups say it. */
export type ChurnEndpointSettings =
  | {
      readonly mode: 'apigateway';
      /** Full URL of `POST …/prod/assessChurn`. */
      readonly url: string;
      /** The `x-api-key` value or a deploy-time reference to it; never a literal key in the template. */
      readonly apiKey?: string;
    }
  | { readonly mode: 'sagemaker'; readonly endpointName: string };

/** Everything the processor's property groups carry on Lambda. Values may be CDK tokens. */
export interface ProcessorSettings {
  readonly region: string;
  readonly jobsStreamName: string;
  readonly companiesStreamName: string;
  readonly enrichedStreamName: string;
  readonly sinkBucketName: string;
  readonly sinkPrefix: string;
  readonly deadLetterPrefix: string;
  readonly stateTableName: string;
  readonly churn: ChurnEndpointSettings;
  /** Base URL of the tenant manager (`GET /api/v1/tenants/{id}`). */
  readonly tenantManagerEndpoint: string;
  /** Whether lookups are SigV4-signed (the IAM-authorized stand-in). */
  readonly tenantManagerSigned: boolean;
  readonly scoringBatchSize: number;
  readonly asyncCapacity: number;
  /** Further processor keys (`log.level`, `scoring.on.failure`…), none of {@link MANAGED_PROPERTY_KEYS}. */
  readonly extraProperties?: Readonly<Record<string, string>>;
}

/**
 * Builds the processor's property groups in the seed's shape and key names (ARCHITECTURE.md §4).
 * Starting positions are not among them: on Lambda they belong to the event source mappings.
 *
 * @example
 * buildProcessorPropertyGroups(settings).PropertyGroups[2].PropertyMap['S3SinkPath']; // 's3://bucket/enriched'
 */
export function buildProcessorPropertyGroups(settings: ProcessorSettings): PropertyGroups {
  const { churn } = settings;
  const churnProperties: Record<string, string> =
    churn.mode === 'apigateway'
      ? { 'churn.api.mode': 'apigateway', predictChurnApiEndpoint: churn.url, ...(churn.apiKey === undefined ? {} : { predictChurnApiKey: churn.apiKey }) }
      : { 'churn.api.mode': 'sagemaker', 'churn.sagemaker.endpoint.name': churn.endpointName };
  return {
    PropertyGroups: [
      {
        PropertyGroupId: 'ConsumerConfigProperties',
        PropertyMap: {
          'aws.region': settings.region,
          'jobs.stream.name': settings.jobsStreamName,
          'companies.stream.name': settings.companiesStreamName,
        },
      },
      {
        PropertyGroupId: 'ProducerConfigProperties',
        PropertyMap: { 'aws.region': settings.region, 'enrichedcompanies.stream.name': settings.enrichedStreamName },
      },
      {
        PropertyGroupId: 'ApplicationConfigProperties',
        PropertyMap: {
          ...settings.extraProperties,
          S3SinkPath: `s3://${settings.sinkBucketName}/${settings.sinkPrefix}`,
          dlqPath: `s3://${settings.sinkBucketName}/${settings.deadLetterPrefix}`,
          'state.table.name': settings.stateTableName,
          'scoring.batch.size': String(settings.scoringBatchSize),
          'async.capacity': String(settings.asyncCapacity),
          tenantManagerEndpoint: settings.tenantManagerEndpoint,
          'tenant.signing.enabled': String(settings.tenantManagerSigned),
          ...churnProperties,
        },
      },
    ],
  };
}
