/**
 * `@winpipe/bun`: the winpipe API over kernel32 through bun:ffi. Not built
 * yet: this package is a placeholder for the Bun backend issue and exports
 * nothing.
 *
 * @module
 */
export {};
