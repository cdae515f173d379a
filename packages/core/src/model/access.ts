/**
 * The access rights of a pipe end, as the I/O manager checks them before
 * the pipe file system sees a call.
 *
 * @module
 */
import { FILE_WRITE_ATTRIBUTES, GENERIC_READ, GENERIC_WRITE } from "../constants.ts";
import { INBOUND, OUTBOUND } from "./directions.ts";

/** GENERIC_ALL: every access right. */
const GENERIC_ALL = 0x10000000;
/** FILE_READ_DATA, the specific right GENERIC_READ maps to. */
const FILE_READ_DATA = 0x0001;
/** FILE_WRITE_DATA, the specific right GENERIC_WRITE maps to. */
const FILE_WRITE_DATA = 0x0002;

/**
 * The access rights of an end that pipe calls check before anything else
 * (the I/O manager checks them before NPFS sees the call).
 *
 * @example
 * ```ts
 * import { type Access, clientAccess } from "@winpipe/core/internal";
 * import { GENERIC_READ } from "@winpipe/core";
 * const access: Access = clientAccess(GENERIC_READ);
 * access.readData; // true
 * access.writeData; // false
 * ```
 */
export interface Access {
  /** FILE_READ_DATA: ReadFile, PeekNamedPipe, TransactNamedPipe. */
  readonly readData: boolean;
  /** FILE_WRITE_DATA: WriteFile, FlushFileBuffers, TransactNamedPipe. */
  readonly writeData: boolean;
  /** FILE_READ_ATTRIBUTES: GetNamedPipeHandleState, GetNamedPipeInfo. */
  readonly readAttributes: boolean;
  /** FILE_WRITE_ATTRIBUTES: SetNamedPipeHandleState (S15). */
  readonly writeAttributes: boolean;
}

/**
 * The access of a server end: CreateNamedPipe asks for GENERIC_READ when
 * the pipe is inbound and GENERIC_WRITE when it is outbound, so an
 * outbound-only server cannot query its state and an inbound-only one
 * cannot change it (Wine's test_file_access, validated on Windows).
 *
 * @example
 * ```ts
 * import { INBOUND, serverAccess } from "@winpipe/core/internal";
 * serverAccess(INBOUND).readData; // true
 * serverAccess(INBOUND).writeAttributes; // false: an inbound-only server cannot change its state
 * ```
 */
export function serverAccess(direction: number): Access {
  const read = (direction & INBOUND) !== 0;
  const write = (direction & OUTBOUND) !== 0;
  return { readData: read, writeData: write, readAttributes: read, writeAttributes: write };
}

/**
 * The access of a client end from CreateFile's dwDesiredAccess. CreateFile
 * always adds FILE_READ_ATTRIBUTES; GENERIC_WRITE includes
 * FILE_WRITE_ATTRIBUTES.
 *
 * @example
 * ```ts
 * import { GENERIC_WRITE } from "@winpipe/core";
 * import { clientAccess } from "@winpipe/core/internal";
 * clientAccess(GENERIC_WRITE).readAttributes; // true: CreateFile always adds FILE_READ_ATTRIBUTES
 * ```
 */
export function clientAccess(desired: number): Access {
  const all = (desired & GENERIC_ALL) !== 0;
  const read = all || (desired & GENERIC_READ) !== 0 || (desired & FILE_READ_DATA) !== 0;
  const write = all || (desired & GENERIC_WRITE) !== 0 || (desired & FILE_WRITE_DATA) !== 0;
  const writeAttributes = all || (desired & GENERIC_WRITE) !== 0 || (desired & FILE_WRITE_ATTRIBUTES) !== 0;
  return { readData: read, writeData: write, readAttributes: true, writeAttributes };
}

/**
 * The ends of an anonymous pipe: CreatePipe opens the read end with
 * GENERIC_READ | FILE_WRITE_ATTRIBUTES and the write end with GENERIC_WRITE
 * | FILE_READ_ATTRIBUTES, so both can use the named-pipe state calls (S9).
 */
export const ANONYMOUS_READ_ACCESS: Access = {
  readData: true,
  writeData: false,
  readAttributes: true,
  writeAttributes: true,
};
/** See {@linkcode ANONYMOUS_READ_ACCESS}. */
export const ANONYMOUS_WRITE_ACCESS: Access = {
  readData: false,
  writeData: true,
  readAttributes: true,
  writeAttributes: true,
};
