// What the bench makes of its samples: medians, the results table, the
// ratios against the targets, latest.json, the README section and the chart.
import { groupedBarChart } from "./chart.mjs";

/** The implementations that run only some cases. */
const WINPIPE = ["winpipe-deno", "winpipe-bun"];
/**
 * The floors of winpipe's figures in each runtime, on the same machine (`...-deno` for winpipe-deno and so on):
 * kernel32's asynchronous calls with no winpipe layer (the throughput cases), and the thinnest WHATWG-streams
 * binding over them (streams-64k). Each floor: its rows, the cases it gives, and raw C's case it compares with.
 */
const FLOORS = [
  { prefix: "bare-calls-", cases: ["throughput-64k", "throughput-1m"] },
  { prefix: "thinnest-streams-", cases: ["streams-64k"], rawCase: "throughput-64k" },
].map((floor) => ({ ...floor, impls: WINPIPE.map((binding) => binding.replace("winpipe-", floor.prefix)) }));
/** The floor rows that give case `name`. */
const floorImpls = (name) => FLOORS.filter((floor) => floor.cases.includes(name)).flatMap((floor) => floor.impls);
const PIPE_IMPLS = ["raw-c", ...WINPIPE, "node-libuv", "bun-node-net", "model"];
/** The one-way throughput cases also run through the synchronous calls, as raw-c makes its calls. */
const THROUGHPUT_IMPLS = [...PIPE_IMPLS, ...WINPIPE.map((binding) => `${binding}-sync`)];

/**
 * The cases of latest.json, in table order: their units, table headings, whether higher or lower is
 * better, the peer case that gives them (`peerCase`; a peer job runs a list of them), the job of the
 * implementation that runs it (`job`: the pipe peers, the HTTP peers, or the connections job, each a
 * process pair of its own), and which implementations run it when not all (`impls`; variants run
 * what their base implementation runs). `table`: which results table shows it.
 */
export const CASES = [
  { name: "throughput-4k", unit: "MB/s", heading: "4 KiB MB/s", peerCase: "throughput-4k", impls: THROUGHPUT_IMPLS },
  {
    name: "throughput-64k",
    unit: "MB/s",
    heading: "64 KiB MB/s",
    peerCase: "throughput-64k",
    impls: [...THROUGHPUT_IMPLS, ...floorImpls("throughput-64k")],
  },
  {
    name: "throughput-1m",
    unit: "MB/s",
    heading: "1 MiB MB/s",
    peerCase: "throughput-1m",
    impls: [...THROUGHPUT_IMPLS, ...floorImpls("throughput-1m")],
  },
  { name: "rtt-p50", unit: "us", heading: "rtt p50 µs", peerCase: "rtt", lower: true },
  { name: "rtt-p99", unit: "us", heading: "rtt p99 µs", peerCase: "rtt", lower: true },
  { name: "msgrate-64b", unit: "msg/s", heading: "64 B msg/s", peerCase: "msgrate-64b", impls: PIPE_IMPLS },
  {
    name: "http-rps",
    unit: "req/s",
    heading: "HTTP req/s",
    job: "http",
    impls: [...WINPIPE, "node-libuv", "model"],
  },
  {
    name: "conns-1000",
    unit: "req/s",
    heading: "1,000 conns req/s",
    peerCase: "conns-1000",
    impls: [...WINPIPE, "node-libuv", "model"],
    table: 2,
  },
  {
    name: "conns-1000-kb",
    unit: "KB",
    heading: "KB per conn",
    peerCase: "conns-1000",
    // Not the model: its clients live in the server's process, so its memory is not the server's.
    impls: [...WINPIPE, "node-libuv"],
    table: 2,
    lower: true,
  },
  {
    name: "rss-conns-1000",
    unit: "MB",
    heading: "peak RSS MB, 1,000 conns",
    peerCase: "conns-1000",
    impls: [...WINPIPE, "node-libuv", "model"],
    table: 2,
    lower: true,
  },
  {
    name: "streams-64k",
    unit: "MB/s",
    heading: "streams 64 KiB MB/s",
    peerCase: "streams-64k",
    impls: [...WINPIPE, "node-libuv", "model", ...floorImpls("streams-64k")],
    table: 2,
  },
  {
    name: "frames-64b",
    unit: "msg/s",
    heading: "streams 64 B frames/s",
    peerCase: "frames-64b",
    impls: [...WINPIPE, "node-libuv", "model"],
    table: 2,
  },
  {
    name: "ws-rtt-p50",
    unit: "us",
    heading: "WebSocket rtt p50 µs",
    job: "http",
    impls: [...WINPIPE, "node-libuv", "model"],
    table: 2,
    lower: true,
  },
  {
    name: "ws-msgs-64b",
    unit: "msg/s",
    heading: "WebSocket 64 B msg/s",
    job: "http",
    impls: [...WINPIPE, "node-libuv", "model"],
    table: 2,
  },
  {
    name: "rss-1m",
    unit: "MB",
    heading: "peak RSS MB, 1 MiB",
    peerCase: "throughput-1m",
    impls: THROUGHPUT_IMPLS,
    table: 2,
    lower: true,
  },
];

