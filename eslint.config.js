// ESLint flat config. Besides the usual rules it keeps the layers honest (DESIGN.md, "Layering,
// enforced"): only src-main/electron and the preload entry import 'electron'; the renderer never
// imports main-process code; code evaluated inside the sandbox isolate imports nothing.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const electronOnlyHere = {
  paths: [
    { name: 'electron', message: "Only src-main/electron/ (and the preload entry) may import 'electron'." },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'migrations/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', electronOnlyHere],
    },
  },
  {
    files: ['src-main/electron/**/*.ts', 'src-preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          ...electronOnlyHere,
          patterns: [
            { group: ['**/src-main/**'], message: 'The renderer reaches main only through window.api.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-main/**'],
              message: 'The preload holds the contract only, no main-process code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/sandbox/isolate/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['*'], message: 'Code evaluated inside the isolate imports nothing.' }] },
      ],
    },
  },
  {
    // The backtest engine is bundled into the sandbox isolate: engine files import each other only.
    files: ['src-main/backtest/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./[\\w.-]+$)',
              message: 'The backtest engine runs inside the isolate: import only sibling engine files (./x.js).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
