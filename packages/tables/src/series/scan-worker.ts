/**
 * Worker thread for the parallel reduction of large CSV/TSV tables: scans one byte range, keeps
 * its reducer, and once told which series other ranges have too, finishes the rest itself.
 */
import { parentPort } from 'node:worker_threads';
import type { SeriesReducer } from './reduce.js';
import { encodeRows, transferList } from './row-transfer.js';
import { scanRange, type ScanReply, type ScanRequest } from './scan-delimited.js';

let reducer: SeriesReducer | undefined;
const reply = (message: ScanReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);

parentPort!.on('message', (request: ScanRequest) => {
  if (request.kind === 'scan') {
    const outcome = scanRange(request.task);
    if (outcome.kind !== 'scanned') return reply(outcome);
    reducer = outcome.reducer;
    return reply({ kind: 'scanned', ids: reducer.groupIds(), rows: outcome.rows });
  }
  const shared = new Set(request.shared);
  const own = reducer!.finishWhere((id) => !shared.has(id));
  const rows = encodeRows(own.ids, own.rows);
  const state = reducer!.toState((id) => shared.has(id));
  reducer = undefined;
  reply({ kind: 'finished', rows, state }, transferList(rows));
});
