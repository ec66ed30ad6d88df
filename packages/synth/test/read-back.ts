/** Reading a generated cohort back with dcmjs (an independent reader), for the synth tests. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import dcmjs from 'dcmjs';

export interface DcmjsElement {
  vr: string;
  Value?: unknown[];
}
export type DcmjsDict = Record<string, DcmjsElement>;

const { DicomMessage } = (dcmjs as unknown as { data: { DicomMessage: { readFile(buffer: ArrayBuffer): { meta: DcmjsDict; dict: DcmjsDict } } } }).data;

/** Every file under `dir` but labels.csv. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : name === 'labels.csv' ? [] : [path];
  });
}

/** A Part-10 file's meta and dataset as dcmjs reads them. */
export function readDicomBytes(bytes: Uint8Array): { meta: DcmjsDict; dict: DcmjsDict } {
  return DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

export const readDicom = (path: string) => readDicomBytes(readFileSync(path));

export const value = (dict: DcmjsDict, tag: string): unknown => dict[tag]?.Value?.[0];
