// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.multivac/', 'bench/results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only shared/config (and tools/) read the environment; receive config instead.',
        },
      ],
    },
  },
  {
    // What the functions load: zod through shared/zod (its functional `zod/mini` API, which a
    // bundle evaluates for about a quarter of what the chainable API costs its cold start).
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    ignores: ['**/*.test.ts', 'functions/console/browser/**', 'shared/zod/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'Import shared/zod (zod/mini) in runtime code.' }],
          patterns: [
            { group: ['zod/*'], message: 'Import shared/zod (zod/mini) in runtime code.' },
          ],
        },
      ],
    },
  },
  {
    // Plain JavaScript that runs before npm ci (tools/setup): Node's globals.
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' },
    },
  },
  {
    // CommonJS shims that bundled CommonJS packages require in place of a module they load at
    // start (tools/build's LOADED_ON_FIRST_CALL): they load it with `require` on first call.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // shared/runtime/start.ts is the container's own start-up, like Node's loader: it sets the
    // environment of the function it runs when it makes the code cache.
    files: [
      'shared/config/**',
      'shared/runtime/start.ts',
      'tools/**',
      'test/**',
      '**/*.test.ts',
      '*.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
);
