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
 *   over the kernel port (CreateNamedPipe with random type, read mode, wait
 *   mode, buffer sizes and max instances; CreateFile with random access;
 *   CreatePipe; ConnectNamedPipe; ReadFile and WriteFile of random sizes;
 *   PeekNamedPipe; Set/GetNamedPipeHandleState; GetNamedPipeInfo;
 *   DisconnectNamedPipe; CloseHandle; CancelIoEx; TransactNamedPipe;
 *   FlushFileBuffers; WaitNamedPipe). It depends on the seed only, never on
 *   what a kernel answers, so both kernels get the same operations;
 * - {@linkcode runSequence}: runs a sequence on one kernel and records a
 *   normalized {@linkcode Trace}: for each operation its result (bytes, a
 *   checksum of the data, message completeness, peek counts, state bits,
 *   info) or its Win32 error name, and which earlier operations settled
 *   meanwhile and how;
 * - {@linkcode compareKernels}: runs many sequences on two kernels and
 *   reports the first difference of each, with the seed that replays it
 *   ({@linkcode replaySequence}).
 *
 * How pending operations are kept deterministic: the runner never awaits an
 * operation. After each operation it lets the event loop turn once (what a
 * kernel completes at once has then settled); if anything is still pending
 * it waits `settleMs` (repeatedly, while operations keep settling) and
 * records which pending operations settled and with what. So a trace says
 * "pending" for an operation that did not complete at once, and names the
 * checkpoint at which it settled; the order of settlements within one
 * checkpoint is not recorded (it is not part of any contract). kernel32
 * under Wine needs about 100-150 ms per checkpoint, the model a few ms.
 * To keep runs short and free of races the SPEC does not define, the runner
 * cancels (CancelIoEx, recorded as an `auto` step) the oldest pending
 * operation's handle when too many operations are pending or one has been
 * pending for long. At the end it cancels what is pending, closes every
 * handle and records the outcomes, and the number of handles left open.
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
import type { KernelHandle, PeekResult, PipeKernel, ReadResult } from "../port.ts";

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
   * generated. Merged over {@linkcode DEFAULT_WEIGHTS}.
   */
  weights?: Partial<Record<DiffOpKind, number>>;
}

/**
 * How often each kind of operation is generated, relative to the others.
 *
 * Shapes kernel32 under Wine 10 is known to get wrong are not generated:
 * FILE_FLAG_FIRST_PIPE_INSTANCE (ignored by Wine, SPEC.md known
 * deviations), max instances 0 or 256 (accepted by Wine, same list), and
 * SetNamedPipeHandleState on a client handle without FILE_WRITE_ATTRIBUTES
 * (docs/wine-findings.md, W-S15).
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

/** What the generator fixes for a pipe name: what its instances normally ask for. */
interface PipeConfig {
  messageType: boolean;
  direction: number;
  maxInstances: number;
  inBufferSize: number;
  outBufferSize: number;
  defaultTimeout: number;
}

