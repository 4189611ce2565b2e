import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ (README "Architecture") as import rules, one block per folder. In a flat config the last
 * matching block's `no-restricted-imports` wins, so each block repeats the rule every src/ file obeys.
 *
 * `@forge/*` is imported only by the composition root (src/deps.ts), the entry points (src/index.ts,
 * src/triggers, src/resolvers, src/ui) and the two adapters that implement ports on top of one Forge package
 * each: src/store/ on `@forge/kvs`, src/jira/ on `@forge/api`. Handing them the kvs or api client through
 * deps.ts instead would only re-declare those packages' own interfaces; naming the one package each adapter
 * may use keeps the platform out of core/, app/ and providers/ just as well.
 */
const notSandbox = { group: ['**/sandbox/**'], message: 'src/ must not import from sandbox/' };
const above = (folders, message) => ({ regex: `(^|/)(${folders.join('|')})(/|$)`, message });
const entryPoints = ['triggers', 'resolvers', 'ui', 'deps', 'index'];
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns: [notSandbox, ...patterns] }] });

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'coverage/**',
      '.sandbox-data/**',
      'dist/**',
      'jest.config.js',
      'test/summary-reporter.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    // Production code must never depend on the local sandbox (issue 4).
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: restrict(),
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(
      { regex: '^\\.\\./', message: 'core/ is the pure domain: it imports nothing else from src/' },
      { group: ['@forge/*'], message: 'core/ does no I/O: no Forge package' },
    ),
  },
  {
    files: ['src/app/**/*.ts'],
    rules: restrict(
      above(
        ['store', 'jira', ...entryPoints],
        'use cases reach storage and Jira through the ports in src/app/ports.ts (wired in src/deps.ts)',
      ),
      { group: ['@forge/*'], message: 'use cases run on the ports, not on Forge packages (src/deps.ts wires them)' },
    ),
  },
  {
    files: ['src/providers/**/*.ts'],
    rules: restrict(
      above(
        ['app', 'store', 'jira', ...entryPoints],
        'providers implement src/providers/port.ts and never import use cases, storage or Jira',
      ),
      { group: ['@forge/*'], message: 'providers get fetch injected (src/deps.ts passes Forge egress fetch)' },
    ),
  },
  {
    files: ['src/store/**/*.ts'],
    rules: restrict(
      above(
        ['app', 'jira', ...entryPoints],
        'store/ implements the storage ports structurally; src/deps.ts checks it against src/app/ports.ts',
      ),
      { group: ['@forge/*', '!@forge/kvs'], message: 'store/ is the adapter for @forge/kvs only' },
    ),
  },
  {
    files: ['src/jira/**/*.ts'],
    rules: restrict(
      { regex: '(^|/)app/(?!ports$)', message: 'jira/ implements src/app/ports.ts and imports no use case' },
      above(['store', 'providers', ...entryPoints], 'jira/ is the Jira adapter only'),
      { group: ['@forge/*', '!@forge/api'], message: 'jira/ is the adapter for @forge/api only' },
    ),
  },
);
