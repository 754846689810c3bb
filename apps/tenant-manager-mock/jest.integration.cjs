/** Integration tests: a real Kinesis emulator (kinesalite, in-process) and the real CLI, one file at a time. */
module.exports = {
  displayName: 'tenant-manager-mock:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 120_000,
};
