/** Worker thread: batches of paths in, extract events out (blocking reads, one reused buffer). */
import { serveRequests, setCsvFormulaPolicy } from '@msc/core/lean';
import { extractCellsSync, extractFileSync } from '../extract-file.js';
import { lineBatchTransfer } from '../line-batch.js';
import { createReadBuffer } from '../reader/read-file.js';
import { encodeCells, encodeEvents, type WorkerReply, type WorkerRequest } from './protocol.js';

const buffer = createReadBuffer();

serveRequests<WorkerRequest, WorkerReply>(
  (request) => {
    if (request.csvFormulas) setCsvFormulaPolicy(request.csvFormulas);
    return request.image
      ? encodeEvents(
          request.paths.map((path) => extractFileSync(path, buffer, { image: true, ...(request.shard ? { shard: request.shard } : {}) })),
          request,
        )
      : encodeCells(request.paths, (path) => extractCellsSync(path, buffer, request.shard ? { shard: request.shard } : {}), request);
  },
  { transfer: (reply) => ('text' in reply ? lineBatchTransfer(reply) : []) },
);
