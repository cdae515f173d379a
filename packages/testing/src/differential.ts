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
 * in docs/wine-findings.md or docs/behaviours.md's list of known Wine deviations).
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
 * import { compareKernels, formatMismatch } from "@winpipe/testing";
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
export * from "./differential/random.ts";
export * from "./differential/ops.ts";
export * from "./differential/wine_exclusions.ts";
export * from "./differential/generator.ts";
export { writePattern } from "./differential/perform.ts";
export * from "./differential/runner.ts";
export * from "./differential/compare.ts";
export * from "./differential/batches.ts";
