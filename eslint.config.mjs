import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const BANNED_IN_PURE_CODE = ['@nestjs/*', 'typeorm', 'amqplib', 'ioredis', 'pg'];

/**
 * Who may import whom. Services meet only in contracts and shared libs; domain, contracts and util
 * stay free of Nest and I/O. Tests may also use the testing helpers and the WeChat simulator.
 */
function constraints({ forTests }) {
  const scopes = (scope, allowed) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [...allowed, ...(forTests ? ['wechat-sim'] : [])].map(
      (s) => `scope:${s}`,
    ),
  });
  const types = (type, allowed, bannedExternalImports) => ({
    sourceTag: `type:${type}`,
    onlyDependOnLibsWithTags: [...allowed, ...(forTests ? ['testing', 'feature'] : [])].map(
      (t) => `type:${t}`,
    ),
    ...(bannedExternalImports === undefined ? {} : { bannedExternalImports }),
  });
  return [
    scopes('shared', ['shared']),
    scopes('wechat', ['shared', 'wechat']),
    scopes('ingress', ['shared', 'wechat', 'ingress']),
    scopes('conversation', ['shared', 'wechat', 'conversation']),
    scopes('ticketing', ['shared', 'ticketing']),
    scopes('outbound', ['shared', 'wechat', 'outbound']),
    scopes('desk', ['shared', 'wechat', 'desk']),
    scopes('wechat-sim', ['shared', 'wechat', 'wechat-sim']),
    types('app', ['feature', 'infra', 'contracts', 'util']),
    types('feature', ['domain', 'data-access', 'infra', 'contracts', 'util']),
    types('data-access', ['domain', 'infra', 'contracts', 'util']),
    types('domain', ['util'], BANNED_IN_PURE_CODE),
    types('contracts', ['util'], BANNED_IN_PURE_CODE),
    types('util', ['util'], BANNED_IN_PURE_CODE),
    types('infra', ['infra', 'contracts', 'util']),
    { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
  ];
}

const boundaries = (forTests) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints({ forTests }) },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/coverage/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      'no-console': ['error', { allow: ['error'] }],
      '@nx/enforce-module-boundaries': boundaries(false),
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test-support/**/*.ts',
      'test/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(true),
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
