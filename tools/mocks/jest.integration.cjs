/** Integration tests: `serve mocks` against real servers it does not start (moto_server), one file at a time. */
module.exports = {
  displayName: 'mocks:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 180_000,
};
