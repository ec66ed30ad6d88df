/**
 * A dataset's kept elements by tag (what `ParsedHeader.elements` is): two arrays in the order read,
 * searched by halves while the tags ascend, as a dataset's must; a Map from the first tag out of
 * order on (a damaged or odd file). A Map of a header's fifty kept elements, grown and rehashed as
 * they arrive, cost more to build than reading the elements; appending to arrays costs little.
 */
/** An empty array of doubles: tags of groups from 0x4000 on are no small integers, and one elements kind keeps the search's code monomorphic. */
function tagArray(): number[] {
  const tags = [0.5];
  tags.length = 0;
  return tags;
}

/** Tags looked at one by one after the cursor before searching by halves. */
const CURSOR_STEPS = 8;

/** Generic in its values: the parser's element type is not imported here (no import cycle with parse.ts). */
export class ElementList<Value> implements ReadonlyMap<number, Value> {
  private tags = tagArray();
  private elements: Value[] = [];
  /** Set when a tag arrives out of order: every question goes to it from then on. */
  private map: Map<number, Value> | undefined = undefined;

  get size(): number {
    return this.map !== undefined ? this.map.size : this.tags.length;
  }

  get(tag: number): Value | undefined {
    if (this.map !== undefined) return this.map.get(tag);
    const index = this.indexOf(tag);
    return index >= 0 ? this.elements[index] : undefined;
  }

  /** Where the last `indexOf` stopped: reads in ascending tag order (the row code's) go on from there. */
  private cursor = 0;

  has(tag: number): boolean {
    return this.map !== undefined ? this.map.has(tag) : this.indexOf(tag) >= 0;
  }

  /** As `Map.set`: a tag already held keeps its place and takes the new element. */
  set(tag: number, element: Value): this {
    if (this.map !== undefined) {
      this.map.set(tag, element);
      return this;
    }
    const { tags } = this;
    if (tags.length === 0 || tags[tags.length - 1]! < tag) {
      tags.push(tag);
      this.elements.push(element);
      return this;
    }
    const index = this.indexOf(tag);
    if (index >= 0) this.elements[index] = element;
    else this.outOfOrder(tag, element);
    return this;
  }

  /** Keeps the first `length` elements (in the order set), drops the rest. */
  truncate(length: number): void {
    if (this.map === undefined) {
      this.tags.length = Math.min(length, this.tags.length);
      this.elements.length = this.tags.length;
    } else {
      const kept = [...this.map].slice(0, length);
      this.map.clear();
      for (const [tag, element] of kept) this.map.set(tag, element);
    }
    this.cursor = 0;
  }

  private outOfOrder(tag: number, element: Value): void {
    const map = new Map<number, Value>();
    for (let i = 0; i < this.tags.length; i++) map.set(this.tags[i]!, this.elements[i]!);
    map.set(tag, element);
    this.map = map;
  }

  private indexOf(tag: number): number {
    const { tags } = this;
    let low = 0;
    let high = tags.length - 1;
    let at = this.cursor;
    if (at === 0 || tags[at - 1]! < tag) {
      // A few steps on from the last tag read, then by halves in what is left.
      for (const stop = Math.min(at + CURSOR_STEPS, tags.length); at < stop && tags[at]! < tag;) at++;
      if (at < tags.length && tags[at]! >= tag) {
        this.cursor = tags[at] === tag ? at + 1 : at;
        return tags[at] === tag ? at : -1;
      }
      low = at;
    }
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const middleTag = tags[middle]!;
      if (middleTag < tag) low = middle + 1;
      else if (middleTag > tag) high = middle - 1;
      else {
        this.cursor = middle + 1;
        return middle;
      }
    }
    return -1;
  }

  keys(): MapIterator<number> {
    return this.map !== undefined ? this.map.keys() : this.tags.values();
  }

  values(): MapIterator<Value> {
    return this.map !== undefined ? this.map.values() : this.elements.values();
  }

  entries(): MapIterator<[number, Value]> {
    if (this.map !== undefined) return this.map.entries();
    const { tags, elements } = this;
    return tags.map((tag, i): [number, Value] => [tag, elements[i]!]).values();
  }

  [Symbol.iterator](): MapIterator<[number, Value]> {
    return this.entries();
  }

  forEach(callback: (element: Value, tag: number, map: ReadonlyMap<number, Value>) => void, thisArg?: unknown): void {
    for (const [tag, element] of this.entries()) callback.call(thisArg, element, tag, this);
  }
}