/** What the generator knows about a slot: only what it asked for, never what a kernel answered. */
interface SlotInfo {
  role: "server" | "client" | "anon-read" | "anon-write";
  pipe: number;
  open: boolean;
  /** Bytes a read on it typically finds at most: the quota of the direction it reads. */
  readQuota: number;
  /** The quota of the direction it writes. */
  writeQuota: number;
  /** May call SetNamedPipeHandleState (W-S15: a client needs FILE_WRITE_ATTRIBUTES). */
  mayChangeState: boolean;
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

/**
 * Generates the operation sequence of `seed`. The same seed always gives
 * the same sequence (on every runtime): it depends on the seed and the
 * options only.
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
  const pipeCount = options.pipes ?? random.pick([1, 1, 2]);
  const weights: Record<DiffOpKind, number> = { ...DEFAULT_WEIGHTS, ...options.weights };
  const configs: PipeConfig[] = [];
  for (let p = 0; p < pipeCount; p++) {
    const messageType = random.chance(0.5);
    const inBufferSize = random.pick(BUFFER_SIZES);
    configs.push({
      messageType,
      direction: random.weighted([[PIPE_ACCESS_DUPLEX, 6], [PIPE_ACCESS_INBOUND, 1.5], [PIPE_ACCESS_OUTBOUND, 1.5]]),
      maxInstances: random.pick([1, 1, 2, 3, PIPE_UNLIMITED_INSTANCES]),
      inBufferSize,
      outBufferSize: random.chance(0.5) ? inBufferSize : random.pick(BUFFER_SIZES),
      defaultTimeout: random.pick(WAIT_TIMEOUTS),
    });
  }
  const slots: SlotInfo[] = [];
  const ops: DiffOp[] = [];
  const open = (filter: (s: SlotInfo) => boolean): number[] => {
    const out: number[] = [];
    slots.forEach((s, i) => {
      if (s.open && filter(s)) out.push(i);
    });
    return out;
  };
  const anyOpen = () => open(() => true);

  const createNamedPipe = (pipe: number): DiffOp => {
    const c = configs[pipe];
    let direction = c.direction;
    let messageType = c.messageType;
    // Now and then an instance that does not fit the name (A5: other access
    // direction; S11: another type, which a later instance ignores).
    if (random.chance(0.08)) direction = random.pick([PIPE_ACCESS_DUPLEX, PIPE_ACCESS_INBOUND, PIPE_ACCESS_OUTBOUND]);
    if (random.chance(0.08)) messageType = !messageType;
    let pipeMode = messageType ? PIPE_TYPE_MESSAGE : 0;
    // Message read mode; on a byte pipe it is refused (A3).
    if (messageType ? random.chance(0.5) : random.chance(0.05)) pipeMode |= PIPE_READMODE_MESSAGE;
    if (random.chance(0.25)) pipeMode |= PIPE_NOWAIT;
    if (random.chance(0.3)) pipeMode |= PIPE_REJECT_REMOTE_CLIENTS;
    const sameSizes = random.chance(0.75);
    const slot = slots.length;
    slots.push({
      role: "server",
      pipe,
      open: true,
      readQuota: c.inBufferSize,
      writeQuota: c.outBufferSize,
      mayChangeState: true,
    });
    return {
      kind: "createNamedPipe",
      slot,
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
    const slot = slots.length;
    slots.push({
      role: "client",
      pipe,
      open: true,
      readQuota: c.outBufferSize,
      writeQuota: c.inBufferSize,
      // W-S15 (docs/wine-findings.md): Wine lets a client without
      // FILE_WRITE_ATTRIBUTES change its state, Windows refuses; such
      // clients get no SetNamedPipeHandleState.
      mayChangeState: (access & (GENERIC_WRITE | FILE_WRITE_ATTRIBUTES)) !== 0,
    });
    return { kind: "openPipe", slot, pipe, access, upperCase: random.chance(0.15) };
  };

  // Most sequences start with a connected pair, so that data flows early.
  if (length >= 2 && random.chance(0.85)) {
    ops.push(createNamedPipe(0));
    ops.push(openPipe(0));
  }

  while (ops.length < length) {
    const live = anyOpen();
    const servers = open((s) => s.role === "server");
    const kind = random.weighted<DiffOpKind>(
      (Object.keys(weights) as DiffOpKind[]).map((k) => {
        let w = weights[k];
        if (k === "createNamedPipe" && servers.length >= 4) w = 0;
        if (k === "createPipe" && slots.filter((s) => s.role === "anon-read").length >= 2) w = 0;
        if (k === "openPipe" && open((s) => s.role === "client").length >= 4) w = 0;
        if (k === "connect" || k === "disconnect") w = servers.length > 0 ? w : 0;
        if (k === "setState") w = open((s) => s.mayChangeState).length > 0 ? w : 0;
        if (k !== "createNamedPipe" && k !== "openPipe" && k !== "createPipe" && k !== "waitNamedPipe") {
          if (live.length === 0) w = 0;
        }
        return [k, w] as const;
      }),
    );
    const anySlot = () => random.pick(live);
    switch (kind) {
      case "createNamedPipe":
        ops.push(createNamedPipe(random.int(0, pipeCount - 1)));
        break;
      case "openPipe":
        ops.push(openPipe(random.int(0, pipeCount - 1)));
        break;
      case "createPipe": {
        const bufferSize = random.pick(ANONYMOUS_SIZES);
        const quota = bufferSize === 0 ? 4096 : bufferSize;
        const slot = slots.length;
        const common = { pipe: -1, open: true, readQuota: quota, writeQuota: quota, mayChangeState: true };
        slots.push({ role: "anon-read", ...common }, { role: "anon-write", ...common });
        ops.push({ kind: "createPipe", slot, bufferSize });
        break;
      }
      case "connect":
        // Mostly servers; a client now and then (B10: ERROR_INVALID_FUNCTION).
        ops.push({ kind: "connect", slot: random.chance(0.9) ? random.pick(servers) : anySlot() });
        break;
      case "disconnect":
        ops.push({ kind: "disconnect", slot: random.chance(0.9) ? random.pick(servers) : anySlot() });
        break;
      case "read": {
        const slot = random.pick(live);
        ops.push({ kind: "read", slot, size: randomSize(random, slots[slot].readQuota) });
        break;
      }
      case "write": {
        const slot = random.pick(live);
        ops.push({ kind: "write", slot, size: randomSize(random, slots[slot].writeQuota) });
        break;
      }
      case "peek": {
        const slot = random.pick(live);
        const size = random.chance(0.3) ? null : randomSize(random, slots[slot].readQuota);
        ops.push({ kind: "peek", slot, size });
        break;
      }
      case "setState": {
        const slot = random.pick(open((s) => s.mayChangeState));
        const mode = random.chance(0.12) ? random.pick(INVALID_MODES) : random.int(0, 3);
        ops.push({ kind: "setState", slot, mode });
        break;
      }
      case "getState":
      case "getInfo":
      case "close":
      case "cancelIo":
      case "flush": {
        const slot = anySlot();
        ops.push({ kind, slot });
        if (kind === "close") slots[slot].open = false;
        break;
      }
      case "transact": {
        const slot = anySlot();
        const quota = slots[slot].writeQuota;
        ops.push({
          kind: "transact",
          slot,
          size: random.chance(0.15) ? 0 : random.int(1, Math.max(1, Math.min(quota, 256))),
          replySize: random.pick([0, 1, 16, 256, 4096]),
        });
        break;
      }
      case "waitNamedPipe": {
        const pipe = random.chance(0.15) ? -1 : random.int(0, pipeCount - 1);
        ops.push({ kind: "waitNamedPipe", pipe, timeout: random.pick([NMPWAIT_USE_DEFAULT_WAIT, ...WAIT_TIMEOUTS]) });
        break;
      }
    }
  }
  return ops;
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
  /** When more operations than this are pending, the oldest one's handle is cancelled. Default 3. */
  maxPending?: number;
  /** An operation pending for this many operations has its handle cancelled. Default 6. */
  maxPendingAge?: number;
}

