export * from './http.js';
export * from './rows.js';
export * from './study.js';
export * from './orthanc.js';
export * from './dicomweb.js';
export * from './series.js';
export * from './thumbnails.js';
