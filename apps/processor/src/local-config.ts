import type { LocalEndpoints } from '@tenant-analytics/local-stack';

/**
 * The processor's property groups for a running local stack (`.local/endpoints.json`): the same
 * shape as the seed's application properties, pointing every endpoint at the emulators and mock
 * services. Streams are read from TRIM_HORIZON because the local streams are created fresh with the
 * stack (the seed's LATEST would skip what the producer sent before the processor started);
 * `JOBS_STREAM_INITIAL_POSITION=LATEST` restores the seed's behaviour.
 */
export function localPropertyGroups(endpoints: LocalEndpoints): string {
  if (endpoints.tenantManager === undefined || endpoints.churnApi === undefined) {
    throw new Error('the local stack runs without the mock services (started with --no-services?): the processor needs tenantManager and churnApi in the endpoints file');
  }
  const groups = {
    ConsumerConfigProperties: {
      'aws.region': endpoints.region,
      'jobs.stream.name': endpoints.streams.jobs,
      'jobs.stream.initial.position': 'TRIM_HORIZON',
      'companies.stream.name': endpoints.streams.companies,
      'companies.stream.initial.position': 'TRIM_HORIZON',
      'kinesis.endpoint': endpoints.kinesis,
    },
    ProducerConfigProperties: {
      'aws.region': endpoints.region,
      'enrichedcompanies.stream.name': endpoints.streams.enriched,
    },
    ApplicationConfigProperties: {
      S3SinkPath: `s3://${endpoints.bucket}/churn/data`,
      dlqPath: `s3://${endpoints.bucket}/dead-letters`,
      's3.endpoint': endpoints.s3,
      's3.force.path.style': 'true',
      'dynamodb.endpoint': endpoints.dynamodb,
      'state.table.name': endpoints.stateTable,
      predictChurnApiEndpoint: `${endpoints.churnApi.replace(/\/+$/, '')}/prod/assessChurn`,
      tenantManagerEndpoint: endpoints.tenantManager,
      'runner.poll.interval.ms': '200',
    },
  };
  return JSON.stringify({
    PropertyGroups: Object.entries(groups).map(([PropertyGroupId, PropertyMap]) => ({ PropertyGroupId, PropertyMap })),
  });
}
