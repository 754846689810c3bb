import { defaultLocalEndpoints } from '@tenant-analytics/local-stack';
import { formatEndpoints } from './format-endpoints';

describe('formatEndpoints', () => {
  const endpoints = defaultLocalEndpoints();

  it('prints each endpoint and an AWS CLI command that works as typed', () => {
    // Act
    const text = formatEndpoints(endpoints, '/repo/.local/endpoints.json');

    // Assess
    expect(text).toContain('Kinesis         http://127.0.0.1:4567  streams bigdatajobs, companies, enrichedcompanies');
    expect(text).toContain('Endpoints file: /repo/.local/endpoints.json');
    expect(text).toContain('Local stack ready (child processes; Kinesis: kinesis-local, region us-west-2)');
    expect(text).toContain(
      'AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER aws --region us-west-2 --endpoint-url http://127.0.0.1:4567 kinesis list-streams',
    );
    expect(text).not.toContain('Tenant manager');
  });

  it('names the container backend when the stack runs in containers', () => {
    expect(formatEndpoints(endpoints, false, 'containers')).toContain('Local stack ready (containers; Kinesis: kinesis-local');
  });

  it('lists the mock services when they run', () => {
    // Act
    const text = formatEndpoints(
      { ...endpoints, tenantManager: 'http://127.0.0.1:4010', churnApi: 'http://127.0.0.1:4011', churnEndpointName: 'churn-endpoint' },
      false,
    );

    // Assess
    expect(text).toContain('Tenant manager  http://127.0.0.1:4010');
    expect(text).toContain('Churn API       http://127.0.0.1:4011  SageMaker endpoint churn-endpoint');
    expect(text).toContain('Endpoints file: not written');
  });

  it('adds the live view line before the stop hint', () => {
    // Act
    const lines = formatEndpoints(defaultLocalEndpoints(), false, 'processes', 'Live view: http://127.0.0.1:4600/').split('\n');

    // Assess
    expect(lines.slice(-2)).toEqual(['Live view: http://127.0.0.1:4600/', 'Press Ctrl-C to stop.']);
  });

  it('names the endpoints file the AWS endpoints came from, and leaves the default chain out of the CLI commands', () => {
    // Act
    const text = formatEndpoints(
      { ...endpoints, kinesis: 'http://127.0.0.1:4566', kinesisBackend: 'external', awsCredentials: 'default-chain' },
      '/repo/.local/endpoints.json',
      'processes',
      undefined,
      '/repo/localstack.json',
    );

    // Assess
    expect(text).toContain('Local stack ready on the endpoints of /repo/localstack.json (no emulator started; services as child processes; region us-west-2)');
    expect(text).toContain("Credentials: the AWS SDK's default chain");
    expect(text).toContain('  aws --region us-west-2 --endpoint-url http://127.0.0.1:4566 kinesis list-streams');
    expect(text).not.toContain('AWS_ACCESS_KEY_ID=');
  });
});
