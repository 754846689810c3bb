import { CredentialStore, LOCAL_TEST_CREDENTIALS } from './credential-store';

describe('CredentialStore', () => {
  it('knows the secret of each accepted key', () => {
    // prepare
    const store = new CredentialStore([...LOCAL_TEST_CREDENTIALS, { accessKeyId: 'AKIDNEW', secretAccessKey: 'new-secret' }]);

    // act
    const secrets = ['S3RVER', 'AKIDNEW', 'AKIDOLD'].map((id) => store.secretFor(id));

    // assess
    expect(secrets).toEqual(['S3RVER', 'new-secret', undefined]);
    expect(store.accessKeyIds()).toEqual(['S3RVER', 'AKIDNEW']);
  });

  it('accepts exactly the new pairs after a replace', () => {
    // prepare
    const store = new CredentialStore(LOCAL_TEST_CREDENTIALS);

    // act
    store.replace([{ accessKeyId: 'AKIDNEW', secretAccessKey: 'new-secret' }]);

    // assess
    expect(store.secretFor('S3RVER')).toBeUndefined();
    expect(store.secretFor('AKIDNEW')).toBe('new-secret');
  });

  it.each([
    [[]],
    [[{ accessKeyId: 'A', secretAccessKey: '' }]],
    [[{ accessKeyId: 'A', secretAccessKey: 'x' }, { accessKeyId: 'A', secretAccessKey: 'y' }]],
  ])('rejects %j and keeps the old pairs', (pairs) => {
    // prepare
    const store = new CredentialStore(LOCAL_TEST_CREDENTIALS);

    // act
    const act = (): void => store.replace(pairs);

    // assess
    expect(act).toThrow();
    expect(store.accessKeyIds()).toEqual(['S3RVER']);
  });
});
