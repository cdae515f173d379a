/**
 * Differential testing: the same random sequence of pipe operations is
 * replayed on two kernels (the in-memory model and kernel32, or any two
 * {@linkcode PipeKernel}s) and every result and Win32 error code is
 * compared.
 *
 * The pieces:
 *
 * - {@linkcode Random}: a seeded PRNG (mulberry32), so a sequence is a pure
 *   function of its seed;
 * - {@linkcode generateSequence}: a random sequence of {@linkcode DiffOp}s
 *   over the kernel port: CreateNamedPipe with random type, read mode, wait
 *   mode, buffer sizes and max instances; CreateFile with random access;
 *   CreatePipe; ConnectNamedPipe; ReadFile and WriteFile of random sizes
 *   (0 to twice the buffer); PeekNamedPipe with and without a buffer;
 *   SetNamedPipeHandleState with valid and invalid modes;
 *   GetNamedPipeHandleState; GetNamedPipeInfo; DisconnectNamedPipe;
 *   CloseHandle; CancelIoEx; TransactNamedPipe; FlushFileBuffers;
 *   WaitNamedPipe with short timeouts. It depends on the seed and the
 *   options only, never on what a kernel under test answers, so both kernels
 *   get the same operations;
 * - {@linkcode runSequence}: runs a sequence on one kernel and records a
 *   normalized {@linkcode Trace}: for each operation its result (bytes, a
 *   checksum of the data, message completeness, peek counts, state bits,
 *   info) or its Win32 error name, and which earlier operations settled
 *   meanwhile and how;
 * - {@linkcode compareKernels}: runs many sequences on two kernels and
 *   reports the first difference of each, with the seed that replays it
 *   ({@linkcode replaySequence}).
 *
 * How the generator stays out of trouble: it drives a private in-memory
 * model (a "shadow") with every operation it emits, so it knows the exact
 * state the operation meets: which handles are open, which instances
 * listen, what is queued, what is pending. It uses that to pick sensible
 * handles and sizes, to keep at most a few operations pending (it cancels
 * the oldest with CancelIoEx when there are more, or when one has waited
 * long), and to leave out the operation shapes that kernel32 under Wine is
 * known to get wrong ({@linkcode WINE_EXCLUSIONS}, each backed by a finding
 * in docs/wine-findings.md or SPEC.md's list of known Wine deviations).
 *
 * How pending operations are kept deterministic: the runner never awaits an
 * operation. After each operation it lets the event loop turn once; if
 * anything is still pending it waits `settleMs` (again while operations
 * keep settling) and records which pending operations settled and how. A
 * trace says "pending" for an operation that was still pending at the end
 * of its own checkpoint and names the checkpoint at which it settled; the
 * order of settlements within one checkpoint is not recorded (no contract
 * defines it). kernel32 under Wine needs about 100-150 ms per checkpoint,
 * the model a few ms. At the end the runner cancels what is pending, closes
 * every handle, records the outcomes and the number of handles left open.
 *
 * @example
 * ```ts
 * import { compareKernels, formatMismatch } from "@winpipe/core/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 *
 * const result = await compareKernels(() => createModelKernel(), () => createModelKernel({ name: "model-b" }), {
 *   seed: 1,
 *   count: 5,
 * });
 * for (const mismatch of result.mismatches) console.log(formatMismatch(mismatch));
 * result.mismatches.length; // 0
 * ```
 *
 * @module
 */
import {
  FILE_READ_ATTRIBUTES,
  FILE_WRITE_ATTRIBUTES,
  GENERIC_READ,
  GENERIC_WRITE,
  NMPWAIT_USE_DEFAULT_WAIT,
  PIPE_ACCESS_DUPLEX,
  PIPE_ACCESS_INBOUND,
  PIPE_ACCESS_OUTBOUND,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_REJECT_REMOTE_CLIENTS,
  PIPE_TYPE_MESSAGE,
  PIPE_UNLIMITED_INSTANCES,
} from "../constants.ts";
import { errorName, isPipeError } from "../errors.ts";
import type { KernelHandle, PeekResult, PipeKernel, ReadData } from "../port.ts";
import { clientAccess, HandleRecord, type PipeEnd } from "../model/end.ts";
import { DUPLEX, INBOUND, type NamedPipe, OUTBOUND } from "../model/instance.ts";
import { ModelKernel } from "../model/kernel.ts";
import type { PendingOperation } from "../model/operation.ts";
import type { DataQueue } from "../model/queue.ts";
import type { ModelHandle } from "../model/end.ts";

// ---------------------------------------------------------------------------
// The PRNG.

/**
 * mulberry32: a small, fast 32-bit PRNG. Returns a function that yields
 * numbers in [0, 1), the same series for the same seed on every runtime.
 *
 * @example
 * ```ts
 * import { mulberry32 } from "@winpipe/core/testing";
 * const next = mulberry32(42);
 * const a = next();
 * mulberry32(42)() === a; // true
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded random source with the helpers the generator needs.
 *
 * @example
 * ```ts
 * import { Random } from "@winpipe/core/testing";
 * const random = new Random(7);
 * const size = random.int(0, 1024); // 0..1024, both included
 * const mode = random.pick(["byte", "message"] as const);
 * const big = random.chance(0.1); // true one time in ten
 * ```
 */
export class Random {
  readonly #next: () => number;

  /** A source whose series is fixed by `seed` (any 32-bit integer). */
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }

  /** A number in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.#next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.#next() < p;
  }

  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#next() * items.length)];
  }

  /** One of the values, with probability proportional to its weight (weights <= 0 never win). */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) if (w > 0) total += w;
    let x = this.#next() * total;
    for (const [value, w] of entries) {
      if (w <= 0) continue;
      if (x < w) return value;
      x -= w;
    }
    // Rounding: the last entry with a positive weight.
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i][1] > 0) return entries[i][0];
    throw new Error("Random.weighted: no entry has a positive weight");
  }
}

// ---------------------------------------------------------------------------
// Operations.

/**
 * One operation of a differential sequence. Handles live in numbered slots
 * (a slot is filled by the operation that creates the handle); pipe names
 * are numbered too (`pipe` 0, 1, ...; the runner turns them into unique
 * names). Everything is plain data, so a sequence prints as JSON.
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

/** The kinds of {@linkcode DiffOp}. */
export type DiffOpKind = DiffOp["kind"];

/** Options of {@linkcode generateSequence}. */
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
 * (Wine 10 ignores it: SPEC.md, known Wine deviations, A7) and max
 * instances 0 or 256 (Wine 10 accepts them, Windows does not: same list).
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

/** Returns true when the operation must not be generated. */
export type Exclusion = (context: ExclusionContext) => boolean;

/**
 * The shapes kernel32 under Wine 10 handles differently from Windows, which
 * the generator leaves out when testing against it. Each id names its
 * evidence: a deviation in SPEC.md's list or a finding in
 * docs/wine-findings.md.
 */
