import { EVENT_SOURCE_MAPPING_FIXED, EventSourceMappingSettingsError, parseEventSourceMappingSettings } from './event-source-mapping';

describe('parseEventSourceMappingSettings', () => {
  it('applies the defaults and the fixed settings', () => {
    // Act
    const settings = parseEventSourceMappingSettings({});

    // Assess
    expect(settings).toEqual({
      batchSize: 500,
      maxBatchingWindowSeconds: 1,
      retryAttempts: -1,
      maxRecordAgeSeconds: 3600,
      parallelizationFactor: 1,
      processorTimeoutSeconds: 120,
      ...EVENT_SOURCE_MAPPING_FIXED,
    });
  });

  it('reads context strings (cdk -c) and ignores keys that are not mapping settings', () => {
    const settings = parseEventSourceMappingSettings({ batchSize: '100', retryAttempts: 3, stackPrefix: 'Other' });

    expect({ batchSize: settings.batchSize, retryAttempts: settings.retryAttempts }).toEqual({ batchSize: 100, retryAttempts: 3 });
  });

  it('rejects out-of-range values, naming the key, the value and what was expected', () => {
    expect(() => parseEventSourceMappingSettings({ maxRecordAgeSeconds: 10, batchSize: 0 })).toThrow(EventSourceMappingSettingsError);
    expect(() => parseEventSourceMappingSettings({ maxRecordAgeSeconds: 10 })).toThrow(/maxRecordAgeSeconds = 10: expected/);
  });
});
