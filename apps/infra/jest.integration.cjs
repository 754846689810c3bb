/** Integration tests: the functions' handlers behind a local REST API on loopback, called with signed requests. */
module.exports = {
  displayName: 'infra:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 60_000,
};
