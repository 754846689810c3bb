/** Integration tests: real emulators as child processes, one file at a time. */
module.exports = {
  displayName: 'processor:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 120_000,
};
