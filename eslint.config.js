// Lint config: typescript-eslint's recommended rules plus the import boundaries of DEVELOPERS.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const deepImport = (folder) => ({
  group: [`**/${folder}/*`, `!**/${folder}/index.ts`],
  message: `Import ${folder}/index.ts, not files inside it.`,
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'admin-ui/dist/', 'bench/.work/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['engine/**/*.ts', 'dicom/**/*.ts', 'fhir/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/channels/**', '**/appliance/**'], message: 'engine, dicom and fhir never import channels or appliance.' },
      ] }],
    },
  },
  {
    files: ['channels/**/*.ts', 'appliance/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['engine', 'dicom', 'fhir', 'channels'].map(deepImport) }],
    },
  },
);
