/** Integration tests: a real Kinesis emulator (kinesalite, in-process), one file at a time. */
// The SDK warns on Node < 22 at every client construction; the versions are pinned (TOOLCHAIN.md).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

module.exports = {
  displayName: 'job-producer:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/integration/**/*.int.spec.ts'],
  testTimeout: 120_000,
};
