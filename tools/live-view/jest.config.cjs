/** Unit tests: next to the code, no network. */
module.exports = {
  displayName: 'live-view',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
