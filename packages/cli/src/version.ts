/**
 * The version `winpipe --version` prints: the one of the package it ships in.
 *
 * `npm run bump` moves it with the manifests, and `npm run check`
 * (scripts/packages.mjs) fails when it differs from them: the published
 * program carries no manifest it could read at run time (JSR publishes the
 * sources without package.json, and a bundled program has neither).
 *
 * @module
 */

/**
 * The version of `@winpipe/cli`, as in its package.json and deno.json.
 *
 * @example
 * ```ts
 * import { VERSION } from "@winpipe/cli/program";
 * /^\d+\.\d+\.\d+/.test(VERSION); // true
 * ```
 */
export const VERSION = "0.1.0";
