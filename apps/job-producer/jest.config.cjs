/** Unit tests: next to the code, no network. */
// The SDK warns on Node < 22 at every client construction; the versions are pinned (TOOLCHAIN.md).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

module.exports = {
  displayName: 'job-producer',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
