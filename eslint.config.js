import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The process boundary, enforced: renderer code never reaches Node, Azure, sqlite or the main
// process; shared code runs in both processes; only electron/shell may import 'electron'.
const NODE_ONLY = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'worker_threads', 'zlib', 'url'];
const MAIN_ONLY = ['better-sqlite3', '@azure/*', 'ws', 'electron'];
const MAIN_PROCESS = [
  { group: ['electron'], message: "Only electron/shell imports 'electron'; domain code stays plain Node so tests run it." },
  { group: ['**/renderer/**', 'react', 'react-dom'], message: 'Main-process code must not import the renderer.' },
];
// The main process's domain folders and its wiring. electron/core and electron/storage are what the
// domains build on, so they reach none of them (docs: README's layout table).
const DOMAINS = [
  'metaflow', 'mlflow', 'gc', 'transfer', 'blobs', 'workspace', 'index', 'web', 'cli', 'sample', 'local-access',
  'settings', 'desktop', 'browser', 'ipc', 'shell', 'services.js', 'service-context.js', 'launch.js',
];
const DOMAIN_IMPORTS = DOMAINS.flatMap((name) => ['../', '../../', '../../../'].flatMap((up) => [`${up}${name}`, `${up}${name}/**`]));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...NODE_ONLY, ...MAIN_ONLY], message: 'The renderer has no Node, Azure SDK or sqlite: call window.stratus through renderer/src/api.' },
          { group: ['**/electron/**', '../electron', '../../electron'], message: 'The renderer must not import main-process code; use the contract in shared/.' },
        ],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: [...NODE_ONLY, ...MAIN_ONLY, 'react', 'react-dom', 'react/*'], message: 'shared/ runs in both processes: no Node built-ins, no main-only packages, no React.' },
          { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ must not depend on either process.' },
        ],
      }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/shell/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: MAIN_PROCESS }] },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/storage/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...MAIN_PROCESS, { group: DOMAIN_IMPORTS, message: 'electron/core and electron/storage import no domain folder: move what both need into core.' }],
      }],
    },
  },
  {
    files: ['electron/shell/**/*.{ts,cts}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**', 'react'], message: 'The shell must not import the renderer.' }] }],
      // Electron security checklist item 15: nothing the renderer or a card names is opened outside the app.
      'no-restricted-properties': ['error', { object: 'shell', property: 'openExternal', message: 'No shell.openExternal: see the Electron security checklist in README.' }],
    },
  },
);
