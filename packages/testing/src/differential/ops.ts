/**
 * The differential test's vocabulary: the operations a sequence is made of, and how often each is drawn.
 *
 * @module
 */
import { type NamedPipe, type PipeEnd } from "@winpipe/core/internal";

/**
 * One operation of a differential sequence. Handles live in numbered slots
 * (a slot is filled by the operation that creates the handle); pipe names
 * are numbered too (`pipe` 0, 1, ...; the runner turns them into unique
 * names). Everything is plain data, so a sequence prints as JSON.
 *
 * @example
 * ```ts
 * import { type DiffOp, formatOp } from "@winpipe/testing";
 * const op: DiffOp = { kind: "write", slot: 1, size: 64 };
 * formatOp(op); // "write(s1, 64)"
 * ```
 */
export type DiffOp =
  /** CreateNamedPipeW into `slot`. */
  | {
    kind: "createNamedPipe";
    slot: number;
    pipe: number;
    openMode: number;
    pipeMode: number;
    maxInstances: number;
    inBufferSize: number;
    outBufferSize: number;
    defaultTimeout: number;
  }
  /** CreateFileW into `slot`; `upperCase` spells the prefix `\\.\PIPE\` (A4). */
  | { kind: "openPipe"; slot: number; pipe: number; access: number; upperCase: boolean }
  /** CreatePipe: the read end into `slot`, the write end into `slot + 1`. */
  | { kind: "createPipe"; slot: number; bufferSize: number }
  /** ConnectNamedPipe. */
  | { kind: "connect"; slot: number }
  /** ReadFile with a buffer of `size` bytes. */
  | { kind: "read"; slot: number; size: number }
  /** WriteFile of `size` bytes (a pattern that depends on the operation's index). */
  | { kind: "write"; slot: number; size: number }
  /** PeekNamedPipe; `size` null means no buffer. */
  | { kind: "peek"; slot: number; size: number | null }
  /** SetNamedPipeHandleState(lpMode = mode). */
  | { kind: "setState"; slot: number; mode: number }
  /** GetNamedPipeHandleStateW. */
  | { kind: "getState"; slot: number }
  /** GetNamedPipeInfo. */
  | { kind: "getInfo"; slot: number }
  /** DisconnectNamedPipe. */
  | { kind: "disconnect"; slot: number }
  /** CloseHandle. */
  | { kind: "close"; slot: number }
  /** CancelIoEx(handle, NULL). */
  | { kind: "cancelIo"; slot: number }
  /** TransactNamedPipe with a `size`-byte request and a `replySize`-byte reply buffer. */
  | { kind: "transact"; slot: number; size: number; replySize: number }
  /** FlushFileBuffers. */
  | { kind: "flush"; slot: number }
  /** WaitNamedPipeW; `pipe` -1 is a name no operation creates. */
  | { kind: "waitNamedPipe"; pipe: number; timeout: number };

/**
 * The kinds of {@linkcode DiffOp}.
 *
 * @example
 * ```ts
 * import { DEFAULT_WEIGHTS, type DiffOpKind } from "@winpipe/testing";
 * const kind: DiffOpKind = "transact";
 * DEFAULT_WEIGHTS[kind]; // 0.8
 * ```
 */
export type DiffOpKind = DiffOp["kind"];

/**
 * Options of {@linkcode generateSequence}.
 *
 * @example
 * ```ts
 * import { type GenerateOptions, generateSequence } from "@winpipe/testing";
 * const options: GenerateOptions = { length: 10, weights: { transact: 0 }, exclusions: {} };
 * generateSequence(7, options).some((op) => op.kind === "transact"); // false
 * ```
 */