export const WINE_EXCLUSIONS: Readonly<Record<string, Exclusion>> = {
  /** docs/wine-findings.md W-S15: Wine lets a client without FILE_WRITE_ATTRIBUTES change its state. */
  "W-S15": ({ op, end }) => op.kind === "setState" && end?.role === "client" && !end.access.writeAttributes,
  /**
   * SPEC.md, known Wine deviations (E40): a nonblocking write to a message
   * pipe with reads pending that does not fit: Windows writes 0 and leaves
   * the reads pending, Wine differs.
   */
  "E40": ({ op, end }) => {
    if (op.kind !== "write" || op.size === 0 || end === undefined || !end.nonblocking) return false;
    const instance = end.instance;
    if (instance === undefined || instance.state !== "connected" || !instance.pipe.messageType) return false;
    const queue = instance.writeQueue(end);
    if (!queue.hasReaders) return false;
    const waiting = queue.pendingReadBytes;
    return !(op.size <= waiting || op.size - waiting <= queue.quota);
  },
  /** docs/wine-findings.md W-A6: Wine reports PIPE_UNLIMITED_INSTANCES as 0xFFFFFFFF in GetNamedPipeInfo. */
  "W-A6": ({ op, end }) => op.kind === "getInfo" && end?.instance?.pipe.maxInstances === PIPE_UNLIMITED_INSTANCES,
  /** docs/wine-findings.md W-B14: Wine fails DisconnectNamedPipe on a listening instance with ERROR_PIPE_LISTENING. */
  "W-B14": ({ op, end }) => op.kind === "disconnect" && end?.role === "server" && end.instance?.state === "listening",
  /** docs/wine-findings.md W-I: Wine lets TransactNamedPipe start while a read is pending on the same end. */
  "W-I": ({ op, end }) => {
    if (op.kind !== "transact" || end === undefined) return false;
    const instance = end.instance;
    return instance !== undefined && instance.state === "connected" && instance.pipe.direction === DUPLEX &&
      end.messageReadMode && end.access.readData && end.access.writeData && instance.readQueue(end).hasReaders;
  },
  /** docs/wine-findings.md W-F46: Wine lets FlushFileBuffers through on a handle without write access. */
  "W-F46": ({ op, end }) => op.kind === "flush" && end !== undefined && !end.access.writeData,
  /**
   * docs/wine-findings.md W-A8: with no instance listening, Wine reports
   * ERROR_PIPE_BUSY before checking the client's access against the pipe's
   * direction.
   */
  "W-A8": ({ op, pipe }) => {
    if (op.kind !== "openPipe" || pipe === undefined || pipe.listening.length > 0) return false;
    const access = clientAccess(op.access);
    return (access.readData && pipe.direction === INBOUND) || (access.writeData && pipe.direction === OUTBOUND);
  },
  /**
   * docs/wine-findings.md W-A3: Wine refuses PIPE_TYPE_BYTE with
   * PIPE_READMODE_MESSAGE for a new instance of an existing name too.
   */
  "W-A3": ({ op, pipe }) =>
    op.kind === "createNamedPipe" && pipe !== undefined && (op.pipeMode & PIPE_TYPE_MESSAGE) === 0 &&
    (op.pipeMode & PIPE_READMODE_MESSAGE) !== 0,
  /**
   * docs/wine-findings.md W-A5: Wine gives every instance of a name the
   * buffer sizes of its first instance (quotas and GetNamedPipeInfo).
   */
  "W-A5": ({ op, pipeSizes }) =>
    op.kind === "createNamedPipe" && pipeSizes !== undefined &&
    (op.inBufferSize !== pipeSizes.inBufferSize || op.outBufferSize !== pipeSizes.outBufferSize),
  /** docs/wine-findings.md W-B10: Wine fails DisconnectNamedPipe on a client end with ERROR_NOT_SUPPORTED. */
  "W-B10": ({ op, end }) => op.kind === "disconnect" && end?.role === "client",
  /**
   * docs/wine-findings.md W-B18: Wine completes a pending ConnectNamedPipe
   * with ERROR_HANDLES_CLOSED (676) when its handle is closed.
   */
  "W-B18": ({ op, end }) =>
    op.kind === "close" && end?.role === "server" && (end.instance?.pendingConnects.length ?? 0) > 0,
  /**
   * docs/wine-findings.md W-G53: Wine fails an end's own pending writes
   * and flushes when its last handle closes, and drops their data.
   */
  "W-G53": ({ op, pending }) => op.kind === "close" && pending.some((p) => p.kind === "write" || p.kind === "flush"),
  /**
   * docs/wine-findings.md W-G53b (not settled): when a close or disconnect
   * fails two or more pending writes into one queue, Wine may complete a
   * later one instead.
   */
  "W-G53b": ({ op, pending, peerPending }) => {
    const writes = (list: DiffOp[]) => list.filter((p) => p.kind === "write").length;
    if (op.kind === "close") return writes(peerPending) >= 2;
    if (op.kind === "disconnect") return writes(pending) >= 2 || writes(peerPending) >= 2;
    return false;
  },
  /**
   * docs/wine-findings.md W-F46b: Wine's FlushFileBuffers also waits for
   * data written after it started; NPFS completes it once what was written
   * before it has been read.
   */
  "W-F46b": ({ op, pending }) =>
    (op.kind === "write" || op.kind === "transact") && pending.some((p) => p.kind === "flush"),
  /**
   * docs/wine-findings.md W-I64: Wine charges a TransactNamedPipe request
   * to the buffer quota, so writes behind it wait where Windows lets them
   * through.
   */
  "W-I64": ({ op, transactData }) => op.kind === "write" && op.size > 0 && transactData,
  /**
   * docs/wine-findings.md W-I64b: Wine completes a byte-read-mode read that
   * gets only part of a TransactNamedPipe request as complete; Windows
   * reports ERROR_MORE_DATA (NPFS writes a request in message mode).
   */
  "W-I64b": ({ op, end }) => {
    if (op.kind !== "transact" || op.size === 0 || end?.instance === undefined) return false;
    const peer = end.instance.peer(end);
    return end.instance.writeQueue(end).hasReaders && peer !== undefined && !peer.messageReadMode;
  },
  /**
   * docs/wine-findings.md W-S20: a blocking write still pending when its end
   * switches to PIPE_NOWAIT completes under Wine with what was read of it
   * so far, and the rest of its data is lost.
   */
  "W-S20": ({ op, pending }) =>
    op.kind === "setState" && (op.mode & ~(PIPE_READMODE_MESSAGE | PIPE_NOWAIT)) === 0 &&
    (op.mode & PIPE_NOWAIT) !== 0 && pending.some((p) => p.kind === "write"),
  /**
   * docs/wine-findings.md W-D33: a byte-read-mode read on a message pipe
   * that takes all the data and has room left leaves a trailing zero-length
   * message in the pipe under Wine; NPFS consumes it.
   */
  "W-D33": ({ op, end, zeroLengthQueued }) => {
    if (op.kind !== "read" || !zeroLengthQueued || end?.instance === undefined) return false;
    return !end.messageReadMode && end.instance.pipe.messageType &&
      op.size > end.instance.readQueue(end).bytesAvailable;
  },
};

