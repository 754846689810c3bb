/** Integration tests: the real command as a child process, one file at a time. */
module.exports = {
  displayName: 'churn-mock:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 120_000,
};
