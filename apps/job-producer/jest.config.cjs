/** Unit tests: next to the code, no network. */
module.exports = {
  displayName: 'job-producer',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