/** What the generator fixes for a pipe name: what its instances normally ask for. */
interface PipeConfig {
  messageType: boolean;
  direction: number;
  maxInstances: number;
  inBufferSize: number;
  outBufferSize: number;
  defaultTimeout: number;
}

/** Buffer sizes the generator picks from (the quota of a direction). */
const BUFFER_SIZES = [1, 16, 100, 512, 4096] as const;
/** Anonymous pipe sizes (0 means 4096, F48). */
const ANONYMOUS_SIZES = [0, 1, 64, 512] as const;
/** WaitNamedPipe timeouts and default timeouts, in ms: short, so that they settle within one checkpoint. */
const WAIT_TIMEOUTS = [1, 5] as const;
/** SetNamedPipeHandleState modes with undefined bits (D35). */
const INVALID_MODES = [4, 8, 0x10, 0x100] as const;

/** A size for a read or write against a quota: 0..2×quota, with the edges likelier. */
function randomSize(random: Random, quota: number): number {
  const max = Math.max(1, quota * 2);
  return random.weighted<number>([
    [0, 1],
    [1, 1],
    [Math.min(quota, max), 1],
    [Math.min(quota + 1, max), 0.7],
    [random.int(1, Math.max(1, Math.min(quota, 64))), 2],
    [random.int(0, max), 3],
  ]);
}

/** The open end behind a shadow handle. */
function endOf(handle: KernelHandle | undefined): PipeEnd | undefined {
  return handle instanceof HandleRecord && !handle.closed ? handle.end : undefined;
}

/** A pending operation of the shadow model, as the generator follows it. */
interface ShadowPending {
  index: number;
  slot: number;
  operation: PendingOperation<unknown>;
}

/**
 * Generates the operation sequence of `seed`. The same seed and options
 * always give the same sequence, on every runtime.
 *
 * @example
 * ```ts
 * import { generateSequence } from "@winpipe/core/testing";
 * const ops = generateSequence(1234, { length: 20 });
 * ops.length; // 20
 * JSON.stringify(generateSequence(1234, { length: 20 })) === JSON.stringify(ops); // true
 * ```
 */
