/** Integration tests: the whole pipeline (stack, services, runner process), one file at a time. */
module.exports = {
  displayName: 'pipeline-harness:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 120_000,
};
