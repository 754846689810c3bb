/** Integration tests: the fast subset of the reliability suite on the real local stack, one file at a time. */
module.exports = {
  displayName: 'chaos:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 240_000,
};
