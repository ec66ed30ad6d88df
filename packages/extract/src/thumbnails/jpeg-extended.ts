/**
 * Sequential DCT JPEG with Huffman coding at 12-bit precision (DICOM's JPEG Extended, process 4,
 * 1.2.840.10008.1.2.4.51 — what 12-bit CT and MR are written in), which libjpeg-turbo's 8-bit
 * WebAssembly build cannot decode. Grey images, or colour without chroma subsampling; values as
 * IJG libjpeg's 12-bit build gives them (GDCM's decoder, pydicom's oracle): the integer "islow"
 * inverse DCT of jidctint.c and its range-limit table, so the output is the same to the last bit.
 */
import { PixelDataError } from './image-file.js';

const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22,
  15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

interface Huffman {
  /** Per code length 1..16: the largest code of that length (-1: none), and where its values start. */
  maxCode: Int32Array;
  offset: Int32Array;
  values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxCode = new Int32Array(18).fill(-1);
  const offset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    offset[length] = k - code;
    if (n > 0) maxCode[length] = code + n - 1;
    code = (code + n) << 1;
    k += n;
  }
  maxCode[17] = 0x7fffffff; // ends a runaway search
  return { maxCode, offset, values };
}

class BitReader {
  private bits = 0;
  private count = 0;
  /** Set when a marker stops the entropy-coded data: zeros are fed from then on (libjpeg's rule). */
  private marker = false;
  constructor(
    private readonly data: Uint8Array,
    public position: number,
  ) {}

  private fill(): void {
    while (this.count <= 24) {
      let byte = 0;
      if (!this.marker && this.position < this.data.length) {
        byte = this.data[this.position]!;
        if (byte === 0xff) {
          const next = this.data[this.position + 1];
          if (next === 0x00) this.position += 2;
          else {
            this.marker = true;
            byte = 0;
          }
        } else this.position += 1;
      }
      this.bits = ((this.bits << 8) | byte) >>> 0;
      this.count += 8;
    }
  }

  bit(): number {
    if (this.count === 0) this.fill();
    this.count -= 1;
    return (this.bits >>> this.count) & 1;
  }

  receive(length: number): number {
    let value = 0;
    for (let i = 0; i < length; i++) value = (value << 1) | this.bit();
    return value;
  }

  decode(table: Huffman): number {
    let code = this.bit();
    let length = 1;
    while (code > table.maxCode[length]!) {
      code = (code << 1) | this.bit();
      length += 1;
      if (length > 16) throw new PixelDataError('JPEG: bad Huffman code');
    }
    return table.values[table.offset[length]! + code]!;
  }

  /** At a restart marker: drop the buffered bits and step over RSTn. */
  restart(): void {
    this.bits = 0;
    this.count = 0;
    this.marker = false;
    while (
      this.position + 1 < this.data.length &&
      !(this.data[this.position] === 0xff && this.data[this.position + 1]! >= 0xd0 && this.data[this.position + 1]! <= 0xd7)
    )
      this.position += 1;
    this.position += 2;
  }
}

const extend = (value: number, length: number) => (length > 0 && value < 1 << (length - 1) ? value - (1 << length) + 1 : value);

// jidctint.c's constants: CONST_BITS 13; PASS1_BITS 2 for 8-bit samples, 1 for 12-bit.
const CONST_BITS = 13;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/** libjpeg's DESCALE: round, then an arithmetic shift (exact in doubles: libjpeg's INT32 is 64-bit here). */
const descale = (x: number, n: number) => Math.floor((x + 2 ** (n - 1)) / 2 ** n);

/** The post-IDCT range-limit table of jdmaster.c for `precision` bits, indexed by `value & mask`. */
function rangeLimit(precision: number): { table: Uint16Array; mask: number } {
  const max = (1 << precision) - 1;
  const center = 1 << (precision - 1);
  const size = 4 * (max + 1);
  const table = new Uint16Array(size);
  for (let x = 0; x < size; x++) {
    if (x < max + 1 - center) table[x] = x + center;
    else if (x < 2 * (max + 1)) table[x] = max;
    else if (x < size - center) table[x] = 0;
    else table[x] = x - (size - center);
  }
  return { table, mask: size - 1 };
}

/**
 * jidctint.c's butterfly on one row or column `v[0..7]`: the eight sums before descaling, in output
 * order (0 to 7). Both passes use it; only their inputs, shifts and outputs differ.
 */
