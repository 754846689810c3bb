import { LOCAL_CREDENTIALS, type LocalEndpoints } from '@tenant-analytics/local-endpoints';
import { DEFAULT_NAMES, DEFAULT_PORTS, DEFAULT_REGION } from './local-stack-options';

/**
 * The endpoints of a stack started with every default (`nx serve mocks --no-services`), with
 * overrides: a fixture for tests of code that consumes endpoints.
 */
export function defaultLocalEndpoints(overrides: Partial<LocalEndpoints> = {}): LocalEndpoints {
  const at = (port: number): string => `http://127.0.0.1:${port}`;
  return {
    region: DEFAULT_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    kinesis: at(DEFAULT_PORTS.kinesis),
    s3: at(DEFAULT_PORTS.s3),
    dynamodb: at(DEFAULT_PORTS.dynamodb),
    bucket: DEFAULT_NAMES.bucket,
    streams: { jobs: DEFAULT_NAMES.jobs, companies: DEFAULT_NAMES.companies, enriched: DEFAULT_NAMES.enriched },
    stateTable: DEFAULT_NAMES.stateTable,
    kinesisBackend: 'kinesis-local',
    ...overrides,
  };
}
