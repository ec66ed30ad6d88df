/**
 * `@msc/pacs/testing`: a real Orthanc started from the Debian packages for tests and benchmarks
 * (with the loopback shim in native/). Not part of the client API.
 */
export * from './local-orthanc.js';
