// The sizes of the bench's workloads, passed to every peer as key=value arguments; the peers stop a
// one-way run at `bytes`/`messages` or `seconds`.

/** The full bench's sizes (also what bench/profile/placement.mjs runs). */
export const WORKLOAD = {
  bytes: 256 * 1024 * 1024,
  seconds: 3,
  exchanges: 5000,
  warmup: 200,
  messages: 1_000_000,
  conns: 1000,
};

/** The smoke run's sizes: does every implementation run at all? */
export const SMOKE_WORKLOAD = {
  bytes: 8 * 1024 * 1024,
  seconds: 1,
  exchanges: 200,
  warmup: 20,
  messages: 20_000,
  conns: 50,
};

/** A workload as the peers' key=value arguments. */
export const workloadArgs = (workload) => Object.entries(workload).map(([key, value]) => `${key}=${value}`);