export function generateSequence(seed: number, options: GenerateOptions = {}): DiffOp[] {
  const random = new Random(seed);
  const length = options.length ?? 30;
  const maxPending = options.maxPending ?? 3;
  const maxPendingAge = options.maxPendingAge ?? 6;
  const exclusions = Object.entries(options.exclusions ?? WINE_EXCLUSIONS);
  const pipeCount = options.pipes ?? random.pick([1, 1, 2]);
  const weights: Record<DiffOpKind, number> = { ...DEFAULT_WEIGHTS, ...options.weights };
  const configs: PipeConfig[] = [];
  for (let p = 0; p < pipeCount; p++) {
    const inBufferSize = random.pick(BUFFER_SIZES);
    configs.push({
      messageType: random.chance(0.5),
      direction: random.weighted([[PIPE_ACCESS_DUPLEX, 6], [PIPE_ACCESS_INBOUND, 1.5], [PIPE_ACCESS_OUTBOUND, 1.5]]),
      maxInstances: random.pick([1, 1, 2, 3, PIPE_UNLIMITED_INSTANCES]),
      inBufferSize,
      outBufferSize: random.chance(0.5) ? inBufferSize : random.pick(BUFFER_SIZES),
      defaultTimeout: random.pick(WAIT_TIMEOUTS),
    });
  }

  // The shadow: a model kernel that gets every operation, for the state it meets.
  const shadow = new ModelKernel({ name: "shadow" });
  const handles: (KernelHandle | undefined)[] = [];
  const serverSlots: number[][] = configs.map(() => []);
  const pending: ShadowPending[] = [];
  /** The sizes each name's first instance asked for, while the name exists. */
  const firstSizes = new WeakMap<NamedPipe, { inBufferSize: number; outBufferSize: number }>();
  /** Queues holding a TransactNamedPipe request nobody has read yet (W-I64). */
  const transactQueues = new Set<DataQueue>();
  /** Queues that may hold a zero-length message (W-D33). */
  const zeroLengthQueues = new Set<DataQueue>();
  const ops: DiffOp[] = [];
  const shadowName = (pipe: number) => pipeNameFor("\\\\.\\pipe\\winpipe-diff-shadow", pipe);

  /** The pipe a name refers to now (it exists while one of its server ends is open). */
  const pipeOf = (pipe: number): NamedPipe | undefined => {
    if (pipe < 0) return undefined;
    for (const slot of serverSlots[pipe]) {
      const instance = endOf(handles[slot])?.instance;
      if (instance !== undefined) return instance.pipe;
    }
    return undefined;
  };
  const live = (filter: (end: PipeEnd) => boolean = () => true): number[] => {
    const out: number[] = [];
    handles.forEach((h, slot) => {
      const end = endOf(h);
      if (end !== undefined && filter(end)) out.push(slot);
    });
    return out;
  };
  const isNamedServer = (end: PipeEnd) => end.role === "server" && end.pipeName !== undefined;

  const emit = (op: DiffOp) => {
    const index = ops.length;
    ops.push(op);
    const end = "slot" in op && op.kind !== "createNamedPipe" && op.kind !== "openPipe" && op.kind !== "createPipe"
      ? endOf(handles[op.slot])
      : undefined;
    const before = end === undefined ? undefined : new Set(end.pending);
    const nameExisted = op.kind === "createNamedPipe" && pipeOf(op.pipe) !== undefined;
    if (op.kind !== "waitNamedPipe") perform(shadow, handles, op, index, shadowName);
    if (op.kind === "createNamedPipe" && handles[op.slot] !== undefined) {
      serverSlots[op.pipe].push(op.slot);
      const created = endOf(handles[op.slot])?.instance?.pipe;
      if (!nameExisted && created !== undefined) {
        firstSizes.set(created, { inBufferSize: op.inBufferSize, outBufferSize: op.outBufferSize });
      }
    }
    if (op.kind === "transact" && end?.instance !== undefined) {
      const queue = end.instance.writeQueue(end);
      if (queue.bytesAvailable > 0) transactQueues.add(queue);
    }
    if ((op.kind === "write" || op.kind === "transact") && op.size === 0 && end?.instance !== undefined) {
      const queue = end.instance.writeQueue(end);
      if (queue.hasData) zeroLengthQueues.add(queue);
    }
    if (end !== undefined && before !== undefined) {
      for (const operation of end.pending) {
        if (!before.has(operation)) {
          pending.push({
            index,
            slot: (op as { slot: number }).slot,
            operation: operation as PendingOperation<unknown>,
          });
        }
      }
    }
  };

  const excludedBy = (op: DiffOp): string | undefined => {
    const slotted = "slot" in op && op.kind !== "createNamedPipe" && op.kind !== "openPipe" &&
      op.kind !== "createPipe";
    for (const queue of transactQueues) if (queue.bytesAvailable === 0) transactQueues.delete(queue);
    for (const queue of zeroLengthQueues) if (!queue.hasData) zeroLengthQueues.delete(queue);
    const end = slotted ? endOf(handles[op.slot]) : undefined;
    const pipe = "pipe" in op ? pipeOf(op.pipe) : undefined;
    const peer = end?.instance?.peer(end);
    const peerIndex = peer === undefined ? -1 : handles.findIndex((h) => endOf(h) === peer);
    const peerSlot = peerIndex < 0 ? undefined : peerIndex;
    const pendingOn = (slot: number) =>
      pending.filter((p) => p.slot === slot && !p.operation.settled).map((p) => ops[p.index]);
    const context: ExclusionContext = {
      op,
      end,
      pipe,
      pipeSizes: pipe === undefined ? undefined : firstSizes.get(pipe),
      pending: slotted ? pendingOn(op.slot) : [],
      peerPending: peerSlot === undefined ? [] : pendingOn(peerSlot),
      transactData: end?.instance !== undefined && transactQueues.has(end.instance.writeQueue(end)),
      zeroLengthQueued: end?.instance !== undefined && zeroLengthQueues.has(end.instance.readQueue(end)),
    };
    for (const [id, exclusion] of exclusions) if (exclusion(context)) return id;
    return undefined;
  };

  const createNamedPipe = (pipe: number): DiffOp => {
    const c = configs[pipe];
    let direction = c.direction;
    let messageType = c.messageType;
    // Now and then an instance that does not fit the name (A5: another
    // access direction; S11: another type, which a later instance ignores).
    if (random.chance(0.08)) direction = random.pick([PIPE_ACCESS_DUPLEX, PIPE_ACCESS_INBOUND, PIPE_ACCESS_OUTBOUND]);
    if (random.chance(0.08)) messageType = !messageType;
    let pipeMode = messageType ? PIPE_TYPE_MESSAGE : 0;
    // Message read mode; on a byte pipe it is refused (A3).
    if (messageType ? random.chance(0.5) : random.chance(0.05)) pipeMode |= PIPE_READMODE_MESSAGE;
    if (random.chance(0.25)) pipeMode |= PIPE_NOWAIT;
    if (random.chance(0.3)) pipeMode |= PIPE_REJECT_REMOTE_CLIENTS;
    const sameSizes = random.chance(0.75);
    return {
      kind: "createNamedPipe",
      slot: handles.length,
      pipe,
      // FILE_FLAG_FIRST_PIPE_INSTANCE is never set: Wine 10 ignores it (SPEC.md, known Wine deviations, A7).
      openMode: direction,
      pipeMode,
      // 1..255 only: Wine 10 accepts 0 and 256, which Windows rejects (SPEC.md, known Wine deviations).
      maxInstances: c.maxInstances,
      inBufferSize: sameSizes ? c.inBufferSize : random.pick(BUFFER_SIZES),
      outBufferSize: sameSizes ? c.outBufferSize : random.pick(BUFFER_SIZES),
      defaultTimeout: c.defaultTimeout,
    };
  };

  const openPipe = (pipe: number): DiffOp => {
    const c = configs[pipe];
    const access = random.weighted<number>([
      [GENERIC_READ | GENERIC_WRITE, 6],
      [GENERIC_READ, c.direction === PIPE_ACCESS_OUTBOUND ? 4 : 1],
      [GENERIC_WRITE, c.direction === PIPE_ACCESS_INBOUND ? 4 : 1],
      [GENERIC_READ | FILE_WRITE_ATTRIBUTES, c.direction === PIPE_ACCESS_OUTBOUND ? 2 : 0.5],
      [GENERIC_WRITE | FILE_READ_ATTRIBUTES, 0.5],
    ]);
    return { kind: "openPipe", slot: handles.length, pipe, access: access >>> 0, upperCase: random.chance(0.15) };
  };

  /** A pipe to open: mostly one with an instance listening. */
  const pipeToOpen = (): number => {
    const listening: number[] = [];
    for (let p = 0; p < pipeCount; p++) if ((pipeOf(p)?.listening.length ?? 0) > 0) listening.push(p);
    return listening.length > 0 && random.chance(0.8) ? random.pick(listening) : random.int(0, pipeCount - 1);
  };

  const draw = (kind: DiffOpKind): DiffOp | undefined => {
    const all = live();
    const anySlot = () => random.pick(all);
    const quotaOf = (slot: number, reading: boolean): number => {
      const end = endOf(handles[slot])!;
      const instance = end.instance;
      if (instance === undefined) return 64;
      return (reading ? instance.readQueue(end) : instance.writeQueue(end)).quota;
    };
    switch (kind) {
      case "createNamedPipe":
        return createNamedPipe(random.int(0, pipeCount - 1));
      case "openPipe":
        return openPipe(pipeToOpen());
      case "createPipe":
        return { kind: "createPipe", slot: handles.length, bufferSize: random.pick(ANONYMOUS_SIZES) };
      case "waitNamedPipe":
        return {
          kind: "waitNamedPipe",
          pipe: random.chance(0.15) ? -1 : random.int(0, pipeCount - 1),
          timeout: random.pick([NMPWAIT_USE_DEFAULT_WAIT, ...WAIT_TIMEOUTS]),
        };
    }
    if (all.length === 0) return undefined;
    switch (kind) {
      case "connect":
      case "disconnect": {
        // Mostly named servers; any handle now and then (B10: ERROR_INVALID_FUNCTION on a client).
        const servers = live(isNamedServer);
        const slot = servers.length > 0 && random.chance(0.9) ? random.pick(servers) : anySlot();
        return { kind, slot };
      }
      case "read": {
        // Mostly a handle with something to read, so that data flows; now
        // and then one without read access (ERROR_ACCESS_DENIED).
        const readers = live((end) => end.access.readData && end.instance?.state === "connected");
        const withData = live((end) =>
          end.access.readData && end.instance !== undefined && end.instance.readQueue(end).hasData
        );
        const slot = withData.length > 0 && random.chance(0.6)
          ? random.pick(withData)
          : readers.length > 0 && random.chance(0.85)
          ? random.pick(readers)
          : anySlot();
        return { kind: "read", slot, size: randomSize(random, quotaOf(slot, true)) };
      }
      case "write": {
        // Mostly a connected end that may write, so that data flows.
        const writers = live((end) => end.access.writeData && end.instance?.state === "connected");
        const slot = writers.length > 0 && random.chance(0.8) ? random.pick(writers) : anySlot();
        return { kind: "write", slot, size: randomSize(random, quotaOf(slot, false)) };
      }
      case "peek": {
        const slot = anySlot();
        return { kind: "peek", slot, size: random.chance(0.3) ? null : randomSize(random, quotaOf(slot, true)) };
      }
      case "setState":
        return {
          kind: "setState",
          slot: anySlot(),
          mode: random.chance(0.12) ? random.pick(INVALID_MODES) : random.int(0, 3),
        };
      case "transact": {
        // Mostly an end that can transact: connected, duplex, message read mode.
        const able = live((end) =>
          end.messageReadMode && end.instance?.state === "connected" && end.instance.pipe.direction === DUPLEX
        );
        const slot = able.length > 0 && random.chance(0.7) ? random.pick(able) : anySlot();
        return {
          kind: "transact",
          slot,
          size: random.chance(0.15) ? 0 : random.int(1, Math.max(1, Math.min(quotaOf(slot, false), 256))),
          replySize: random.pick([0, 1, 16, 256, 4096]),
        };
      }
      default:
        return { kind, slot: anySlot() };
    }
  };

  // Most sequences start with a connected pair, so that data flows early.
  if (length >= 2 && random.chance(0.85)) {
    emit(createNamedPipe(0));
    if (excludedBy(openPipe(0)) === undefined) emit(openPipe(0));
  }

  let attempts = 0;
  while (ops.length < length && attempts++ < length * 100) {
    // Keep few operations pending: cancel the oldest when there are too
    // many or it has waited long (its handle must still be open).
    const waiting = pending.filter((p) => !p.operation.settled);
    const cancellable = waiting.filter((p) => endOf(handles[p.slot]) !== undefined);
    if (
      cancellable.length > 0 &&
      (waiting.length > maxPending || ops.length - cancellable[0].index >= maxPendingAge)
    ) {
      emit({ kind: "cancelIo", slot: cancellable[0].slot });
      continue;
    }
    const kind = random.weighted<DiffOpKind>(
      (Object.keys(weights) as DiffOpKind[]).map((k) => {
        let w = weights[k];
        if (k === "createNamedPipe" && live(isNamedServer).length >= 4) w = 0;
        if (k === "createPipe" && live((e) => e.pipeName === undefined).length >= 2) w = 0;
        if (k === "openPipe" && live((e) => e.role === "client" && e.pipeName !== undefined).length >= 4) w = 0;
        return [k, w] as const;
      }),
    );
    // At most one FlushFileBuffers pending per sequence: kernel32 runs each
    // pending flush on a thread of a small pool (docs/deno-backend.md), and
    // sequences run side by side must not take all of them.
    if (kind === "flush" && waiting.some((p) => ops[p.index].kind === "flush")) continue;
    const op = draw(kind);
    if (op === undefined) continue;
    const excluded = excludedBy(op);
    if (excluded !== undefined) {
      options.onExclude?.(excluded, op);
      continue;
    }
    emit(op);
  }
  // Leave nothing behind in the shadow (its timers, if any, are WaitNamedPipe's; none run).
  for (const h of handles) if (h !== undefined) shadow.close(h as ModelHandle);
  return ops;
}

