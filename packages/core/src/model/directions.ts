/**
 * The access directions of a named pipe (dwOpenMode's PIPE_ACCESS_* bits),
 * as the model keeps them.
 *
 * @module
 */

/**
 * PIPE_ACCESS_INBOUND: clients write, the server reads.
 *
 * @example
 * ```ts
 * import { PIPE_ACCESS_INBOUND } from "@winpipe/core";
 * import { INBOUND } from "@winpipe/core/internal";
 * INBOUND === PIPE_ACCESS_INBOUND; // true
 * ```
 */
export const INBOUND = 1;
/**
 * PIPE_ACCESS_OUTBOUND: the server writes, clients read.
 *
 * @example
 * ```ts
 * import { PIPE_ACCESS_OUTBOUND } from "@winpipe/core";
 * import { OUTBOUND } from "@winpipe/core/internal";
 * OUTBOUND === PIPE_ACCESS_OUTBOUND; // true
 * ```
 */
export const OUTBOUND = 2;
/**
 * PIPE_ACCESS_DUPLEX.
 *
 * @example
 * ```ts
 * import { DUPLEX, INBOUND, OUTBOUND } from "@winpipe/core/internal";
 * DUPLEX === (INBOUND | OUTBOUND); // true
 * ```
 */
export const DUPLEX = 3;