function islowButterfly(v: ArrayLike<number>, out: Float64Array): void {
  // Even part.
  let z2 = v[2]!;
  let z3 = v[6]!;
  let z1 = (z2 + z3) * FIX_0_541196100;
  let tmp2 = z1 + z3 * -FIX_1_847759065;
  let tmp3 = z1 + z2 * FIX_0_765366865;
  let tmp0 = (v[0]! + v[4]!) * 2 ** CONST_BITS;
  let tmp1 = (v[0]! - v[4]!) * 2 ** CONST_BITS;
  const tmp10 = tmp0 + tmp3;
  const tmp13 = tmp0 - tmp3;
  const tmp11 = tmp1 + tmp2;
  const tmp12 = tmp1 - tmp2;
  // Odd part.
  tmp0 = v[7]!;
  tmp1 = v[5]!;
  tmp2 = v[3]!;
  tmp3 = v[1]!;
  z1 = tmp0 + tmp3;
  z2 = tmp1 + tmp2;
  z3 = tmp0 + tmp2;
  let z4 = tmp1 + tmp3;
  const z5 = (z3 + z4) * FIX_1_175875602;
  tmp0 *= FIX_0_298631336;
  tmp1 *= FIX_2_053119869;
  tmp2 *= FIX_3_072711026;
  tmp3 *= FIX_1_501321110;
  z1 *= -FIX_0_899976223;
  z2 *= -FIX_2_562915447;
  z3 = z3 * -FIX_1_961570560 + z5;
  z4 = z4 * -FIX_0_390180644 + z5;
  tmp0 += z1 + z3;
  tmp1 += z2 + z4;
  tmp2 += z2 + z3;
  tmp3 += z1 + z4;
  out[0] = tmp10 + tmp3;
  out[7] = tmp10 - tmp3;
  out[1] = tmp11 + tmp2;
  out[6] = tmp11 - tmp2;
  out[2] = tmp12 + tmp1;
  out[5] = tmp12 - tmp1;
  out[3] = tmp13 + tmp0;
  out[4] = tmp13 - tmp0;
}

/** jpeg_idct_islow: quantized 8×8 coefficients (natural order) → samples written at `out`. */
function idctIslow(block: Int32Array, quant: Uint16Array, range: { table: Uint16Array; mask: number }, out: Uint16Array, at: number, stride: number): void {
  const PASS1_BITS = range.mask === 4 * 256 - 1 ? 2 : 1;
  const work = new Float64Array(64);
  const line = new Float64Array(8);
  const sums = new Float64Array(8);
  // Pass 1: columns, dequantized, into the work array (scaled up by PASS1_BITS).
  for (let c = 0; c < 8; c++) {
    for (let k = 0; k < 8; k++) line[k] = block[k * 8 + c]! * quant[k * 8 + c]!;
    if (line[1] === 0 && line[2] === 0 && line[3] === 0 && line[4] === 0 && line[5] === 0 && line[6] === 0 && line[7] === 0) {
      for (let k = 0; k < 8; k++) work[k * 8 + c] = line[0]! * 2 ** PASS1_BITS;
      continue;
    }
    islowButterfly(line, sums);
    for (let k = 0; k < 8; k++) work[k * 8 + c] = descale(sums[k]!, CONST_BITS - PASS1_BITS);
  }
  // Pass 2: rows, descaled and range-limited into samples.
  const { table, mask } = range;
  for (let r = 0; r < 8; r++) {
    const row = work.subarray(r * 8, r * 8 + 8);
    const to = at + r * stride;
    if (row[1] === 0 && row[2] === 0 && row[3] === 0 && row[4] === 0 && row[5] === 0 && row[6] === 0 && row[7] === 0) {
      out.fill(table[descale(row[0]!, PASS1_BITS + 3) & mask]!, to, to + 8);
      continue;
    }
    islowButterfly(row, sums);
    for (let k = 0; k < 8; k++) out[to + k] = table[descale(sums[k]!, CONST_BITS + PASS1_BITS + 3) & mask]!;
  }
}

interface Component {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  dcTable?: Huffman;
  acTable?: Huffman;
  predictor: number;
  /** Decoded samples, padded to whole blocks. */
  samples: Uint16Array;
  blocksPerLine: number;
}

export interface ExtendedJpegImage {
  width: number;
  height: number;
  components: number;
  precision: number;
  /** Samples, components interleaved. */
  samples: Uint16Array;
}