// ---------------------------------------------------------------------------
// Performing operations.

/** FNV-1a over `bytes`, as 8 hex digits. */
function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The bytes operation `index` writes: a pattern that differs between
 * operations, so misplaced data shows.
 *
 * @example
 * ```ts
 * import { writePattern } from "@winpipe/core/testing";
 * writePattern(3, 4); // Uint8Array [111, 118, 125, 132]
 * ```
 */
export function writePattern(index: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (index * 37 + i * 7 + (i >> 8)) & 0xff;
  return out;
}

function hex(n: number): string {
  return "0x" + (n >>> 0).toString(16);
}

function pipeNameFor(prefix: string, pipe: number): string {
  return pipe < 0 ? `${prefix}-never` : `${prefix}-${pipe}`;
}

/** How a failed call reads in a trace: the Win32 error name, or what else it threw. */
function errorOutcome(err: unknown): string {
  if (isPipeError(err)) return errorName(err.code);
  return `exception: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
}

function readOutcome(label: string, result: ReadData): string {
  return `${label} ${result.bytes.length}${result.messageComplete ? "" : " more"} #${checksum(result.bytes)}`;
}

function peekOutcome(result: PeekResult, buffer: Uint8Array | undefined): string {
  const copied = buffer === undefined
    ? ""
    : ` #${checksum(buffer.subarray(0, Math.min(result.bytesRead, buffer.length)))}`;
  return `peek read=${result.bytesRead} avail=${result.bytesAvailable} left=${result.bytesLeftInMessage}${copied}`;
}

/** An outcome now, or a promise of one (which never rejects: failures are outcomes too). */
type Performed = string | Promise<string>;

/**
 * Performs `op` (operation number `index`) on `kernel`, with `handles` as
 * its slots. Synchronous calls give their outcome; waiting calls give a
 * promise of it.
 */
