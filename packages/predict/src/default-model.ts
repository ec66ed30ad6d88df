import { fileURLToPath } from 'node:url';

/**
 * The shipped model: `MSC_DEFAULT_MODEL` when set (a container, another model), else the package's
 * own `models/prostate_mpmri.onnx` (in the checkout a symlink to the repository's models/, in an
 * installed package the file itself; a path, so spaces and non-ASCII names work).
 */
export function defaultModelPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.MSC_DEFAULT_MODEL || fileURLToPath(new URL('../models/prostate_mpmri.onnx', import.meta.url));
}
