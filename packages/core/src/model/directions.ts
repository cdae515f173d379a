/**
 * The access directions of a named pipe (dwOpenMode's PIPE_ACCESS_* bits),
 * as the model keeps them.
 *
 * @module
 */

/** PIPE_ACCESS_INBOUND: clients write, the server reads. */
export const INBOUND = 1;
/** PIPE_ACCESS_OUTBOUND: the server writes, clients read. */
export const OUTBOUND = 2;
/** PIPE_ACCESS_DUPLEX. */
export const DUPLEX = 3;
