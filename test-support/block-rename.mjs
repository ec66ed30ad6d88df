/**
 * Fault injection for the signal tests (loaded with `node --import`): the first rename onto a path
 * ending in $MSC_BLOCK_RENAME never completes, so a run is held with its temporary file complete
 * and not yet renamed, for as long as the test needs; "blocked <temporary>" on stderr says when.
 * A real run passes that point in microseconds: no test could signal it there without this.
 */
import { syncBuiltinESMExports } from 'node:module';
import fsp from 'node:fs/promises';

const suffix = process.env.MSC_BLOCK_RENAME;
const rename = fsp.rename;
let blocked = false;
fsp.rename = async (from, to) => {
  if (!suffix || blocked || !String(to).endsWith(suffix)) return rename(from, to);
  blocked = true;
  process.stderr.write(`blocked ${String(from)}\n`);
  // Keeps the event loop alive while the rename waits (a pending promise alone would not).
  setInterval(() => undefined, 1 << 30);
  return new Promise(() => undefined);
};
syncBuiltinESMExports();
