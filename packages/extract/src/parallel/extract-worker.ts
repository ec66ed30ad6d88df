/** Worker thread: batches of paths in, extract events out (blocking reads, one reused buffer). */
import { serveRequests, setCsvFormulaPolicy } from '@msc/core/lean';
import { extractCellsSync, extractFileSync, loadImageFeatures } from '../extract-file.js';
import { lineBatchTransfer } from '../line-batch.js';
import { createReadBuffer } from '../reader/read-file.js';
import { encodeCells, encodeEvents, unpackFiles, type WorkerReply, type WorkerRequest } from './protocol.js';

const buffer = createReadBuffer();

serveRequests<WorkerRequest, WorkerReply>(
  (request) => {
    if (request.csvFormulas) setCsvFormulaPolicy(request.csvFormulas);
    const paths = unpackFiles(request.files);
    // The pixel code loads with the first request for image features (a header-only run's threads start without it).
    return request.image
      ? loadImageFeatures().then(() =>
          encodeEvents(
            paths.map((path) => extractFileSync(path, buffer, { image: true, ...(request.shard ? { shard: request.shard } : {}) })),
            request,
          ),
        )
      : encodeCells(paths, (path) => extractCellsSync(path, buffer, request.shard ? { shard: request.shard } : {}), request);
  },
  { transfer: (reply) => ('text' in reply ? lineBatchTransfer(reply) : []) },
);
