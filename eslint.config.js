import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  ...layerFences(),
);

/**
 * The layers of src/, top to bottom: a file imports only from its own layer or those below it
 * (`.ci/run` also checks that no import cycle exists, with dependency-cruiser). Same-layer
 * folders may import each other; the cycle check keeps that one-way.
 */
function layerFences() {
  const layers = [
    ['entrypoints'],
    ['actions'],
    ['builders', 'rebuild', 'affected'],
    ['publish'],
    ['attest', 'image'],
    ['tools', 'cache', 'github', 'report'],
    ['oci'],
    ['runtime'],
  ];
  const above = (i) => layers.slice(0, i).flat();
  const fence = (files, folders, extra = []) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(folders.length
              ? [
                  {
                    group: folders.map((f) => `**/${f}/**`),
                    message: 'imports point down the layers (see CONTRIBUTING.md)',
                  },
                ]
              : []),
            ...extra,
          ],
        },
      ],
    },
  });
  const sameLayer = { builders: ['rebuild', 'publish'], rebuild: ['builders', 'publish'] };
  return [
    ...layers.flatMap((folders, i) =>
      folders.map((folder) =>
        fence(
          [`src/${folder}/**/*.ts`],
          [...above(i), ...(sameLayer[folder] ?? [])],
          // oci and runtime are pure: no @actions/* (runtime/core.ts wraps @actions/core)
          folder === 'oci'
            ? [{ group: ['@actions/*'], message: 'src/oci is free of @actions' }]
            : [],
        ),
      ),
    ),
    // an action wires its own inputs; only the whole pipeline (gantry) composes the others
    {
      ...fence(
        ['src/actions/*/*.ts'],
        ['entrypoints'],
        [{ group: ['../*/*.js'], message: 'actions do not import each other' }],
      ),
      ignores: ['src/actions/gantry/*.ts'],
    },
  ];
}
