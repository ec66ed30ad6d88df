export * from './config.js';
export * from './errors.js';
export * from './gate.js';
export * from './metrics.js';
export * from './paths.js';
export * from './schemas.js';
export * from './service.js';
export * from './server.js';
