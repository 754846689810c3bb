/** Integration tests: the live view's server over HTTP on loopback, fed by a real prom-client endpoint. */
module.exports = {
  displayName: 'live-view:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 60_000,
};
