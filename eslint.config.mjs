import nx from '@nx/eslint-plugin';

/** The project boundaries; only an app's tests may also use the tools (`type:tool`). */
function moduleBoundaries({ appsMayUseTools }) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: appsMayUseTools ? ['type:lib', 'type:tool'] : ['type:lib'] },
      // Tools (demo, benchmarks, reliability suite) may also drive apps that export an engine.
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool', 'exports:engine'] },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
      { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: [] },
    ],
  };
}

export default [
  { ignores: ['**/node_modules', '**/dist', '**/out-tsc', '**/cdk.out', '**/coverage', '.local', '.nx', 'bench/results'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      // Apps' product code uses libraries only; libraries never use apps or tools, and the domain
      // library depends on nothing of ours. Tests may also use the dev tools (next block).
      '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ appsMayUseTools: false })],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // An app's tests (unit specs and tests/integration) may drive the dev tools, e.g. the local stack.
    files: ['apps/**/*.spec.ts', 'apps/**/tests/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', moduleBoundaries({ appsMayUseTools: true })] },
  },
  {
    files: ['**/*.spec.ts', '**/tests/**/*.ts', 'tools/**/*.ts', '**/cli.ts', '**/cli/**/*.ts', '**/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.mjs', '**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