/** Whether `impl` (a name, or a variant whose base is `base`) runs case `c`. */
export function runsCase(c, impl, base = impl) {
  return !c.impls || c.impls.includes(base);
}

/** What the columns of the results tables mean. */
export const LEGEND = "4 KiB / 64 KiB / 1 MiB MB/s: one-way throughput by write size (higher is better); " +
  "rtt p50 / p99 µs: 64-byte request/reply round trip (lower is better); 64 B msg/s: pipelined 64-byte " +
  "messages one way (higher is better); HTTP req/s: small GET requests over 8 keep-alive connections on one " +
  "pipe (higher is better). Second table: 1,000 conns req/s: one server, 1,000 clients connected at once, " +
  "each doing 64-byte request/reply for the time limit (higher is better); KB per conn: the server's resident " +
  "memory per connection (its peak during the run minus before the first client, over 1,000); peak RSS MB: " +
  "the largest resident set of the server during 1,000 conns and of the reader during throughput-1m (lower " +
  "is better for these three); streams 64 KiB MB/s: one way, 64 KiB chunks through conn.writable into " +
  "conn.readable (node: its socket); streams 64 B frames/s: 64-byte frames on a byte pipe through the same " +
  "streams (higher is better for these two); WebSocket rtt p50 µs: a 64-byte binary message and its echo on a " +
  "WebSocket over the pipe (lower is better); WebSocket 64 B msg/s: 64-byte binary messages one way on it " +
  "(higher is better); winpipe: pipeWebSocket and info.upgradeWebSocket(), node: the npm package ws.";

