/**
 * Worker thread for the parallel reduction of large CSV/TSV tables: scans one byte range, keeps
 * its reducer, and once told which series other ranges have too, finishes the rest itself.
 */
import { serveRequests } from '@msc/core';
import type { SeriesReducer } from './reduce/reducer.js';
import { toState } from './reduce/state.js';
import { encodeRows, transferList } from './row-transfer.js';
import { scanRange, type ScanReply, type ScanRequest } from './scan-delimited.js';

let reducer: SeriesReducer | undefined;
serveRequests<ScanRequest, ScanReply>(
  (request) => {
    if (request.kind === 'scan') {
      const outcome = scanRange(request.task);
      if (outcome.kind !== 'scanned') return outcome;
      reducer = outcome.reducer;
      return { kind: 'scanned', ids: reducer.groupIds(), rows: outcome.rows, blankKeyRows: reducer.blankKeyRows };
    }
    const shared = new Set(request.shared);
    const own = reducer!.finishWhere((id) => !shared.has(id));
    const rows = encodeRows(own.ids, own.rows);
    const state = toState(reducer!, (id) => shared.has(id));
    reducer = undefined;
    return { kind: 'finished', rows, state };
  },
  { transfer: (reply) => (reply.kind === 'finished' ? transferList(reply.rows) : []) },
);
