/**
 * The generator of differential sequences: random but valid operations, steered by a shadow model so that most of them do something.
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
} from "@winpipe/core";
import type { KernelHandle } from "@winpipe/core";
import {
  type DataQueue,
  DUPLEX,
  HandleRecord,
  type ModelHandle,
  ModelKernel,
  type NamedPipe,
  type PendingOperation,
  type PipeEnd,
} from "@winpipe/core/internal";

import { DEFAULT_WEIGHTS, type DiffOp, type DiffOpKind, type ExclusionContext, type GenerateOptions } from "./ops.ts";
import { perform, pipeNameFor } from "./perform.ts";
import { Random } from "./random.ts";
import { WINE_EXCLUSIONS } from "./wine_exclusions.ts";

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
 * import { generateSequence } from "@winpipe/testing";
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
      // FILE_FLAG_FIRST_PIPE_INSTANCE is never set: Wine 10 ignores it (docs/behaviours.md, known Wine deviations, A7).
      openMode: direction,
      pipeMode,
      // 1..255 only: Wine 10 accepts 0 and 256, which Windows rejects (docs/behaviours.md, known Wine deviations).
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