/** One step of a {@linkcode Trace}: an operation and what was seen at the checkpoint after it. */
export interface TraceEntry {
  /** The step's position in the trace. */
  index: number;
  /** The operation. */
  op: DiffOp;
  /**
   * Undefined for an operation of the sequence; otherwise why the runner
   * added it: "auto" (too many or too old pending operations), "cleanup"
   * (the end of the sequence).
   */
  added?: "auto" | "cleanup";
  /** What the operation returned at once: a result, an error name, "pending", or "no handle". */
  outcome: string;
  /** Earlier (or this) operations that settled by the end of this step's checkpoint: [index, outcome], by index. */
  settled: [number, string][];
  /** Operations still pending after the checkpoint, by index. */
  pending: number[];
}

/** What {@linkcode runSequence} recorded. */
export interface Trace {
  /** The kernel's name. */
  kernel: string;
  /** One entry per operation, the runner's own included. */
  entries: TraceEntry[];
  /** Handles the kernel still counted as open after the clean-up (0 unless it leaks). */
  leakedHandles: number;
  /** Wall time of the run in ms. */
  elapsedMs: number;
}

/** FNV-1a over `bytes`, as 8 hex digits. */
function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** The bytes operation `index` writes: a pattern that differs between operations, so misplaced data shows. */
export function writePattern(index: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (index * 37 + i * 7 + (i >> 8)) & 0xff;
  return out;
}