/** The targets of the bench, each a ratio of one winpipe binding's median to a baseline's median. */
export const TARGETS = [
  { case: "throughput-64k", baseline: "raw-c", op: ">=", ratio: 0.9 },
  { case: "throughput-64k", baseline: "node-libuv", op: ">=", ratio: 1.5 },
  { case: "throughput-1m", baseline: "raw-c", op: ">=", ratio: 0.9 },
  { case: "rtt-p50", baseline: "raw-c", op: "<=", ratio: 1.5 },
  { case: "rtt-p50", baseline: "node-libuv", op: "<=", ratio: 1.0 },
  { case: "rtt-p50", baseline: "bun-node-net", op: "<=", ratio: 1.0 },
  { case: "msgrate-64b", baseline: "node-libuv", op: ">=", ratio: 1.0 },
  { case: "http-rps", baseline: "node-libuv", op: ">=", ratio: 1.0 },
  { case: "conns-1000", baseline: "node-libuv", op: ">=", ratio: 1.0 },
  { case: "conns-1000-kb", baseline: "node-libuv", op: "<=", ratio: 1.0 },
  // The streams: 64 KiB chunks at raw C's plain 64 KiB throughput (raw C has no streams), small frames at node's rate.
  { case: "streams-64k", baseline: "raw-c", baselineCase: "throughput-64k", op: ">=", ratio: 0.95 },
  { case: "streams-64k", baseline: "node-libuv", op: ">=", ratio: 1.5 },
  { case: "frames-64b", baseline: "node-libuv", op: ">=", ratio: 1.0 },
  // The synchronous calls: the round trip at most 1.2 x raw C's; their throughput against the same 0.9 x raw C
  // as the asynchronous calls' (the issue sets it for Bun's plain API, of which they are part).
  { impl: "-sync", case: "rtt-p50", baseline: "raw-c", op: "<=", ratio: 1.2 },
  { impl: "-sync", case: "throughput-64k", baseline: "raw-c", op: ">=", ratio: 0.9 },
  { impl: "-sync", case: "throughput-1m", baseline: "raw-c", op: ">=", ratio: 0.9 },
];
export const TARGET_IMPLS = WINPIPE;
/** What the floor lines are (floorComparisons). */
export const FLOORS_HEADING =
  "Floors: winpipe over the same runtime's bare asynchronous kernel32 calls (bare-calls-*) and thinnest " +
  "streams over them (thinnest-streams-*), with no winpipe layer; and each floor over raw C:";

export const README_START = "<!-- bench:latest:start (generated by bench/run.mjs; do not edit by hand) -->";
export const README_END = "<!-- bench:latest:end -->";

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds for display and for latest.json: whole numbers for large values, one decimal otherwise. */
export function roundValue(value) {
  return value >= 1000 ? Math.round(value) : Math.round(value * 10) / 10;
}

const formatValue = (value) => (value === undefined ? "–" : roundValue(value).toLocaleString("en-US"));

/**
 * Medians per implementation and case.
 * @param {Map<string, Map<string, number[]>>} samples impl → case → value of each round (index: round - 1;
 *   a hole where the round produced no figure)
 * @returns {Map<string, Map<string, number>>}
 */
export function medians(samples) {
  const out = new Map();
  for (const [impl, byCase] of samples) {
    const row = new Map();
    for (const [name, values] of byCase) {
      const figures = values.filter((v) => v !== undefined);
      if (figures.length > 0) row.set(name, median(figures));
    }
    out.set(impl, row);
  }
  return out;
}

/** A markdown table whose columns are padded so it also reads well as plain text. */
export function markdownTable(header, rows, align) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    "| " + cells.map((c, i) => (align[i] === "right" ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") +
    " |";
  const rule = "|" + widths.map((w, i) => (align[i] === "right" ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2)))
    .join("|") +
    "|";
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** The cases of results table `n` (1: the pipe API; 2: streams, scale and memory). */
export const casesOfTable = (n) => CASES.filter((c) => (c.table ?? 1) === n);

/**
 * Results table `n`: one row per implementation that has a figure in it, medians over the rounds; the
 * first table also shows the missing implementations that have no figure at all.
 */
export function resultsTable(impls, table, missing, n = 1) {
  const cases = casesOfTable(n);
  const shown = (impl) => {
    const row = table.get(impl);
    return cases.some((c) => row?.has(c.name)) || (n === 1 && missing.has(impl) && !row?.size);
  };
  const rows = impls.filter(shown).map((impl) => {
    const row = table.get(impl) ?? new Map();
    const name = missing.has(impl) && row.size === 0 ? `${impl} (missing)` : impl;
    return [name, ...cases.map((c) => formatValue(row.get(c.name)))];
  });
  return markdownTable(
    ["implementation", ...cases.map((c) => c.heading)],
    rows,
    ["left", ...cases.map(() => "right")],
  );
}

/** The range (min–max over rounds) of each figure of table `n`, to show how much the machine moved them. */
export function spreadTable(impls, samples, n = 1) {
  const cases = casesOfTable(n);
  const spread = (impl, c) => {
    const values = (samples.get(impl)?.get(c.name) ?? []).filter((v) => v !== undefined);
    return values.length === 0 ? "–" : `${formatValue(Math.min(...values))}–${formatValue(Math.max(...values))}`;
  };
  const rows = impls.filter((impl) => samples.has(impl))
    .map((impl) => [impl, ...cases.map((c) => spread(impl, c))])
    .filter((row) => row.slice(1).some((cell) => cell !== "–"));
  return markdownTable(["implementation", ...cases.map((c) => c.name)], rows, [
    "left",
    ...cases.map(() => "right"),
  ]);
}

/**
 * The ratios of two implementations' figures round by round: both ran within a minute of each other in
 * every round, so these show how much the ratio itself moved with the machine's load.
 */
function pairedRatios(samples, impl, baseline, name, baselineName = name) {
  return ratiosByRound(samples?.get(impl)?.get(name) ?? [], samples?.get(baseline)?.get(baselineName) ?? []);
}

/** `a[i] / b[i]` for every round in which both have a figure (a failed round leaves a hole). */
export function ratiosByRound(a, b) {
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== undefined && b[i] !== undefined) out.push(a[i] / b[i]);
  }
  return out;
}

