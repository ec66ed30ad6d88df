export * from './report-data.js';
export * from './report.js';
export { renderReport } from './html.js';