function hex(n: number): string {
  return "0x" + (n >>> 0).toString(16);
}

/** How a rejected call reads in a trace: the Win32 error name, or what else it threw. */
function errorOutcome(err: unknown): string {
  if (isPipeError(err)) return errorName(err.code);
  return `exception: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
}

function readOutcome(label: string, result: ReadResult, buffer: Uint8Array): string {
  const data = buffer.subarray(0, Math.min(result.bytesRead, buffer.length));
  return `${label} ${result.bytesRead}${result.messageComplete ? "" : " more"} #${checksum(data)}`;
}

function peekOutcome(result: PeekResult, buffer: Uint8Array | undefined): string {
  const copied = buffer === undefined
    ? ""
    : ` #${checksum(buffer.subarray(0, Math.min(result.bytesRead, buffer.length)))}`;
  return `peek read=${result.bytesRead} avail=${result.bytesAvailable} left=${result.bytesLeftInMessage}${copied}`;
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
  let line = `#${entry.index}${entry.added ? ` [${entry.added}]` : ""} ${formatOp(entry.op)} -> ${entry.outcome}`;
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

/** The default pipe name prefix: unique per call. */
function randomPrefix(): string {
  const random = Math.floor(Math.random() * 2 ** 32).toString(36) + Math.floor(Math.random() * 2 ** 32).toString(36);
  return `\\\\.\\pipe\\winpipe-diff-${random}`;
}

/**
 * Runs `ops` on `kernel` and records what happened (see the module
 * documentation for how pending operations are recorded). Never throws for
 * what a kernel does: every result, error and exception goes into the
 * trace. Closes every handle it opened before it returns.
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
  const maxPending = options.maxPending ?? 3;
  const maxPendingAge = options.maxPendingAge ?? 6;
  const baseline = kernel.liveHandles();
  const handles: (KernelHandle | undefined)[] = [];
  const running: Running[] = [];
  const entries: TraceEntry[] = [];
  const pipeName = (pipe: number, upperCase = false) => {
    const name = pipe < 0 ? `${prefix}-never` : `${prefix}-${pipe}`;
    return upperCase ? name.replace("\\pipe\\", "\\PIPE\\") : name;
  };

  const track = <T>(index: number, slot: number | undefined, promise: Promise<T>, render: (value: T) => string) => {
    const record: Running = { index, slot, done: false, outcome: "pending", reported: false };
    running.push(record);
    promise.then(
      (value) => {
        record.done = true;
        try {
          record.outcome = render(value);
        } catch (err) {
          record.outcome = errorOutcome(err);
        }
      },
      (err) => {
        record.done = true;
        record.outcome = errorOutcome(err);
      },
    );
    return record;
  };
  /** Starts an asynchronous call; a synchronous throw (against the port's rules) is recorded as such. */
  const startAsync = <T>(index: number, slot: number | undefined, call: () => Promise<T>, render: (v: T) => string) => {
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (err) {
      promise = Promise.reject(new Error(`threw synchronously: ${errorOutcome(err)}`));
    }
    return track(index, slot, promise, render);
  };

  const execute = (index: number, op: DiffOp): Running | string => {
    if (op.kind === "waitNamedPipe") {
      const name = pipeName(op.pipe);
      return startAsync(index, undefined, () => kernel.waitNamedPipe(name, op.timeout), () => "ok");
    }
    if (op.kind === "createNamedPipe") {
      try {
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
      } catch (err) {
        return errorOutcome(err);
      }
    }
    if (op.kind === "openPipe") {
      try {
        handles[op.slot] = kernel.openPipe({
          name: pipeName(op.pipe, op.upperCase),
          access: op.access,
          inheritable: false,
        });
        return "ok";
      } catch (err) {
        return errorOutcome(err);
      }
    }
    if (op.kind === "createPipe") {
      try {
        const { read, write } = kernel.createPipe(op.bufferSize, false, false);
        handles[op.slot] = read;
        handles[op.slot + 1] = write;
        return "ok";
      } catch (err) {
        return errorOutcome(err);
      }
    }
    const h = handles[op.slot];
    if (h === undefined) return "no handle";
    const sync = (fn: () => string): string => {
      try {
        return fn();
      } catch (err) {
        return errorOutcome(err);
      }
    };
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
        return startAsync(index, op.slot, () => kernel.connect(h), () => "connected");
      case "read": {
        const buffer = new Uint8Array(op.size);
        return startAsync(index, op.slot, () => kernel.read(h, buffer), (r) => readOutcome("read", r, buffer));
      }
      case "write": {
        const data = writePattern(index, op.size);
        return startAsync(index, op.slot, () => kernel.write(h, data), (n) => `wrote ${n}`);
      }
      case "transact": {
        const input = writePattern(index, op.size);
        const output = new Uint8Array(op.replySize);
        return startAsync(
          index,
          op.slot,
          () => kernel.transact(h, input, output),
          (r) => readOutcome("transact", r, output),
        );
      }
      case "flush":
        return startAsync(index, op.slot, () => kernel.flush(h), () => "flushed");
    }
  };

  const pendingRecords = () => running.filter((r) => !r.done);

  const step = async (op: DiffOp, added?: "auto" | "cleanup") => {
    const index = entries.length;
    const result = execute(index, op);
    await macrotask();
    let outcome: string;
    if (typeof result === "string") {
      outcome = result;
    } else if (result.done) {
      outcome = result.outcome;
      result.reported = true;
    } else {
      outcome = "pending";
    }
    if (pendingRecords().length > 0) {
      for (let round = 0; round < maxRounds; round++) {
        const before = running.filter((r) => r.done).length;
        await sleep(settleMs);
        const after = running.filter((r) => r.done).length;
        if (after === before || pendingRecords().length === 0) break;
      }
    }
    const settled: [number, string][] = [];
    for (const r of running) {
      if (r.done && !r.reported) {
        r.reported = true;
        settled.push([r.index, r.outcome]);
      }
    }
    const pending = pendingRecords().map((r) => r.index);
    entries.push({ index, op, ...(added ? { added } : {}), outcome, settled, pending });
  };

  /** The runner's own CancelIoEx when too much is pending (deterministic: it depends on the trace only). */
  const relieve = async () => {
    for (let guard = 0; guard < 8; guard++) {
      const pending = pendingRecords().filter((r) => r.slot !== undefined && handles[r.slot] !== undefined);
      if (pending.length === 0) return;
      const oldest = pending[0];
      const age = entries.length - oldest.index;
      if (pending.length <= maxPending && age < maxPendingAge) return;
      await step({ kind: "cancelIo", slot: oldest.slot! }, "auto");
    }
  };

  for (const op of ops) {
    await relieve();
    await step(op);
  }
  // Clean-up: cancel what is pending, handle by handle, then close everything.
  const cancelled = new Set<number>();
  for (const r of running) {
    if (r.done || r.slot === undefined || cancelled.has(r.slot) || handles[r.slot] === undefined) continue;
    cancelled.add(r.slot);
    await step({ kind: "cancelIo", slot: r.slot }, "cleanup");
  }
  for (let slot = 0; slot < handles.length; slot++) {
    if (handles[slot] !== undefined) await step({ kind: "close", slot }, "cleanup");
  }
  if (pendingRecords().length > 0) await sleep(settleMs);
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
  /** The name of kernel A and its line for the entry. */
  kernelA: string;
  /** Kernel A's line (or "(no entry)"). */
  a: string;
  /** The name of kernel B. */
  kernelB: string;
  /** Kernel B's line (or "(no entry)"). */
  b: string;
  /** The entries before it (kernel A's lines; equal on both sides), for context. */
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
  /** The first difference of each sequence that had one, by seed. */
  mismatches: Mismatch[];
  /** Operations run on each kernel, the runner's own included (from kernel A's traces). */
  steps: number;
  /** Wall time in ms. */
  elapsedMs: number;
}

/** The seed of sequence `i` of a run that starts at `seed`. */
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
  return {
    seeds,
    mismatches: results.flatMap((r) => (r.mismatch ? [r.mismatch] : [])),
    steps: results.reduce((n, r) => n + r.traceA.entries.length, 0),
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
 * the seed a failing {@linkcode compareKernels} run printed.
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
