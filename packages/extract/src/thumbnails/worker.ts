/** Thumbnail thread: places of files, or one file's thumbnail (codecs load once per thread). */
import { serveRequests } from '@msc/core';
import { createReadBuffer } from '../reader/read-file.js';
import { answer, type ThumbnailReply, type ThumbnailRequest } from './protocol.js';

const buffer = createReadBuffer();

serveRequests<ThumbnailRequest, ThumbnailReply>((request) => answer(request, buffer));