function perform(
  kernel: PipeKernel,
  handles: (KernelHandle | undefined)[],
  op: DiffOp,
  index: number,
  pipeName: (pipe: number) => string,
): Performed {
  const sync = (fn: () => string): string => {
    try {
      return fn();
    } catch (err) {
      return errorOutcome(err);
    }
  };
  const async = <T>(call: () => Promise<T>, render: (value: T) => string): Promise<string> => {
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (err) {
      // Against the port's rules: waiting calls reject, they do not throw.
      return Promise.resolve(`exception: threw synchronously: ${errorOutcome(err)}`);
    }
    return promise.then((value) => {
      try {
        return render(value);
      } catch (err) {
        return errorOutcome(err);
      }
    }, errorOutcome);
  };
  switch (op.kind) {
    case "waitNamedPipe":
      return async(() => kernel.waitNamedPipe(pipeName(op.pipe), op.timeout), () => "ok");
    case "createNamedPipe":
      return sync(() => {
        handles[op.slot] = undefined;
        handles[op.slot] = kernel.createNamedPipe({
          name: pipeName(op.pipe),
          openMode: op.openMode,
          pipeMode: op.pipeMode,
          maxInstances: op.maxInstances,
          outBufferSize: op.outBufferSize,
          inBufferSize: op.inBufferSize,
          defaultTimeout: op.defaultTimeout,
          inheritable: false,
        });
        return "ok";
      });
    case "openPipe":
      return sync(() => {
        handles[op.slot] = undefined;
        const name = pipeName(op.pipe);
        handles[op.slot] = kernel.openPipe({
          name: op.upperCase ? name.replace("\\pipe\\", "\\PIPE\\") : name,
          access: op.access,
          inheritable: false,
        });
        return "ok";
      });
    case "createPipe":
      return sync(() => {
        handles[op.slot] = undefined;
        handles[op.slot + 1] = undefined;
        const { read, write } = kernel.createPipe(op.bufferSize, false, false);
        handles[op.slot] = read;
        handles[op.slot + 1] = write;
        return "ok";
      });
  }
  const h = handles[op.slot];
  if (h === undefined) return "no handle";
  switch (op.kind) {
    case "close":
      handles[op.slot] = undefined;
      return sync(() => (kernel.close(h), "ok"));
    case "peek": {
      const buffer = op.size === null ? undefined : new Uint8Array(op.size);
      return sync(() => peekOutcome(kernel.peek(h, buffer), buffer));
    }
    case "setState":
      return sync(() => (kernel.setState(h, op.mode), "ok"));
    case "getState":
      return sync(() => {
        const s = kernel.getState(h);
        return `state mode=${hex(s.mode)} instances=${s.currentInstances}`;
      });
    case "getInfo":
      return sync(() => {
        const i = kernel.getInfo(h);
        return `info flags=${hex(i.flags)} out=${i.outBufferSize} in=${i.inBufferSize} max=${i.maxInstances}`;
      });
    case "disconnect":
      return sync(() => (kernel.disconnect(h), "ok"));
    case "cancelIo":
      return sync(() => (kernel.cancelIo(h), "ok"));
    case "connect":
      return async(() => kernel.connect(h), () => "connected");
    case "read":
      return async(() => kernel.read(h, op.size), (r) => readOutcome("read", r));
    case "write": {
      const data = writePattern(index, op.size);
      return async(() => kernel.write(h, data), (n) => `wrote ${n}`);
    }
    case "transact": {
      const input = writePattern(index, op.size);
      return async(() => kernel.transact(h, input, op.replySize), (r) => readOutcome("transact", r));
    }
    case "flush":
      return async(() => kernel.flush(h), () => "flushed");
  }
}

// ---------------------------------------------------------------------------
// Running a sequence.

/** Options of {@linkcode runSequence}. */
export interface RunOptions {
  /**
   * How long to wait at a checkpoint when operations are pending, in ms:
   * long enough for the kernel to complete what it would complete. The
   * model needs a few ms (its only timers are WaitNamedPipe timeouts of at
   * most 5 ms), kernel32 under Wine 100-150 ms. Default 10.
   */
  settleMs?: number;
  /** At most this many windows of `settleMs` per checkpoint, while operations keep settling. Default 4. */
  maxSettleRounds?: number;
  /**
   * The start of every pipe name the sequence uses; pipe `n` is
   * `${pipePrefix}-${n}`. Must be unique per run on a real kernel (the
   * names are machine-wide). Default: `\\.\pipe\winpipe-diff-` and a
   * random part.
   */
  pipePrefix?: string;
}

/** One step of a {@linkcode Trace}: an operation and what was seen at the checkpoint after it. */
export interface TraceEntry {
  /** The step's position in the trace (the operation's index in the sequence, for its own operations). */
  index: number;
  /** The operation. */
  op: DiffOp;
  /** Set on the steps the runner adds after the sequence to clean up (CancelIoEx, CloseHandle). */
  cleanup?: boolean;
  /**
   * What the operation gave by the end of its checkpoint: a result, an
   * error name, "pending", or "no handle" (its handle's creation failed).
   */
  outcome: string;
  /** Earlier operations that settled by the end of this step's checkpoint: [index, outcome], by index. */
  settled: [number, string][];
  /** Operations still pending after the checkpoint, by index. */
  pending: number[];
}

/** What {@linkcode runSequence} recorded. */
export interface Trace {
  /** The kernel's name. */
  kernel: string;
  /** One entry per operation, the clean-up steps included. */
  entries: TraceEntry[];
  /** Handles the kernel still counted as open after the clean-up (0 unless it leaks). */
  leakedHandles: number;
  /** Wall time of the run in ms. */
  elapsedMs: number;
}

/**
 * A short text for an operation, as traces and mismatch reports show it.
 *
 * @example
 * ```ts
 * import { formatOp } from "@winpipe/core/testing";
 * formatOp({ kind: "read", slot: 2, size: 100 }); // "read(s2, 100)"
 * ```
 */
export function formatOp(op: DiffOp): string {
  switch (op.kind) {
    case "createNamedPipe":
      return `createNamedPipe(s${op.slot}, pipe ${op.pipe}, open=${hex(op.openMode)}, mode=${
        hex(op.pipeMode)
      }, max=${op.maxInstances}, in=${op.inBufferSize}, out=${op.outBufferSize}, timeout=${op.defaultTimeout})`;
    case "openPipe":
      return `openPipe(s${op.slot}, pipe ${op.pipe}, access=${hex(op.access)}${op.upperCase ? ", PIPE" : ""})`;
    case "createPipe":
      return `createPipe(s${op.slot}+s${op.slot + 1}, ${op.bufferSize})`;
    case "read":
    case "write":
      return `${op.kind}(s${op.slot}, ${op.size})`;
    case "peek":
      return `peek(s${op.slot}, ${op.size === null ? "no buffer" : op.size})`;
    case "setState":
      return `setState(s${op.slot}, ${hex(op.mode)})`;
    case "transact":
      return `transact(s${op.slot}, ${op.size}, reply ${op.replySize})`;
    case "waitNamedPipe":
      return `waitNamedPipe(pipe ${op.pipe}, ${op.timeout === NMPWAIT_USE_DEFAULT_WAIT ? "default" : op.timeout})`;
    default:
      return `${op.kind}(s${op.slot})`;
  }
}

/**
 * One line for a trace entry: the operation, its outcome, what settled and
 * what is still pending. Two kernels agree on a step when these lines are
 * equal.
 *
 * @example
 * ```ts
 * import { formatEntry } from "@winpipe/core/testing";
 * formatEntry({ index: 3, op: { kind: "read", slot: 1, size: 4 }, outcome: "pending", settled: [], pending: [3] });
 * // "#3 read(s1, 4) -> pending | pending #3"
 * ```
 */
export function formatEntry(entry: TraceEntry): string {
  let line = `#${entry.index}${entry.cleanup ? " [cleanup]" : ""} ${formatOp(entry.op)} -> ${entry.outcome}`;
  if (entry.settled.length > 0) line += ` | settled ${entry.settled.map(([i, o]) => `#${i}: ${o}`).join(", ")}`;
  if (entry.pending.length > 0) line += ` | pending ${entry.pending.map((i) => `#${i}`).join(" ")}`;
  return line;
}

/**
 * The whole trace, one line per entry, then the leak count.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { formatTrace, generateSequence, runSequence } from "@winpipe/core/testing";
 * const trace = await runSequence(createModelKernel(), generateSequence(5, { length: 8 }));
 * console.log(formatTrace(trace));
 * ```
 */
