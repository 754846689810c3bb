import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors';

/** Test fixtures shared by the config specs (not exported by the library). */

export const API_KEY = 'k3y-Value-From-Secrets';

/** The keys without a default. */
export const REQUIRED_KEYS = {
  S3SinkPath: 's3://jb-data-set/churn/data',
  predictChurnApiEndpoint: 'https://api.example.test/prod/assessChurn',
  tenantManagerEndpoint: 'http://127.0.0.1:4010',
} as const;

/** The seed's own property groups (its create-request.json), plus the tenant manager we add. */
export const SEED_DOCUMENT = {
  PropertyGroups: [
    { PropertyGroupId: 'ProducerConfigProperties', PropertyMap: { 'flink.stream.initpos': 'LATEST', 'aws.region': 'us-west-2', AggregationEnabled: 'false' } },
    {
      PropertyGroupId: 'ApplicationConfigProperties',
      PropertyMap: {
        predictChurnApiEndpoint: 'https://API.execute-api.us-west-2.amazonaws.com/prod/assessChurn',
        predictChurnApiKey: ' ',
        S3SinkPath: 's3://jb-data-set/churn/data',
        tenantManagerEndpoint: 'http://127.0.0.1:4010',
      },
    },
    {
      PropertyGroupId: 'ConsumerConfigProperties',
      PropertyMap: {
        'aws.region': 'us-west-2',
        'jobs.stream.initial.position': 'LATEST',
        'jobs.stream.name': 'bigdatajobs',
        'companies.stream.initial.position': 'LATEST',
        'companies.stream.name': 'companies',
      },
    },
  ],
};

/** A property-groups document with one group per map, named Group0, Group1… */
export const propertyGroupsJson = (...maps: Record<string, string | number | boolean>[]): string =>
  JSON.stringify({ PropertyGroups: maps.map((PropertyMap, index) => ({ PropertyGroupId: `Group${index}`, PropertyMap })) });

/** The ConfigError an action throws; any other outcome fails the test. */
export function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (err) {
    if (err instanceof ConfigError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** A temporary folder for config files, created before the suite and removed after it. */
export function useConfigFiles(): { path(name: string): string; write(name: string, content: string): string } {
  let folder = '';
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'domain-config-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const path = (name: string): string => join(folder, name);
  return {
    path,
    write(name, content) {
      writeFileSync(path(name), content);
      return path(name);
    },
  };
}
