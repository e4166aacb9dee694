// Lint is part of `npm test`. Type-aware rules catch floating promises (a lost await in an activity or
// handler is a lost bank call); workflow files are additionally held to Temporal's determinism rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['eslint.config.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The CS console's browser script (served as is, no build): browser globals, no type information.
    files: ['src/api/console/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.browser },
      sourceType: 'module',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O clients, no wall clock
    // outside the SDK's replacements. Shared pure modules (src/domain) are allowed.
    // Bank descriptors (the pure half of a bank module), the banks' parts of the onboarding workflow
    // (onboarding hooks), the BS2 token keeper and the Sicoob movement poll are workflow code too.
    files: [
      'src/workflows/**/*.ts',
      'src/contracts/**/*.ts',
      'src/banks/descriptor.ts',
      'src/banks/descriptors.ts',
      'src/banks/request-rules.ts',
      'src/banks/*/descriptor.ts',
      'src/banks/*/capabilities.ts',
      'src/banks/*/manager-email.ts',
      'src/banks/onboarding-hooks.ts',
      'src/banks/onboarding-registry.ts',
      'src/banks/*/onboarding-workflow.ts',
      'src/banks/bs2/keeper-workflow.ts',
      'src/banks/sicoob/webhook-report-workflow.ts',
      'src/banks/bs2/keeper-contract.ts',
      'src/banks/sicoob/movement-poll-workflow.ts',
      'src/banks/sicoob/movement-poll-contract.ts',
      'src/onboarding/manager-email.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflows must be deterministic: no Node built-ins.' },
            {
              group: [
                'fs',
                'fs/*',
                'http',
                'https',
                'net',
                'crypto',
                'child_process',
                'os',
                'path',
                'undici',
                'express',
                'pino',
                'pino-*',
              ],
              message: 'Workflows must be deterministic: do I/O in an activity.',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Workflows import @temporalio/workflow only.',
            },
            {
              group: ['../activities/*', '!../activities/*.types'],
              allowTypeImports: true,
              message: 'Import activity types only (import type).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
      ],
    },
  },
  {
    files: ['scripts/**', 'src/cli/**', 'test/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