export function formatTrace(trace: Trace): string {
  return [
    `trace of ${trace.kernel} (${trace.entries.length} steps, ${Math.round(trace.elapsedMs)} ms)`,
    ...trace.entries.map(formatEntry),
    `handles left open: ${trace.leakedHandles}`,
  ].join("\n");
}

interface Running {
  index: number;
  slot: number | undefined;
  done: boolean;
  outcome: string;
  reported: boolean;
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A pipe name prefix no other run uses. */
function randomPrefix(): string {
  const random = Math.floor(Math.random() * 2 ** 32).toString(36) + Math.floor(Math.random() * 2 ** 32).toString(36);
  return `\\\\.\\pipe\\winpipe-diff-${random}`;
}

/**
 * Runs `ops` on `kernel` and records what happened (see the module
 * documentation for how pending operations are recorded). Never throws for
 * what a kernel does: every result, error and exception goes into the
 * trace. Cancels what is still pending and closes every handle it opened
 * before it returns.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { formatEntry, generateSequence, runSequence } from "@winpipe/core/testing";
 * const trace = await runSequence(createModelKernel(), generateSequence(99), { settleMs: 5 });
 * trace.leakedHandles; // 0
 * console.log(trace.entries.map(formatEntry).join("\n"));
 * ```
 */
export async function runSequence(
  kernel: PipeKernel,
  ops: readonly DiffOp[],
  options: RunOptions = {},
): Promise<Trace> {
  const started = Date.now();
  const settleMs = options.settleMs ?? 10;
  const maxRounds = options.maxSettleRounds ?? 4;
  const prefix = options.pipePrefix ?? randomPrefix();
  const baseline = kernel.liveHandles();
  const handles: (KernelHandle | undefined)[] = [];
  const running: Running[] = [];
  const entries: TraceEntry[] = [];
  const pendingRecords = () => running.filter((r) => !r.done);
  const doneCount = () => running.filter((r) => r.done).length;

  const step = async (op: DiffOp, cleanup: boolean) => {
    const index = entries.length;
    const performed = perform(kernel, handles, op, index, (pipe) => pipeNameFor(prefix, pipe));
    let own: Running | undefined;
    if (typeof performed !== "string") {
      own = { index, slot: "slot" in op ? op.slot : undefined, done: false, outcome: "pending", reported: false };
      const record = own;
      running.push(record);
      performed.then((outcome) => {
        record.done = true;
        record.outcome = outcome;
      });
    }
    // What completes at once has settled after one turn of the event loop;
    // what is still pending gets `settleMs` (again while operations settle).
    await macrotask();
    if (pendingRecords().length > 0) {
      for (let round = 0; round < maxRounds; round++) {
        const before = doneCount();
        await sleep(settleMs);
        if (doneCount() === before || pendingRecords().length === 0) break;
      }
    }
    let outcome: string;
    if (own === undefined) outcome = performed as string;
    else if (own.done) {
      outcome = own.outcome;
      own.reported = true;
    } else outcome = "pending";
    const settled: [number, string][] = [];
    for (const r of running) {
      if (r.done && !r.reported) {
        r.reported = true;
        settled.push([r.index, r.outcome]);
      }
    }
    const pending = pendingRecords().map((r) => r.index);
    entries.push({ index, op, ...(cleanup ? { cleanup } : {}), outcome, settled, pending });
  };

  for (const op of ops) await step(op, false);
  // Clean-up: cancel what is pending, handle by handle, then close everything.
  const cancelled = new Set<number>();
  for (const r of running) {
    if (r.done || r.slot === undefined || cancelled.has(r.slot) || handles[r.slot] === undefined) continue;
    cancelled.add(r.slot);
    await step({ kind: "cancelIo", slot: r.slot }, true);
  }
  for (let slot = 0; slot < handles.length; slot++) {
    if (handles[slot] !== undefined) await step({ kind: "close", slot }, true);
  }
  return {
    kernel: kernel.name,
    entries,
    leakedHandles: kernel.liveHandles() - baseline,
    elapsedMs: Date.now() - started,
  };
}

// ---------------------------------------------------------------------------
// Comparing kernels.

/** Where two traces of one sequence first differ. */
export interface Mismatch {
  /** The seed of the sequence: {@linkcode replaySequence} with it reproduces the difference. */
  seed: number;
  /** The index of the first differing trace entry (-1: only the leak counts differ). */
  index: number;
  /** The operation at that index, if there is one. */
  op: DiffOp | undefined;
  /** The name of kernel A. */
  kernelA: string;
  /** Kernel A's line for the entry (or "(no entry)"). */
  a: string;
  /** The name of kernel B. */
  kernelB: string;
  /** Kernel B's line for the entry (or "(no entry)"). */
  b: string;
  /** The entries before it (kernel A's lines, equal on both sides), for context. */
  before: string[];
}

/**
 * The first difference between two traces of the same sequence, or
 * undefined when they agree on every step and on the leak count.
 *
 * @example
 * ```ts
 * import { createModelKernel } from "@winpipe/core/model";
 * import { diffTraces, generateSequence, runSequence } from "@winpipe/core/testing";
 * const ops = generateSequence(3);
 * const a = await runSequence(createModelKernel(), ops);
 * const b = await runSequence(createModelKernel(), ops);
 * diffTraces(a, b, 3); // undefined
 * ```
 */
export function diffTraces(a: Trace, b: Trace, seed: number): Mismatch | undefined {
  const n = Math.max(a.entries.length, b.entries.length);
  const lineA = (i: number) => (i < a.entries.length ? formatEntry(a.entries[i]) : "(no entry)");
  const lineB = (i: number) => (i < b.entries.length ? formatEntry(b.entries[i]) : "(no entry)");
  for (let i = 0; i < n; i++) {
    const la = lineA(i);
    const lb = lineB(i);
    if (la !== lb) {
      return {
        seed,
        index: i,
        op: (a.entries[i] ?? b.entries[i])?.op,
        kernelA: a.kernel,
        a: la,
        kernelB: b.kernel,
        b: lb,
        before: a.entries.slice(0, i).map(formatEntry),
      };
    }
  }
  if (a.leakedHandles !== b.leakedHandles) {
    return {
      seed,
      index: -1,
      op: undefined,
      kernelA: a.kernel,
      a: `handles left open: ${a.leakedHandles}`,
      kernelB: b.kernel,
      b: `handles left open: ${b.leakedHandles}`,
      before: a.entries.map(formatEntry),
    };
  }
  return undefined;
}

/**
 * A mismatch as text: the seed, the steps before it and the two lines that
 * differ.
 *
 * @example
 * ```ts
 * import { formatMismatch, type Mismatch } from "@winpipe/core/testing";
 * const m: Mismatch = {
 *   seed: 7, index: 0, op: { kind: "close", slot: 0 }, before: [],
 *   kernelA: "model", a: "#0 close(s0) -> ok", kernelB: "other", b: "#0 close(s0) -> ERROR_INVALID_HANDLE",
 * };
 * console.log(formatMismatch(m));
 * ```
 */
export function formatMismatch(m: Mismatch, contextLines = 12): string {
  const before = m.before.slice(-contextLines);
  return [
    `seed ${m.seed}: first difference at step #${m.index}${m.op ? ` (${formatOp(m.op)})` : ""}`,
    ...(m.before.length > before.length ? [`  ... ${m.before.length - before.length} earlier steps agree`] : []),
    ...before.map((l) => `    ${l}`),
    `  ${m.kernelA}: ${m.a}`,
    `  ${m.kernelB}: ${m.b}`,
  ].join("\n");
}

/** Makes the kernel one sequence runs on (called once per sequence, so each starts fresh). */
export type DiffKernelFactory = () => PipeKernel | Promise<PipeKernel>;

/** Options of {@linkcode compareKernels} and {@linkcode replaySequence}. */
export interface CompareOptions extends GenerateOptions {
  /** The first sequence's seed; sequence i uses `seed + i` (as an unsigned 32-bit integer). */
  seed: number;
  /** How many sequences. Default 200. */
  count?: number;
  /** {@linkcode RunOptions} for kernel A (settleMs etc.; the pipe prefix is made per run). */
  runA?: Omit<RunOptions, "pipePrefix">;
  /** {@linkcode RunOptions} for kernel B. */
  runB?: Omit<RunOptions, "pipePrefix">;
  /**
   * How many sequences run at once (each on its own kernels and pipe
   * names). Default 1. Higher values shorten runs on a kernel that needs
   * long checkpoints.
   */
  concurrency?: number;
  /** Called after each sequence (e.g. for progress output). */
  onSequence?: (result: SequenceResult) => void;
}

/** The outcome of one sequence in {@linkcode compareKernels}. */
export interface SequenceResult {
  /** The sequence's seed. */
  seed: number;
  /** Its first difference, if any. */
  mismatch: Mismatch | undefined;
  /** The trace on kernel A. */
  traceA: Trace;
  /** The trace on kernel B. */
  traceB: Trace;
}

/** What {@linkcode compareKernels} found. */
export interface CompareResult {
  /** The seeds that ran, in order. */
  seeds: number[];
  /** The first difference of each sequence that had one, in seed order. */
  mismatches: Mismatch[];
  /** Steps run on each kernel, the clean-up included (from kernel A's traces). */
  steps: number;
  /** How many steps of each operation kind ran (kernel A's traces). */
  kinds: Record<string, number>;
  /** Wall time in ms. */
  elapsedMs: number;
}

/**
 * The seed of sequence `i` of a run that starts at `seed`.
 *
 * @example
 * ```ts
 * import { sequenceSeed } from "@winpipe/core/testing";
 * sequenceSeed(100, 3); // 103
 * ```
 */
export function sequenceSeed(seed: number, i: number): number {
  return (seed + i) >>> 0;
}

async function runOne(
  factoryA: DiffKernelFactory,
  factoryB: DiffKernelFactory,
  seed: number,
  options: CompareOptions,
): Promise<SequenceResult> {
  const ops = generateSequence(seed, options);
  const prefix = randomPrefix();
  const kernelA = await factoryA();
  const traceA = await runSequence(kernelA, ops, { ...options.runA, pipePrefix: `${prefix}-${seed}-a` });
  const kernelB = await factoryB();
  const traceB = await runSequence(kernelB, ops, { ...options.runB, pipePrefix: `${prefix}-${seed}-b` });
  return { seed, mismatch: diffTraces(traceA, traceB, seed), traceA, traceB };
}

/**
 * Runs `options.count` random sequences (seeds `options.seed`,
 * `options.seed + 1`, ...) on a fresh kernel from each factory and compares
 * the traces. Each mismatch carries its seed and the index of the first
 * step that differs; {@linkcode replaySequence} with the seed shows both
 * traces in full.
 *
 * @example
 * ```ts
 * import { compareKernels } from "@winpipe/core/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 * const { mismatches, seeds } = await compareKernels(createModelKernel, createModelKernel, { seed: 100, count: 3 });
 * seeds; // [100, 101, 102]
 * mismatches.length; // 0
 * ```
 */
export async function compareKernels(
  factoryA: DiffKernelFactory,
  factoryB: DiffKernelFactory,
  options: CompareOptions,
): Promise<CompareResult> {
  const started = Date.now();
  const count = options.count ?? 200;
  const seeds = Array.from({ length: count }, (_, i) => sequenceSeed(options.seed, i));
  const results: SequenceResult[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const result = await runOne(factoryA, factoryB, seeds[i], options);
      results[i] = result;
      options.onSequence?.(result);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, count));
  await Promise.all(Array.from({ length: workers }, worker));
  const kinds: Record<string, number> = {};
  for (const r of results) for (const e of r.traceA.entries) kinds[e.op.kind] = (kinds[e.op.kind] ?? 0) + 1;
  return {
    seeds,
    mismatches: results.flatMap((r) => (r.mismatch ? [r.mismatch] : [])),
    steps: results.reduce((n, r) => n + r.traceA.entries.length, 0),
    kinds,
    elapsedMs: Date.now() - started,
  };
}

