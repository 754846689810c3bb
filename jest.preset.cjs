// Shared Jest settings for every project. Tests run TypeScript through SWC (no type check: the
// `typecheck` target does that) and resolve workspace libraries from source through the
// `@tenant-analytics/source` export condition, so no build is needed before a test run.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  setupFiles: [require('node:path').join(__dirname, 'jest.setup.cjs')],
  testEnvironmentOptions: {
    customExportConditions: ['@tenant-analytics/source', 'node', 'require', 'default'],
  },
  transform: {
    '^.+\\.(t|j|mj|cj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  // msw 2 pulls a few ESM-only packages; let SWC turn them into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(rettime|until-async|@open-draft/deferred-promise)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  clearMocks: true,
  restoreMocks: true,
};
