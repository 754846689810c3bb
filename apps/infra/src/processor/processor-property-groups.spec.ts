import { buildProcessorPropertyGroups, type ProcessorSettings } from './processor-property-groups';

function settingsFactory(overrides: Partial<ProcessorSettings> = {}): ProcessorSettings {
  return {
    region: 'us-west-2',
    jobsStreamName: 'bigdatajobs',
    companiesStreamName: 'companies',
    enrichedStreamName: 'enrichedcompanies',
    sinkBucketName: 'sink-bucket',
    sinkPrefix: 'enriched',
    deadLetterPrefix: 'dead-letters',
    stateTableName: 'state',
    churn: { mode: 'apigateway', url: 'https://abc.execute-api.us-west-2.amazonaws.com/prod/assessChurn' },
    tenantManagerEndpoint: 'https://tenants.example.com',
    tenantManagerSigned: false,
    scoringBatchSize: 100,
    asyncCapacity: 20,
    ...overrides,
  };
}

function propertyMap(groups: ReturnType<typeof buildProcessorPropertyGroups>, groupId: string): Readonly<Record<string, string>> {
  const group = groups.PropertyGroups.find((candidate) => candidate.PropertyGroupId === groupId);
  if (group === undefined) {
    throw new Error(`no group ${groupId}`);
  }
  return group.PropertyMap;
}

describe('buildProcessorPropertyGroups', () => {
  it('uses the seed group ids and key names, values as strings', () => {
    // act
    const groups = buildProcessorPropertyGroups(settingsFactory());

    // assess
    expect(groups.PropertyGroups.map((group) => group.PropertyGroupId)).toEqual(['ConsumerConfigProperties', 'ProducerConfigProperties', 'ApplicationConfigProperties']);
    expect(propertyMap(groups, 'ConsumerConfigProperties')).toEqual({ 'aws.region': 'us-west-2', 'jobs.stream.name': 'bigdatajobs', 'companies.stream.name': 'companies' });
    expect(propertyMap(groups, 'ProducerConfigProperties')).toEqual({ 'aws.region': 'us-west-2', 'enrichedcompanies.stream.name': 'enrichedcompanies' });
    expect(propertyMap(groups, 'ApplicationConfigProperties')).toEqual({
      S3SinkPath: 's3://sink-bucket/enriched',
      dlqPath: 's3://sink-bucket/dead-letters',
      'state.table.name': 'state',
      'scoring.batch.size': '100',
      'async.capacity': '20',
      tenantManagerEndpoint: 'https://tenants.example.com',
      'tenant.signing.enabled': 'false',
      'churn.api.mode': 'apigateway',
      predictChurnApiEndpoint: 'https://abc.execute-api.us-west-2.amazonaws.com/prod/assessChurn',
    });
  });

  it('asks for signed tenant lookups when the tenant manager is the IAM-authorized stand-in', () => {
    // act
    const groups = buildProcessorPropertyGroups(settingsFactory({ tenantManagerSigned: true }));

    // assess
    expect(propertyMap(groups, 'ApplicationConfigProperties')['tenant.signing.enabled']).toBe('true');
  });

  it('carries no starting position: on Lambda the event source mappings own it', () => {
    // act
    const keys = buildProcessorPropertyGroups(settingsFactory()).PropertyGroups.flatMap((group) => Object.keys(group.PropertyMap));

    // assess
    expect(keys.filter((key) => key.includes('initial.position'))).toEqual([]);
  });

  it('adds the API key only when given', () => {
    // act
    const groups = buildProcessorPropertyGroups(settingsFactory({ churn: { mode: 'apigateway', url: 'https://x/prod/assessChurn', apiKey: '{{resolve:secretsmanager:arn}}' } }));

    // assess
    expect(propertyMap(groups, 'ApplicationConfigProperties')).toMatchObject({ predictChurnApiKey: '{{resolve:secretsmanager:arn}}' });
  });

  it('adds extra properties without letting them replace the managed ones', () => {
    // act
    const application = propertyMap(
      buildProcessorPropertyGroups(settingsFactory({ extraProperties: { 'log.level': 'debug', 'state.table.name': 'other' } })),
      'ApplicationConfigProperties',
    );

    // assess
    expect(application).toMatchObject({ 'log.level': 'debug', 'state.table.name': 'state' });
  });

  it('names the SageMaker endpoint instead of a URL in sagemaker mode', () => {
    // act
    const application = propertyMap(buildProcessorPropertyGroups(settingsFactory({ churn: { mode: 'sagemaker', endpointName: 'churn' } })), 'ApplicationConfigProperties');

    // assess
    expect(application).toMatchObject({ 'churn.api.mode': 'sagemaker', 'churn.sagemaker.endpoint.name': 'churn' });
    expect(application).not.toHaveProperty('predictChurnApiEndpoint');
  });
});
