/**
 * The default model lives inside the predict package (so an installed package finds it without the
 * checkout) and is in the files `pnpm pack` ships; MSC_DEFAULT_MODEL still wins.
 */
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultModelPath } from '../src/default-model.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('defaultModelPath', () => {
  it('is a model file inside the predict package, listed in its package.json files', () => {
    const path = defaultModelPath({});
    const inPackage = relative(packageDir, path);
    expect(inPackage).toBe('models/prostate_mpmri.onnx');
    expect(statSync(path).size).toBeGreaterThan(100_000);
    const { files } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(files).toContain(inPackage);
  });

  it('is MSC_DEFAULT_MODEL when that is set', () => {
    expect(defaultModelPath({ MSC_DEFAULT_MODEL: '/models/mine.onnx' })).toBe('/models/mine.onnx');
  });
});
