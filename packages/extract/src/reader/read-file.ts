/**
 * Reading a file's header: a prefix first (most headers are a few KB; pixel data, hundreds of KB,
 * is never read), the whole file only when the header is longer than the prefix.
 */
import { open } from 'node:fs/promises';
import { NeedMoreBytes } from './byte-reader.js';
import { parseHeader, type ParseOptions, type ParsedHeader } from './parse.js';

export const DEFAULT_PREFIX_BYTES = 64 * 1024;

export async function readHeader(path: string, options: ParseOptions, prefixBytes = DEFAULT_PREFIX_BYTES): Promise<ParsedHeader> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let length = Math.min(size, prefixBytes);
    for (;;) {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await handle.read(bytes, 0, length, 0);
      const complete = bytesRead >= size;
      try {
        return parseHeader(bytes.subarray(0, bytesRead), complete, options);
      } catch (error) {
        if (!(error instanceof NeedMoreBytes) || complete) throw error;
        length = Number.isFinite(error.wanted) ? Math.min(size, Math.max(error.wanted * 2, length * 4)) : size;
      }
    }
  } finally {
    await handle.close();
  }
}
