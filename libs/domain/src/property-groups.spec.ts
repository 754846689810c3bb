import { envNameForKey, loadPropertyGroups } from './property-groups';
import { API_KEY, configErrorOf, propertyGroupsJson, SEED_DOCUMENT, useConfigFiles } from './testing/config-fixtures';

const configFiles = useConfigFiles();

describe('envNameForKey', () => {
  it.each([
    ['jobs.stream.name', 'JOBS_STREAM_NAME'],
    ['S3SinkPath', 'S3_SINK_PATH'],
    ['predictChurnApiEndpoint', 'PREDICT_CHURN_API_ENDPOINT'],
    ['aws.region', 'AWS_REGION'],
    ['dlqPath', 'DLQ_PATH'],
    ['x.featureFlag', 'X_FEATURE_FLAG'],
  ])('maps %s to %s', (key, envName) => {
    expect(envNameForKey(key)).toBe(envName);
  });
});

describe('loadPropertyGroups', () => {
  it('flattens the seed document, accepting a key repeated with the same value', () => {
    // Act
    const flat = loadPropertyGroups({ json: JSON.stringify(SEED_DOCUMENT) });

    // Assess
    expect(flat).toMatchObject({ 'aws.region': 'us-west-2', 'jobs.stream.name': 'bigdatajobs', predictChurnApiKey: ' ' });
    expect(Object.isFrozen(flat)).toBe(true);
  });

  it('reads a file, lets the JSON string override it and the environment override both', () => {
    // Prepare
    const file = configFiles.write('layers.json', propertyGroupsJson({ 'jobs.stream.name': 'from-file', 'companies.stream.name': 'from-file', 'log.level': 'warn' }));

    // Act
    const flat = loadPropertyGroups({
      file,
      json: propertyGroupsJson({ 'companies.stream.name': 'from-json', 'log.level': 'debug' }),
      env: { LOG_LEVEL: 'trace', AWS_REGION: 'eu-west-1' },
      knownKeys: ['aws.region'],
    });

    // Assess
    expect(flat).toEqual({ 'jobs.stream.name': 'from-file', 'companies.stream.name': 'from-json', 'log.level': 'trace', 'aws.region': 'eu-west-1' });
  });

  it('stringifies numbers and booleans written without quotes', () => {
    expect(loadPropertyGroups({ json: propertyGroupsJson({ 'scoring.batch.size': 10, 's3.force.path.style': true }) })).toEqual({
      'scoring.batch.size': '10',
      's3.force.path.style': 'true',
    });
  });

  it('rejects conflicting values for one key, naming both groups and hiding secrets', () => {
    // Act
    const err = configErrorOf(() =>
      loadPropertyGroups({ json: propertyGroupsJson({ 'aws.region': 'us-west-2', predictChurnApiKey: API_KEY }, { 'aws.region': 'eu-west-1', predictChurnApiKey: 'other' }) }),
    );

    // Assess
    expect(err.issues.map((issue) => issue.key)).toEqual(['aws.region', 'predictChurnApiKey']);
    expect(err.message).toContain('aws.region: groups Group0 and Group1 set different values ("us-west-2" and "eu-west-1")');
    expect(err.message).toContain('predictChurnApiKey: groups Group0 and Group1 set different values (*** and ***)');
    expect(err.message).not.toContain(API_KEY);
  });

  it('rejects a missing file', () => {
    const err = configErrorOf(() => loadPropertyGroups({ file: configFiles.path('absent.json') }));
    expect(err.message).toContain(`config file ${configFiles.path('absent.json')}: cannot be read (ENOENT)`);
  });

  it('rejects a malformed JSON file without quoting its content', () => {
    // Prepare
    const file = configFiles.write('malformed.json', `{"PropertyGroups": [ {"predictChurnApiKey": "${API_KEY}" oops`);

    // Act
    const err = configErrorOf(() => loadPropertyGroups({ file }));

    // Assess
    expect(err.message).toContain(`config file ${file}: is not valid JSON`);
    expect(err.message).not.toContain(API_KEY);
    expect(err.cause).toBeUndefined();
  });

  it('rejects a document of the wrong shape, saying where', () => {
    const err = configErrorOf(() => loadPropertyGroups({ json: JSON.stringify({ PropertyGroups: [{ PropertyGroupId: 'A', PropertyMap: { a: { nested: 1 } } }] }) }));
    expect(err.message).toMatch(/config JSON: does not have the shape .* at PropertyGroups\.0\.PropertyMap\.a$/);
  });
});

