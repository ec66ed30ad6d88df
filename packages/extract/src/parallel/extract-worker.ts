/** Worker thread: batches of paths in, extract events out (blocking reads, one reused buffer). */
import { serveRequests } from '@msc/core';
import { extractFileSync } from '../extract-file.js';
import { createReadBuffer } from '../reader/read-file.js';
import { encodeEvents, type WorkerReply, type WorkerRequest } from './protocol.js';

const buffer = createReadBuffer();

serveRequests<WorkerRequest, WorkerReply>((request) =>
  encodeEvents(
    request.paths.map((path) => extractFileSync(path, buffer, { image: request.image })),
    request,
  ),
);
