/**
 * {@linkcode CompletionPort}: the process's one I/O completion port and the
 * two ways its completions reach JavaScript while any operation is pending:
 * the main thread polls it between turns of the event loop (while that
 * pays: poll_policy.ts), or one
 * [GetQueuedCompletionStatusEx](https://learn.microsoft.com/en-us/windows/win32/api/ioapiset/nf-ioapiset-getqueuedcompletionstatusex)
 * waits off the main thread. Steps and reasons: docs/kernel32.md ("Waiting
 * without blocking the event loop").
 *
 * @module
 */
import type { Win32Library } from "./binding.ts";
import { EventLoopTurns } from "./event_loop_turn.ts";
import type { OverlappedPool, OverlappedRecord } from "./overlapped_pool.ts";
import type { PendingOperation } from "./pending_operation.ts";
import { DEFAULT_POLL_WINDOW_MICROS, PollPolicy, type PollSettings } from "./poll_policy.ts";
import { OVERLAPPED_ENTRY_OVERLAPPED, OVERLAPPED_ENTRY_SIZE, STATUS_PENDING, struct, validHandle } from "./structs.ts";
import { INFINITE, INVALID_HANDLE_VALUE, SKIP_PORT_AND_EVENT } from "./win32_constants.ts";
import { check, lastError } from "./win32.ts";

/** Completions removed per GetQueuedCompletionStatusEx call. */
const ENTRIES = 64;
/** Pending operations up to which a polling phase reads their status before asking the port. */
const MEMORY_CHECK_LIMIT = 32;
/** A polling phase asks the port at least every this many turns, whatever memory shows... */
const ASK_EVERY = 4;
/** ...or every this many, while completions show in memory before their packets are removed (Wine). */
const ASK_EVERY_WHEN_SHOWN = 64;
/**
 * A polling phase asks the port for the packets of operations settled from
 * memory once after each operation that pends, in its first turn with
 * nothing to settle (typically while that operation is pending, off the
 * path of an exchange), and for exactly those packets (see
 * {@linkcode CompletionPort.#ask}); after that only when this many are owed
 * (then in any turn, also one that settles completions from memory) or at a
 * blind ask, so that a packet the kernel has not queued yet is not asked for
 * turn after turn.
 */
const OWED_BATCH = 32;
/**
 * Turns a polling phase keeps going with nothing pending before it ends: the
 * continuation of the completion it settled last runs before the next turn,
 * so one turn is enough for a loop that reads, or writes, or sends and
 * receives to start its next operation in the same phase, instead of a
 * phase of its own for each (its set-up, and its count of turns between
 * blind asks starting over). docs/benchmarks.md (eighteenth round) has what
 * it bought.
 */
const LINGER_TURNS = 1;
/** The completion key of the packets this module posts to wake the waiter (no OVERLAPPED). */
const WAKE_KEY = 0x77616b65;

/** An OVERLAPPED_ENTRY array and its count, for one thread's GetQueuedCompletionStatusEx. */
class Entries {
  readonly bytes = struct(ENTRIES * OVERLAPPED_ENTRY_SIZE);
  readonly view = new DataView(this.bytes.buffer);
  readonly removed = new Uint32Array(new ArrayBuffer(4));

  /** lpCompletionKey of entry `i`. */
  key(i: number): number {
    return Number(this.view.getBigUint64(i * OVERLAPPED_ENTRY_SIZE, true));
  }

  /** lpOverlapped of entry `i`. */
  overlapped(i: number): number {
    return Number(this.view.getBigUint64(i * OVERLAPPED_ENTRY_SIZE + OVERLAPPED_ENTRY_OVERLAPPED, true));
  }
}

