// Lint for correctness, not style (formatting is prettier's, see .prettierrc): eslint's and
// typescript-eslint's recommended rules, plus no code built from strings (eval, new Function,
// string timers, eval'd worker sources), so that every line is seen by tsc, the linter and coverage.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'scratch/**', 'bench/data/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      // A leading underscore marks a binding left unused on purpose (a field dropped by destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `cond ? a() : b()` as a statement is used on purpose (typed-array writers in tests).
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Worker'] Property[key.name='eval']",
          message: 'start workers from module files (workerScriptUrl), not from source strings',
        },
      ],
    },
  },
  {
    // The review page's script runs in the browser and shows DICOM text: text only, never HTML.
    files: ['packages/review/src/page/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'write', 'writeln', 'createContextualFragment', 'setHTMLUnsafe'].map((property) => ({
          property,
          message: 'set DICOM text with textContent (or build elements): markup in a series description must stay text',
        })),
      ],
    },
  },
);
