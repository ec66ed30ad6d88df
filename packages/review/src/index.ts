export * from './data.js';
export { CorrectionStore } from './corrections.js';
export { contentSecurityPolicy, renderPage } from './html.js';
export { readPredictionTable, seriesFromRows, tableClasses, type PredictionTable } from './predictions.js';
export { openReview, type ReviewOptions } from './review.js';
export { MAX_CORRECTION_BYTES, ReviewRequestError, ReviewSession, type ReviewSessionOptions } from './session.js';
export { REVIEW_HOST, parseJsonBody, startReviewServer, type RunningReview } from './server.js';
export { isDicomUid, markThumbnails, thumbnailFile, thumbnailPath } from './thumbnails.js';
