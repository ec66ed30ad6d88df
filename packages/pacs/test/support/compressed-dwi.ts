/**
 * A Siemens-style DWI instance stored JPEG 2000 (lossless), its b-value and directionality in OB
 * private elements as anonymized ProstateX files hold them. Orthanc 1.10 has no JPEG 2000 codec: it
 * stores the file but cannot send the instance through WADO-RS (HTTP 500, as for nibabel's
 * `slicethickness_empty_string.dcm`), a real server fault the DICOMweb client must get around.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';
const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const LONG_VRS = new Set(['OB', 'OW', 'UN', 'SQ', 'UT']);

export const COMPRESSED_DWI = {
  study: '1.2.826.0.1.3680043.10.1090.1',
  series: '1.2.826.0.1.3680043.10.1090.1.1',
  instance: '1.2.826.0.1.3680043.10.1090.1.1.1',
};

const text = (value: string) => {
  const bytes = Buffer.from(value, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([0])]);
};
const us = (value: number) => Buffer.from(Uint16Array.of(value).buffer);

/** One explicit VR little endian element. */
function element(group: number, elementNumber: number, vr: string, value: Buffer, undefinedLength = false): Buffer {
  const head = Buffer.alloc(LONG_VRS.has(vr) ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elementNumber, 2);
  head.write(vr, 4, 'latin1');
  if (LONG_VRS.has(vr)) head.writeUInt32LE(undefinedLength ? 0xffffffff : value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

function item(tagElement: number, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0xfffe, 0);
  head.writeUInt16LE(tagElement, 2);
  head.writeUInt32LE(value.length, 4);
  return Buffer.concat([head, value]);
}

/** Writes the file into `dir` and returns its path. */
export async function writeCompressedDwi(dir: string): Promise<string> {
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', text(MR_IMAGE_STORAGE)),
    element(0x0002, 0x0003, 'UI', text(COMPRESSED_DWI.instance)),
    element(0x0002, 0x0010, 'UI', text(JPEG_2000_LOSSLESS)),
    element(0x0002, 0x0012, 'UI', text('1.2.826.0.1.3680043.10.1090')),
  ]);
  // Encapsulated pixel data: an empty offset table, one fragment that is no JPEG 2000 stream.
  const pixels = Buffer.concat([item(0xe000, Buffer.alloc(0)), item(0xe000, Buffer.from([0xff, 0x4f, 0xff, 0x51])), item(0xe0dd, Buffer.alloc(0))]);
  const dataset = Buffer.concat([
    element(0x0008, 0x0008, 'CS', text('ORIGINAL\\PRIMARY\\DIFFUSION\\NONE')),
    element(0x0008, 0x0016, 'UI', text(MR_IMAGE_STORAGE)),
    element(0x0008, 0x0018, 'UI', text(COMPRESSED_DWI.instance)),
    element(0x0008, 0x0060, 'CS', text('MR')),
    element(0x0008, 0x0070, 'LO', text('SIEMENS')),
    element(0x0010, 0x0020, 'LO', text('COMPRESSED_DWI')),
    element(0x0018, 0x0024, 'SH', text('*ep_b1000t')),
    element(0x0019, 0x0010, 'LO', text('SIEMENS MR HEADER')),
    element(0x0019, 0x100c, 'OB', Buffer.from('1000')),
    element(0x0019, 0x100d, 'OB', Buffer.from('ISOTROPIC ')),
    element(0x0020, 0x000d, 'UI', text(COMPRESSED_DWI.study)),
    element(0x0020, 0x000e, 'UI', text(COMPRESSED_DWI.series)),
    element(0x0028, 0x0002, 'US', us(1)),
    element(0x0028, 0x0004, 'CS', text('MONOCHROME2')),
    element(0x0028, 0x0010, 'US', us(2)),
    element(0x0028, 0x0011, 'US', us(2)),
    element(0x0028, 0x0100, 'US', us(16)),
    element(0x0028, 0x0101, 'US', us(12)),
    element(0x0028, 0x0102, 'US', us(11)),
    element(0x0028, 0x0103, 'US', us(0)),
    element(0x7fe0, 0x0010, 'OB', pixels, true),
  ]);
  const groupLength = element(0x0002, 0x0000, 'UL', Buffer.from(Uint32Array.of(meta.length).buffer));
  const path = join(dir, 'compressed-dwi.dcm');
  await writeFile(path, Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), groupLength, meta, dataset]));
  return path;
}
