/**
 * `/predict`'s `dicom_path` → a real path below an allowed root, or a 4xx. Refused: `..` segments,
 * NUL bytes, and anything whose real path (symlinks resolved) is outside every root.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import { HttpError } from './errors.js';

function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** `roots`: real paths of the allowed folders; `written`: the same as configured (may pass through links). */
export async function resolveDicomPath(input: string, roots: readonly string[], written: readonly string[] = roots): Promise<string> {
  if (roots.length === 0) {
    throw new HttpError(
      403,
      'E_FORBIDDEN',
      'reading folders on the server is switched off',
      'list the folders /predict may read under server.allowed_roots in config-api.yaml',
    );
  }
  if (input.includes('\0')) throw new HttpError(400, 'E_USAGE', 'dicom_path holds a NUL byte');
  if (input.split(/[\\/]/).includes('..'))
    throw new HttpError(400, 'E_USAGE', "dicom_path must not contain '..'", 'give a path below one of the allowed roots');
  const candidate = resolve(isAbsolute(input) ? input : resolve(roots[0]!, input));
  // The lexical check first, so paths outside are refused without telling whether they exist.
  if (![...roots, ...written].some((root) => isInside(candidate, root))) {
    throw new HttpError(403, 'E_FORBIDDEN', 'dicom_path is outside the allowed roots', 'give a path below one of server.allowed_roots');
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new HttpError(404, 'E_INPUT_NOT_FOUND', `no such file or folder: ${input}`);
  }
  if (!roots.some((root) => isInside(real, root))) {
    throw new HttpError(
      403,
      'E_FORBIDDEN',
      'dicom_path is outside the allowed roots (through a symbolic link)',
      'give a path below one of server.allowed_roots',
    );
  }
  return real;
}
