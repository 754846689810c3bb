/** Unit tests: next to the code, no network. */
module.exports = {
  displayName: 'local-endpoints',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
