/** Integration tests: real servers (dynalite, s3rver) in this process on free ports, one file at a time. */
module.exports = {
  displayName: 'bench:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 60_000,
};
