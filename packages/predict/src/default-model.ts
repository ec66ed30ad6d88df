import { fileURLToPath } from 'node:url';

/**
 * The shipped model: `MSC_DEFAULT_MODEL` when set (an installed package, a container), else
 * `models/prostate_mpmri.onnx` of the checkout (a path, so spaces and non-ASCII names work).
 */
export function defaultModelPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.MSC_DEFAULT_MODEL || fileURLToPath(new URL('../../../models/prostate_mpmri.onnx', import.meta.url));
}