/** The completion port of one loaded library (one per process and runtime), made on first use. */
export class CompletionPort {
  readonly #lib: Win32Library;
  /** Where the OVERLAPPED of an operation goes once its completion has been seen. */
  readonly #overlappeds: OverlappedPool;
  #port: number | undefined;
  /** Operations waiting for their completion packet, by the address of their OVERLAPPED. */
  readonly #pending = new Map<number, PendingOperation>();
  /**
   * The OVERLAPPEDs of operations settled from memory, by address, whose
   * packets are still in the port: out of the pool until their packet is
   * removed, so that it cannot be taken for another operation's.
   */
  readonly #owed = new Map<number, OverlappedRecord>();
  /** The off-thread waiter's entries (it writes them while the main thread may poll into its own). */
  readonly #waiterEntries = new Entries();
  /** The main thread's entries. */
  readonly #pollEntries = new Entries();
  readonly #policy = new PollPolicy({ windowMicros: DEFAULT_POLL_WINDOW_MICROS });
  /** The turns of the event loop between two polls. */
  readonly #turns: EventLoopTurns;
  /** An off-thread GetQueuedCompletionStatusEx is outstanding. */
  #waiting = false;
  /** The main thread is in a polling phase. */
  #polling = false;
  /** Wake packets posted and not yet removed by anyone. */
  #wakes = 0;
  /** When the last operation pended (performance.now()): each gets a whole window of polling. */
  #lastPend = 0;
  /** Operations that have pended so far: a polling phase asks for the packets owed once after each. */
  #pends = 0;
  /** A polling phase asks the port at least every this many turns (see {@linkcode CompletionPort.#settleShown}). */
  #askEvery = ASK_EVERY;

  constructor(lib: Win32Library, overlappeds: OverlappedPool) {
    this.#lib = lib;
    this.#overlappeds = overlappeds;
    this.#turns = new EventLoopTurns(lib.eventLoopTurn);
  }

  /** Changes how waits are made (see {@linkcode PollSettings}); takes effect at the next operation that pends. */
  configure(settings: PollSettings): void {
    this.#policy.configure(settings);
  }