export interface GenerateOptions {
  /** Operations in the sequence (not counting the runner's clean-up). Default 30. */
  length?: number;
  /** How many pipe names the sequence uses. Default: 1 or 2, drawn from the seed. */
  pipes?: number;
  /**
   * Relative weights of the operation kinds; a kind with weight 0 is never
   * generated (CancelIoEx may still be emitted to limit pending operations).
   * Merged over {@linkcode DEFAULT_WEIGHTS}.
   */
  weights?: Partial<Record<DiffOpKind, number>>;
  /** When more operations than this are pending, the oldest one's handle gets a CancelIoEx. Default 3. */
  maxPending?: number;
  /** An operation pending for this many operations gets a CancelIoEx on its handle. Default 6. */
  maxPendingAge?: number;
  /**
   * Shapes to leave out, keyed by id, each a predicate on the state the
   * operation would meet. Default {@linkcode WINE_EXCLUSIONS}; pass `{}` to
   * generate everything (model against model).
   */
  exclusions?: Readonly<Record<string, Exclusion>>;
  /** Called with the id of each exclusion that removed a drawn operation (for coverage counts). */
  onExclude?: (id: string, op: DiffOp) => void;
}

/**
 * How often each kind of operation is generated, relative to the others.
 *
 * Never generated, whatever the weights: FILE_FLAG_FIRST_PIPE_INSTANCE
 * (Wine 10 ignores it: docs/behaviours.md, known Wine deviations, A7) and max
 * instances 0 or 256 (Wine 10 accepts them, Windows does not: same list).
 *
 * @example
 * ```ts
 * import { DEFAULT_WEIGHTS } from "@winpipe/testing";
 * DEFAULT_WEIGHTS.read; // 5: reads and writes are drawn most often
 * ```
 */
export const DEFAULT_WEIGHTS: Readonly<Record<DiffOpKind, number>> = {
  createNamedPipe: 2,
  openPipe: 2.5,
  createPipe: 0.4,
  connect: 1.5,
  read: 5,
  write: 5,
  peek: 2,
  setState: 1.5,
  getState: 0.7,
  getInfo: 0.5,
  disconnect: 0.8,
  close: 1.2,
  cancelIo: 0.7,
  transact: 0.8,
  flush: 0.5,
  waitNamedPipe: 0.4,
};

/**
 * What an {@linkcode Exclusion} sees: the operation, and the shadow model's
 * view of the handle it uses (if any) and of its pipe name (if it has one).
 *
 * @example
 * ```ts
 * import type { Exclusion, ExclusionContext } from "@winpipe/testing";
 * // Leave out reads on handles of message pipes:
 * const noMessageReads: Exclusion = (context: ExclusionContext) =>
 *   context.op.kind === "read" && context.pipe?.messageType === true;
 * ```
 */
export interface ExclusionContext {
  /** The operation about to be generated. */
  op: DiffOp;
  /** The pipe end of the operation's handle in the shadow model, if the operation has an open handle. */
  end: PipeEnd | undefined;
  /** The named pipe the operation's name refers to in the shadow model, if it exists now. */
  pipe: NamedPipe | undefined;
  /** The buffer sizes the first instance of `pipe` asked for (its name's sizes), if `pipe` exists. */
  pipeSizes: { inBufferSize: number; outBufferSize: number } | undefined;
  /** The operations still pending on the operation's handle (in the shadow model), oldest first. */
  pending: DiffOp[];
  /** The operations still pending on the other end of the handle's instance, oldest first. */
  peerPending: DiffOp[];
  /** The operation's handle writes into a queue that holds (part of) a TransactNamedPipe request nobody read yet. */
  transactData: boolean;
  /** The operation's handle reads from a queue that holds a zero-length message. */
  zeroLengthQueued: boolean;
}

/**
 * Returns true when the operation must not be generated.
 *
 * @example
 * ```ts
 * import { type Exclusion, generateSequence, WINE_EXCLUSIONS } from "@winpipe/testing";
 * const noFlushes: Exclusion = ({ op }) => op.kind === "flush";
 * const ops = generateSequence(3, { exclusions: { ...WINE_EXCLUSIONS, noFlushes } });
 * ops.some((op) => op.kind === "flush"); // false
 * ```
 */
export type Exclusion = (context: ExclusionContext) => boolean;
