// What every JavaScript peer reads from its command line: the role, the
// cases (checked against the ones the peers know) and the workload sizes,
// each with the default bench/run.mjs documents. The C peer (raw_pipe.c)
// parses the same `key=value` pairs itself.

/** The peer cases (bench/lib/report.mjs maps the figures to them). */
export const KNOWN_CASES = [
  "throughput-4k",
  "throughput-64k",
  "throughput-1m",
  "rtt",
  "msgrate-64b",
  "conns-1000",
  "streams-64k",
  "frames-64b",
];

/**
 * Parses `ROLE key=value ...`; throws for a case no peer knows.
 *
 * @param {string[]} argv the arguments after the script
 * @returns {{ role: string, args: Record<string, string>, cases: string[], pipeName: (name: string) => string,
 *   limitBytes: number, limitMs: number, exchanges: number, warmup: number, limitMessages: number,
 *   connections: number }}
 */
export function parsePeerArgs(argv) {
  const [role = "", ...rest] = argv;
  const args = Object.fromEntries(rest.map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
  const prefix = args.prefix ?? "winpipe-bench";
  const cases = (args.cases ?? "").split(",").filter((c) => c !== "");
  for (const name of cases) {
    if (!KNOWN_CASES.includes(name)) throw new Error(`unknown case "${name}": use ${KNOWN_CASES.join(", ")}`);
  }
  return {
    role,
    args,
    cases,
    /** Each case has its own pipe, made by the server. */
    pipeName: (name) => `\\\\.\\pipe\\${prefix}-${name}`,
    limitBytes: Number(args.bytes ?? 256 * 1024 * 1024),
    limitMs: Number(args.seconds ?? 3) * 1000,
    exchanges: Number(args.exchanges ?? 5000),
    warmup: Number(args.warmup ?? 200),
    limitMessages: Number(args.messages ?? 200_000),
    /** Clients of conns-1000 (fewer in the smoke run). */
    connections: Number(args.conns ?? 1000),
  };
}

/**
 * `poll=MICROS` (remedy measurements only, docs/benchmarks.md): sets the
 * polling window of a kernel32 binding's completion port; the model has
 * none and ignores it.
 *
 * @param {object} pipes a winpipe API
 * @param {string | undefined} micros the argument's value
 */
export function applyPollWindow(pipes, micros) {
  if (micros === undefined) return;
  pipes.kernel32?.setWaitOptions({ pollWindowMicros: Number(micros) });
}