  /**
   * The port, made on first use
   * ([CreateIoCompletionPort](https://learn.microsoft.com/en-us/windows/win32/fileio/createiocompletionport)).
   */
  #handle(call: string): number {
    if (this.#port === undefined) {
      const port = validHandle(this.#lib.kernel32.CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 1));
      if (port === undefined) throw lastError(this.#lib, call);
      this.#port = port;
    }
    return this.#port;
  }

  /**
   * Associates an overlapped handle with the port and asks for no packet
   * when I/O completes at once
   * ([SetFileCompletionNotificationModes](https://learn.microsoft.com/en-us/windows/win32/api/winbase/nf-winbase-setfilecompletionnotificationmodes)).
   * Throws a PipeError naming `call` on failure.
   */
  associate(native: number, call: string, pipeName: string | undefined): void {
    const { kernel32 } = this.#lib;
    const port = this.#handle(call);
    if (validHandle(kernel32.CreateIoCompletionPort(native, port, 0, 0)) === undefined) {
      throw lastError(this.#lib, call, pipeName);
    }
    check(this.#lib, kernel32.SetFileCompletionNotificationModes(native, SKIP_PORT_AND_EVENT), call, pipeName);
  }

  /** Waits for the completion of an operation that returned ERROR_IO_PENDING. */
  wait(op: PendingOperation): Promise<PendingOperation> {
    this.#pending.set(op.address, op);
    this.#lastPend = performance.now();
    this.#pends++;
    if (!this.#polling) {
      if (this.#policy.shouldPoll()) this.#startPolling();
      else if (!this.#waiting) this.#startWaiter();
    }
    return op.done;
  }

  /** Fails what is pending rather than hang, should the port itself fail (it should not). */
  #failAll(err: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(err);
    this.#pending.clear();
  }

  #startWaiter(): void {
    this.#run().catch((err) => this.#failAll(err));
  }

  #startPolling(): void {
    this.#poll().catch((err) => this.#failAll(err));
  }

  /**
   * The waiter: one off-thread GetQueuedCompletionStatusEx at a time, for as
   * long as anything is pending and the main thread is not polling. What it
   * removed comes back in one hand-over; if the policy says so, the main
   * thread then polls for what follows instead of waiting again.
   */
  async #run(): Promise<void> {
    this.#waiting = true;
    try {
      const port = this.#handle("GetQueuedCompletionStatusEx");
      const entries = this.#waiterEntries;
      while (this.#pending.size > 0 && !this.#polling) {
        const ok = await this.#lib.offThread(
          "GetQueuedCompletionStatusEx",
          port,
          entries.bytes,
          ENTRIES,
          entries.removed,
          INFINITE,
          0,
        );
        if (!ok) {
          // Nothing removed; the reason is in the other thread's last error. Try again shortly.
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        const found = this.#dispatch(entries, false);
        if (found > 0 && this.#pending.size > 0 && !this.#polling && this.#policy.shouldPoll()) {
          // Completions beget operations (a reply read, then the next request): poll for theirs.
          this.#waiting = false;
          this.#startPolling();
          return;
        }
      }
    } finally {
      this.#waiting = false;
    }
  }

  /**
   * A polling phase: between turns of the event loop, the main thread
   * settles what has completed, until nothing is pending (for one more
   * turn: {@linkcode LINGER_TURNS}) or nothing has completed for a window
   * (then the waiter takes over). An operation whose
   * status shows in memory is settled at once, with no system call; its
   * packet is removed from the port later, in a turn that has nothing to
   * settle (docs/kernel32.md, "Settled from memory, removed
   * later").
   */
  async #poll(): Promise<void> {
    this.#polling = true;
    // A blocked waiter would be handed every completion first: wake it (it then stops).
    if (this.#waiting && this.#wakes === 0) this.#postWake();
    const turns = this.#turns;
    turns.open();
    let found = 0;
    let since = performance.now();
    /** How many operations had pended when this phase last asked for the packets owed (OWED_BATCH). */
    let owedAskedAfter = -1;
    try {
      const { kernel32 } = this.#lib;
      for (let turn = 1, idle = 0; this.#pending.size > 0 || idle++ < LINGER_TURNS; turn++) {
        await turns.next();
        // Nothing pending: the last completion's continuation had a turn to start the next operation and did not.
        if (this.#pending.size === 0) continue;
        idle = 0;
        const judged = this.#pending.size <= MEMORY_CHECK_LIMIT;
        const shown = judged ? this.#settleShown() : 0;
        const batchOwed = this.#owed.size >= OWED_BATCH;
        const owedDue = batchOwed || (this.#owed.size > 0 && owedAskedAfter !== this.#pends);
        // A blind ask: with many pending (reading them all would cost more), or its turn has come.
        const blind = !judged || turn % this.#askEvery === 0;
        if (shown > 0) {
          // Their continuations run before this phase's next turn: the port is asked in a later one.
          found += shown;
          since = performance.now();
          this.#askEvery = ASK_EVERY_WHEN_SHOWN;
          if (batchOwed) {
            // Turns that all show a completion would otherwise never ask: the packets owed would pile up in
            // the port, each holding an OVERLAPPED out of the pool (a new one made for every operation).
            owedAskedAfter = this.#pends;
            found += this.#ask(this.#owed.size);
          }
        } else if (!owedDue && !blind) {
          // Nothing to remove yet: give the CPU to whoever is ready (the peer; wineserver under Wine).
          kernel32.SwitchToThread();
        } else {
          if (this.#owed.size > 0) owedAskedAfter = this.#pends;
          // Only the packets owed are known to be there: ask for exactly those, unless this ask is blind.
          const settled = this.#ask(blind ? ENTRIES : this.#owed.size);
          if (settled > 0) {
            found += settled;
            since = performance.now();
            // A completion memory did not show: this kernel stores a status when its packet is removed.
            if (judged) this.#askEvery = ASK_EVERY;
          }
        }
        if (this.#policy.expired(Math.max(since, this.#lastPend), performance.now())) break;
      }
    } finally {
      turns.close();
      this.#polling = false;
    }
    this.#policy.phaseEnded(found);
    // The waiter's first wait would return at once with the packets owed: one call here instead of a hand-over.
    if (this.#pending.size > 0 && this.#owed.size > 0) this.#ask(this.#owed.size);
    if (this.#pending.size > 0 && !this.#waiting) this.#startWaiter();
  }

  /**
   * Removes up to `count` packets from the port, without waiting, on the
   * main thread; returns how many operations that settled. Wine's
   * GetQueuedCompletionStatusEx removes one packet per wineserver request
   * and, until it has `count`, makes one more that finds the port empty: an
   * ask for exactly the packets known to be there (those owed) costs one
   * request per packet, where asking for more costs one request more.
   */
  #ask(count: number): number {
    const port = this.#handle("GetQueuedCompletionStatusEx");
    const entries = this.#pollEntries;
    const asked = Math.min(count, ENTRIES);
    if (!this.#lib.kernel32.GetQueuedCompletionStatusEx(port, entries.bytes, asked, entries.removed, 0, 0)) return 0;
    return this.#dispatch(entries, true);
  }

  /**
   * Settles every pending operation whose final status shows in its
   * OVERLAPPED; returns how many. Reading memory costs no system call,
   * where each GetQueuedCompletionStatusEx is one (a wineserver request
   * under Wine); the status is the kernel's last store for a completed
   * operation (after the data and the byte count), so the operation is
   * complete and its buffers are free. Only its packet is still to come,
   * and until that has been removed its OVERLAPPED stays out of the pool.
   * A kernel may store the status only when the packet is removed (Windows
   * can finish an I/O request in the thread that dequeues it): then memory
   * shows nothing, and a polling phase finds the completion by asking the
   * port at least every {@linkcode ASK_EVERY}th turn. A kernel that stores
   * it first (Wine: before the packet is queued) is asked blind only every
   * {@linkcode ASK_EVERY_WHEN_SHOWN}th turn, for as long as the last
   * completion found showed in memory first. Called only with few
   * operations pending: reading them all each turn would cost more than
   * asking.
   */
  #settleShown(): number {
    let settled = 0;
    for (const op of this.#pending.values()) {
      if (op.storedStatus() === STATUS_PENDING) continue;
      this.#pending.delete(op.address);
      this.#owed.set(op.address, op.record);
      op.finish();
      settled++;
    }
    return settled;
  }

  /**
   * Settles the operations of the entries removed; returns how many. Wake
   * packets are counted off; one the main thread removed while the waiter
   * still has to be woken (it was not blocked yet) is posted again.
   */
  #dispatch(entries: Entries, onMainThread: boolean): number {
    let settled = 0;
    let rewake = false;
    for (let i = 0; i < entries.removed[0]; i++) {
      const address = entries.overlapped(i);
      if (address === 0 && entries.key(i) === WAKE_KEY) {
        this.#wakes--;
        if (onMainThread && this.#waiting && this.#polling) rewake = true;
        continue;
      }
      const owed = this.#owed.get(address);
      if (owed !== undefined) {
        // The packet of an operation settled from memory: its OVERLAPPED is free now.
        this.#owed.delete(address);
        this.#overlappeds.give(owed);
        continue;
      }
      const op = this.#pending.get(address);
      if (op !== undefined && this.#settle(op, 0)) settled++;
    }
    if (rewake && this.#wakes === 0) this.#postWake();
    return settled;
  }

  /** Posts a wake packet ([PostQueuedCompletionStatus](https://learn.microsoft.com/en-us/windows/win32/fileio/postqueuedcompletionstatus)). */
  #postWake(): void {
    if (this.#lib.kernel32.PostQueuedCompletionStatus(this.#port!, 0, WAKE_KEY, null)) this.#wakes++;
  }

  /**
   * Settles `op` if its status is final; returns whether it did. A packet
   * for an OVERLAPPED that still reads STATUS_PENDING is a stale one (a
   * packet of an earlier operation at the same address), or, should a
   * kernel ever queue the packet before storing the status, an early one:
   * look again shortly, while still waiting for its own packet.
   */
  #settle(op: PendingOperation, attempt: number): boolean {
    if (this.#pending.get(op.address) !== op) return false;
    if (op.storedStatus() !== STATUS_PENDING) {
      this.#pending.delete(op.address);
      op.finish();
      // Its packet has been removed and its status is final: the kernel is done with the OVERLAPPED.
      this.#overlappeds.give(op.record);
      if (this.#pending.size === 0 && this.#waiting && attempt > 0 && this.#wakes === 0) {
        // Settled outside the waiter: wake it, or it would wait (and keep the process alive) for nothing.
        this.#postWake();
      }
      return true;
    }
    if (attempt < 10) {
      // Unref'd: a recheck never keeps the process alive (a real completion still arrives through the port).
      this.#lib.unrefTimer(setTimeout(() => this.#settle(op, attempt + 1), 1 << attempt));
    }
    return false;
  }
}
