// ESLint (flat config): typescript-eslint's type-aware recommended rules. lib/ and apps/ get them whole; tests and
// the bench parse JSON and YAML of unknown shape all the time, so there the `no-unsafe-*` family and `any` are allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-lib/',
      'coverage/',
      'docs/api/',
      '.lab-tmp/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Dynamic provider methods are async by interface (pulumi.dynamic.ResourceProvider), with or without an await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The dynamic providers run in Pulumi's provider host, by reference or serialized by value: they take types from
    // @pulumi/pulumi but never load it (nor the component or the resources, which do).
    files: ['lib/pulumi/providers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@pulumi/pulumi',
              message: 'Provider code runs in the provider host: import type only.',
              allowTypeImports: true,
            },
            {
              name: '@pulumi/kubernetes',
              message: 'Provider code runs in the provider host: no Kubernetes SDK.',
              allowTypeImports: true,
            },
          ],
          patterns: [
            {
              group: ['**/component/*', '**/resources/*', '../index', '../peers'],
              message: 'Providers do not depend on the component or the resources.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests load modules fresh (jest.isolateModules, require after setMocks) and print values of unknown shape.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
);