/** Round-by-round ratios as the reports give them: `median, min–max`. */
export function ratioSpread(ratios) {
  return `${median(ratios).toFixed(2)}, ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
}

/**
 * Each target for each winpipe binding: the ratio of the medians, whether it is met, by how much it is
 * missed, and the median and range of the same ratio taken round by round.
 * @returns {{impl: string, target: object, ratio?: number, met?: boolean, text: string}[]}
 */
export function checkTargets(table, missing, impls, samples) {
  const checks = [];
  const targets = TARGET_IMPLS.flatMap((binding) =>
    TARGETS.map((target) => ({ impl: binding + (target.impl ?? ""), target }))
  );
  for (const { impl, target } of targets.filter((t) => impls.includes(t.impl))) {
    {
      const baselineCase = target.baselineCase ?? target.case;
      const against = baselineCase === target.case ? target.baseline : `${target.baseline} ${baselineCase}`;
      const label = `${impl} ${target.case} / ${against} (target ${target.op} ${target.ratio})`;
      const value = table.get(impl)?.get(target.case);
      const base = table.get(target.baseline)?.get(baselineCase);
      if (value === undefined || base === undefined) {
        const absent = value === undefined ? impl : target.baseline;
        checks.push({
          impl,
          target,
          text: `${label}: not measured (${absent} ${
            missing.has(absent) ? "missing" : impls.includes(absent) ? "has no figure" : "not run"
          })`,
        });
        continue;
      }
      const ratio = value / base;
      const met = target.op === ">=" ? ratio >= target.ratio : ratio <= target.ratio;
      // How far off: the share of the target that is missing (>=), or how far above it the figure is (<=).
      const by = target.op === ">=" ? 1 - ratio / target.ratio : ratio / target.ratio - 1;
      const verdict = met ? "met" : `MISSED by ${(by * 100).toFixed(0)}%`;
      const paired = pairedRatios(samples, impl, target.baseline, target.case, baselineCase);
      const perRound = paired.length > 1 ? ` (round by round: median ${ratioSpread(paired)})` : "";
      checks.push({ impl, target, ratio, met, text: `${label}: ${ratio.toFixed(2)}, ${verdict}${perRound}` });
    }
  }
  return checks;
}

/**
 * Winpipe against its floors: each binding's figure over its runtime's floor row (FLOORS), and that floor's
 * over raw C's (the targets' baseline), as ratios of medians and round by round. Lines only for what ran.
 */
export function floorComparisons(table, samples) {
  const lines = [];
  for (const floor of FLOORS) {
    const pairs = floor.cases.flatMap((name) =>
      WINPIPE.flatMap((binding, i) => [
        [binding, name, floor.impls[i], name],
        [floor.impls[i], name, "raw-c", floor.rawCase ?? name],
      ])
    );
    for (const [impl, name, base, baseName] of pairs) {
      const value = table.get(impl)?.get(name), against = table.get(base)?.get(baseName);
      if (value === undefined || against === undefined) continue;
      const paired = pairedRatios(samples, impl, base, name, baseName);
      const perRound = paired.length > 1 ? ` (round by round: median ${ratioSpread(paired)})` : "";
      lines.push(`${impl} ${name} / ${base} ${baseName}: ${(value / against).toFixed(2)}${perRound}`);
    }
  }
  return lines;
}

/**
 * A remedy's before/after: each variant (or baseline commit) against the implementation it varies, case by
 * case, as the ratio of medians and the median and range of the same ratio taken round by round.
 * @param {{name: string, base?: string}[]} impls
 */
export function variantComparisons(impls, table, samples) {
  const lines = [];
  for (const impl of impls.filter((i) => i.base)) {
    for (const c of CASES) {
      const value = table.get(impl.name)?.get(c.name), base = table.get(impl.base)?.get(c.name);
      if (value === undefined || base === undefined) continue;
      const paired = pairedRatios(samples, impl.name, impl.base, c.name);
      const perRound = paired.length > 1 ? `, round by round median ${ratioSpread(paired)}` : "";
      lines.push(`${impl.name} / ${impl.base} ${c.name}: ${(value / base).toFixed(2)}${perRound}`);
    }
  }
  return lines;
}

/** latest.json: exactly {platform, date, results: [{impl, case, value, unit}]}. */
export function latestJson({ platform, date, impls, table }) {
  const results = [];
  for (const impl of impls) {
    const row = table.get(impl);
    if (!row) continue;
    for (const c of CASES) {
      if (row.has(c.name)) results.push({ impl, case: c.name, value: roundValue(row.get(c.name)), unit: c.unit });
    }
  }
  // One result per line: diffs of the file show which figures moved.
  const lines = results.map((r) => `    ${JSON.stringify(r).replace(/,"/g, ', "').replace(/":/g, '": ')}`);
  return `{\n  "platform": ${JSON.stringify(platform)},\n  "date": ${JSON.stringify(date)},\n  "results": [\n` +
    `${lines.join(",\n")}\n  ]\n}\n`;
}

/** The generated section of bench/README.md. */
export function readmeSection(
  { platform, date, rounds, load, underWine, impls, table, samples, missing, checks, floors, notes },
) {
  const lines = [
    README_START,
    "",
    `Latest run: **${date}**, ${rounds} round${rounds === 1 ? "" : "s"} (medians), on ${platform}.`,
    `Load average (1 min) at the start and end of the run: ${load}.`,
    "",
    ...(underWine
      ? [
        "**These are Wine figures, not Windows figures**: under Wine every pipe operation is a request to",
        "wineserver, so absolute numbers say little about Windows. Compare ratios within one run only.",
        "",
      ]
      : []),
    resultsTable(impls, table, missing),
    "",
    resultsTable(impls, table, missing, 2),
    "",
    LEGEND,
    "",
    ...notes.map((n) => `- ${n}`),
    ...[...missing].map(([impl, reason]) => `- **${impl}** missing: ${reason}`),
    "",
    "Targets (ratios of medians within this run):",
    "",
    ...checks.map((c) => `- ${c.text}`),
    "",
    ...(floors.length > 0 ? [FLOORS_HEADING, "", ...floors.map((line) => `- ${line}`), ""] : []),
    "Spread over the rounds (min–max):",
    "",
    spreadTable(impls, samples),
    "",
    spreadTable(impls, samples, 2),
    "",
    "![every case of the bench by implementation](results/bench.svg)",
    "",
    README_END,
  ];
  return lines.join("\n");
}

/** Replaces the generated section of a README (or appends one if the markers are absent). */
export function replaceSection(readme, section) {
  const start = readme.indexOf(README_START.slice(0, 24));
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1) return readme.trimEnd() + "\n\n" + section + "\n";
  return readme.slice(0, start) + section + readme.slice(end + README_END.length);
}

/**
 * The panels of the chart, top to bottom: one per unit, its groups the cases in that unit. Whether higher or
 * lower is better comes from CASES. A case of CASES in none of these gets a panel of its unit at the end.
 */
const CHART_PANELS = [
  {
    title: "One-way throughput over a byte pipe",
    groups: [
      ["4 KiB writes", "throughput-4k"],
      ["64 KiB writes", "throughput-64k"],
      ["1 MiB writes", "throughput-1m"],
      ["64 KiB chunks, streams", "streams-64k"],
    ],
  },
  {
    title: "64-byte request/reply round trip",
    groups: [["p50, message pipe", "rtt-p50"], ["p99, message pipe", "rtt-p99"], ["p50, WebSocket", "ws-rtt-p50"]],
  },
  {
    title: "64-byte messages one way, pipelined",
    groups: [
      ["messages, pipe API", "msgrate-64b"],
      ["frames on a byte pipe, streams", "frames-64b"],
      ["messages, WebSocket", "ws-msgs-64b"],
    ],
  },
  {
    title: "Requests per second",
    groups: [
      ["HTTP GET, 8 keep-alive connections", "http-rps"],
      ["1,000 connections at once, 64 B request/reply", "conns-1000"],
    ],
  },
  {
    title: "Server memory per connection, 1,000 connections",
    note: "peak resident memory during the run minus before the first client, over 1,000; not the model " +
      "(its clients live in the server's process)",
    groups: [["KB per connection", "conns-1000-kb"]],
  },
  {
    title: "Peak resident memory",
    groups: [["server, 1,000 connections", "rss-conns-1000"], ["reader, 1 MiB throughput", "rss-1m"]],
  },
];
const UNIT_LABELS = { us: "µs" };

/**
 * The chart (bench.svg): every case of CASES, one panel per unit (CHART_PANELS), groups the cases, bars the
 * implementations; no bar where an implementation has no figure.
 */
export function benchChart({ shortPlatform, date, underWine, impls, table }) {
  const byName = new Map(CASES.map((c) => [c.name, c]));
  const specs = CHART_PANELS.map((p) => ({ ...p, groups: p.groups.filter(([, name]) => byName.has(name)) }))
    .filter((p) => p.groups.length > 0);
  const charted = new Set(specs.flatMap((p) => p.groups.map(([, name]) => name)));
  for (const c of CASES.filter((c) => !charted.has(c.name))) {
    const panel = specs.find((p) => p.extra === c.unit) ??
      specs[specs.push({ title: c.unit, extra: c.unit, groups: [] }) - 1];
    panel.groups.push([c.heading, c.name]);
  }
  const panels = specs.map(({ title, note, groups }) => {
    const cases = groups.map(([, name]) => byName.get(name));
    const lower = cases.every((c) => c.lower), higher = cases.every((c) => !c.lower);
    return {
      title: title + (lower ? " (lower is better)" : higher ? " (higher is better)" : ""),
      unit: UNIT_LABELS[cases[0].unit] ?? cases[0].unit,
      note,
      groups: groups.map(([label, name]) => ({ label, value: (impl) => table.get(impl)?.get(name) })),
    };
  });
  return groupedBarChart({
    title: "winpipe bench: every case by implementation (medians)",
    subtitle: `${date.slice(0, 10)}, ${shortPlatform}` + (underWine ? ": Wine figures, not Windows figures" : ""),
    series: impls,
    panels,
    footnotes: [
      "No bar: the implementation does not run that case, or gave no figure in this run. " +
      "Panels whose figures span more than 20× have a log axis.",
      "model: the in-memory reference model, native Deno on Linux, server and client in one process.",
    ],
  });
}
