/**
 * `@winpipe/streams`: WHATWG ReadableStream and WritableStream over winpipe
 * handles. Not built yet: this package is a placeholder for the streams
 * issue and exports nothing.
 *
 * @module
 */
export {};
