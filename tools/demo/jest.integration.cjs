/** Integration tests: `npm start` end to end (stack, services, runner process) with the live view and the report in Chromium. */
module.exports = {
  displayName: 'demo:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 300_000,
};