/** Decodes one sequential Huffman-coded DCT JPEG (SOF0 or SOF1, 8- or 12-bit) of one scan. */
export function decodeExtendedJpeg(data: Uint8Array): ExtendedJpegImage {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new PixelDataError('JPEG: no start of image');
  const quantTables: Uint16Array[] = [];
  const dcTables: Huffman[] = [];
  const acTables: Huffman[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let precision = 8;
  let restartInterval = 0;
  let at = 2;
  const u16 = (k: number) => (data[k]! << 8) | data[k + 1]!;
  for (;;) {
    if (at + 4 > data.length) throw new PixelDataError('JPEG: no scan');
    if (data[at] !== 0xff) throw new PixelDataError(`JPEG: no marker at byte ${at}`);
    const marker = data[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = u16(at + 2);
    const segment = at + 4;
    const end = at + 2 + length;
    if (marker === 0xdb) {
      for (let k = segment; k < end;) {
        const sixteen = data[k]! >> 4;
        const id = data[k]! & 15;
        const table = new Uint16Array(64);
        for (let i = 0; i < 64; i++) table[ZIGZAG[i]!] = sixteen ? u16(k + 1 + 2 * i) : data[k + 1 + i]!;
        quantTables[id] = table;
        k += 1 + 64 * (sixteen ? 2 : 1);
      }
    } else if (marker === 0xc4) {
      for (let k = segment; k < end;) {
        const kind = data[k]! >> 4;
        const id = data[k]! & 15;
        const counts = data.subarray(k + 1, k + 17);
        const total = counts.reduce((sum, n) => sum + n, 0);
        const table = buildHuffman(counts, data.slice(k + 17, k + 17 + total));
        (kind === 0 ? dcTables : acTables)[id] = table;
        k += 17 + total;
      }
    } else if (marker === 0xdd) {
      restartInterval = u16(segment);
    } else if (marker === 0xc0 || marker === 0xc1) {
      precision = data[segment]!;
      height = u16(segment + 1);
      width = u16(segment + 3);
      const count = data[segment + 5]!;
      components = [];
      for (let c = 0; c < count; c++) {
        const base = segment + 6 + 3 * c;
        components.push({
          id: data[base]!,
          h: data[base + 1]! >> 4,
          v: data[base + 1]! & 15,
          quantTable: data[base + 2]!,
          predictor: 0,
          samples: new Uint16Array(0),
          blocksPerLine: 0,
        });
      }
      if (components.some((c) => c.h !== 1 || c.v !== 1)) throw new PixelDataError('JPEG extended with chroma subsampling is not supported');
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new PixelDataError(`JPEG process of marker FF${marker.toString(16).toUpperCase()} is not supported by the extended decoder`);
    } else if (marker === 0xda) {
      if (components.length === 0) throw new PixelDataError('JPEG: scan before frame header');
      const count = data[segment]!;
      if (count !== components.length) throw new PixelDataError('JPEG with several scans is not supported by the extended decoder');
      for (let c = 0; c < count; c++) {
        const component = components.find((candidate) => candidate.id === data[segment + 1 + 2 * c]);
        if (!component) throw new PixelDataError('JPEG: scan names an unknown component');
        component.dcTable = dcTables[data[segment + 2 + 2 * c]! >> 4];
        component.acTable = acTables[data[segment + 2 + 2 * c]! & 15];
        if (!component.dcTable || !component.acTable) throw new PixelDataError('JPEG: scan uses a missing Huffman table');
      }
      at = end;
      break;
    }
    at = end;
  }
  const blocksPerLine = Math.ceil(width / 8);
  const blocksPerColumn = Math.ceil(height / 8);
  for (const component of components) {
    component.blocksPerLine = blocksPerLine;
    component.samples = new Uint16Array(blocksPerLine * 8 * blocksPerColumn * 8);
  }
  const range = rangeLimit(precision);
  const reader = new BitReader(data, at);
  const block = new Int32Array(64);
  const mcus = blocksPerLine * blocksPerColumn;
  for (let mcu = 0; mcu < mcus; mcu++) {
    if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
      reader.restart();
      for (const component of components) component.predictor = 0;
    }
    const row = Math.floor(mcu / blocksPerLine);
    const column = mcu % blocksPerLine;
    for (const component of components) {
      block.fill(0);
      const size = reader.decode(component.dcTable!);
      component.predictor += extend(reader.receive(size), size);
      block[0] = component.predictor;
      for (let k = 1; k < 64;) {
        const symbol = reader.decode(component.acTable!);
        const run = symbol >> 4;
        const bits = symbol & 15;
        if (bits === 0) {
          if (run !== 15) break; // end of block
          k += 16;
          continue;
        }
        k += run;
        if (k > 63) break;
        block[ZIGZAG[k]!] = extend(reader.receive(bits), bits);
        k += 1;
      }
      const quant = quantTables[component.quantTable];
      if (!quant) throw new PixelDataError('JPEG: missing quantization table');
      const stride = blocksPerLine * 8;
      idctIslow(block, quant, range, component.samples, row * 8 * stride + column * 8, stride);
    }
  }
  const samples = new Uint16Array(width * height * components.length);
  for (const [c, component] of components.entries()) {
    const stride = component.blocksPerLine * 8;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) samples[(y * width + x) * components.length + c] = component.samples[y * stride + x]!;
  }
  return { width, height, components: components.length, precision, samples };
}
