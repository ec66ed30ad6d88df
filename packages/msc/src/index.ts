export { JOBS, main, type Job } from './cli/main.js';
