/** Unit tests: next to the code, no network. */
module.exports = {
  displayName: 'pipeline-harness',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
