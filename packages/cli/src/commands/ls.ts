/**
 * `winpipe ls [PATTERN]`: the pipes under `\\.\pipe\` (listPipes).
 *
 * @module
 */
import type { Command } from "../command.ts";
import { printJson, shownName } from "../data.ts";

const WILDCARD = /[*?]/;
/** This machine's pipe directory written before a pattern (`\\.\pipe\`, slashes either way, any case). */
const LOCAL_PIPE_PREFIX = /^[\\/]{2}\.[\\/]pipe[\\/]/i;

export const ls: Command = {
  name: "ls",
  usage: "ls [PATTERN] [--json]",
  summary: "list the pipes under \\\\.\\pipe\\ with their instances",
  details: [
    "PATTERN: * stands for any characters, ? for one; without either, the names that start with PATTERN.",
    "Case does not matter, as for pipe names. Opens no pipe: no server sees a client.",
    "--json prints an array of { name, instances, maxInstances }. A name with a control character (a line",
    "break, an escape sequence, a bidi control) is shown quoted, with it escaped.",
  ],
  options: ["json"],
  positionals: [0, 1],
  async run([given], values, env) {
    // `\\.\pipe\NAME` as the other commands take it: the names listed are this machine's pipes.
    const pattern = given?.replace(LOCAL_PIPE_PREFIX, "");
    const filter = pattern === undefined ? {} : WILDCARD.test(pattern) ? { pattern } : { prefix: pattern };
    const pipes = env.pipes.listPipes(filter);
    if (values.json) return await printJson(env, pipes);
    const rows = pipes.map((p) => [
      String(p.instances),
      String(p.maxInstances),
      shownName(p.name.slice("\\\\.\\pipe\\".length)),
    ]);
    const table = [["INSTANCES", "MAX", "NAME"], ...rows];
    const width = [0, 1].map((column) => Math.max(...table.map((row) => row[column].length)));
    const lines = table.map(([now, max, name]) => `${now.padStart(width[0])}  ${max.padStart(width[1])}  ${name}`);
    await env.stdout(lines.join("\n") + "\n");
  },
};