/** What {@linkcode replaySequence} returns. */
export interface Replay extends SequenceResult {
  /** The sequence. */
  ops: DiffOp[];
  /** A readable report: the sequence as JSON, both traces and the first difference. */
  report: string;
}

/**
 * Replays the sequence of one seed on both kernels and reports everything:
 * the operations, both traces in full and the first difference. Use it with
 * the seed a failing {@linkcode compareKernels} run printed (and the same
 * generation options).
 *
 * @example
 * ```ts
 * import { replaySequence } from "@winpipe/core/testing";
 * import { createModelKernel } from "@winpipe/core/model";
 * const replay = await replaySequence(createModelKernel, createModelKernel, 4242);
 * replay.mismatch; // undefined
 * console.log(replay.report);
 * ```
 */
export async function replaySequence(
  factoryA: DiffKernelFactory,
  factoryB: DiffKernelFactory,
  seed: number,
  options: Omit<CompareOptions, "seed" | "count" | "concurrency" | "onSequence"> = {},
): Promise<Replay> {
  const result = await runOne(factoryA, factoryB, seed, { ...options, seed });
  const ops = generateSequence(seed, options);
  const report = [
    `seed ${seed}: ${ops.length} operations`,
    JSON.stringify(ops),
    formatTrace(result.traceA),
    formatTrace(result.traceB),
    result.mismatch ? formatMismatch(result.mismatch, Infinity) : "the traces agree",
  ].join("\n");
  return { ...result, ops, report };
}
