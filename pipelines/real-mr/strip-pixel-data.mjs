// Copies DICOM files without their pixel data: each file is cut where its top-level Pixel Data
// element (7FE0,0010) starts, so every element before it stays byte for byte as written. Used to
// make headers.tar.xz from public test data (see README.md). `.gz` inputs are gunzipped first.
//
//   pnpm build && node pipelines/real-mr/strip-pixel-data.mjs <in dir> <out dir>
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { NotDicomError, parseHeader } from '../../packages/extract/dist/index.js';

// Read nothing but the structure: the reader still reports where Pixel Data starts.
const STRUCTURE_ONLY = { keep: () => false, vrOf: () => undefined };

/** The bytes of a DICOM file up to its Pixel Data element's tag, or null when the file has none. */
export function withoutPixelData(bytes) {
  const header = parseHeader(bytes, true, STRUCTURE_ONLY);
  const pixel = header.pixelData;
  if (!pixel) return null;
  if (pixel.dataset !== bytes && pixel.dataset.buffer !== bytes.buffer) throw new Error('deflated dataset: cannot cut it in place');
  // Explicit VR OB/OW: tag, VR, 2 reserved bytes, 4-byte length (12 bytes); implicit: tag + length (8).
  for (const headerLength of [12, 8]) {
    const start = pixel.valueOffset - headerLength;
    const tag = pixel.littleEndian
      ? (bytes[start + 1] << 24) | (bytes[start] << 16) | (bytes[start + 3] << 8) | bytes[start + 2]
      : (bytes[start] << 24) | (bytes[start + 1] << 16) | (bytes[start + 2] << 8) | bytes[start + 3];
    if (tag >>> 0 === 0x7fe00010) return bytes.subarray(0, start);
  }
  throw new Error('Pixel Data element header not found before its value');
}

async function* filesUnder(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: node pipelines/real-mr/strip-pixel-data.mjs <in dir> <out dir>');
    process.exit(2);
  }
  let cut = 0;
  let copied = 0;
  for await (const path of filesUnder(input)) {
    let bytes = new Uint8Array(await readFile(path));
    let name = relative(input, path);
    if (name.endsWith('.gz')) {
      bytes = new Uint8Array(gunzipSync(bytes));
      name = name.slice(0, -3);
    }
    let header;
    try {
      header = withoutPixelData(bytes);
    } catch (error) {
      if (!(error instanceof NotDicomError)) throw error;
      console.log(`not DICOM, left out: ${name}`);
      continue;
    }
    const target = join(output, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, header ?? bytes);
    if (header) cut += 1;
    else copied += 1;
  }
  console.log(`${cut} files cut before Pixel Data, ${copied} without Pixel Data copied whole`);
}
