/**
 * `winpipe info NAME`: what a pipe reports about itself to a client
 * (GetNamedPipeInfo, GetNamedPipeHandleState, GetSecurityInfo).
 *
 * @module
 */
import {
  type ClientAccess,
  ERROR_ACCESS_DENIED,
  isPipeError,
  parseSecurityDescriptor,
  type PipeConnection,
} from "@winpipe/core";
import { type Command, waitOptions } from "../command.ts";
import { fullPipeName, printJson } from "../data.ts";
import type { CliEnvironment } from "../environment.ts";
import type { OptionValues } from "../options.ts";

/** The pipe's direction, from the client access it let through. */
const DIRECTIONS: Record<ClientAccess, string> = {
  duplex: "duplex",
  read: "outbound",
  write: "inbound",
};
const DIRECTION_TEXT: Record<string, string> = {
  duplex: "duplex (clients read and write)",
  outbound: "outbound (clients read)",
  inbound: "inbound (clients write)",
};

/**
 * Opens the pipe as a client with the first access it lets through:
 * read and write, read only, write only (a refused access connects nothing).
 */
async function openAnyWay(
  name: string,
  values: OptionValues,
  env: CliEnvironment,
): Promise<{ conn: PipeConnection; access: ClientAccess }> {
  const accesses: ClientAccess[] = ["duplex", "read", "write"];
  for (const access of accesses) {
    try {
      return { conn: await env.pipes.connect(name, { ...waitOptions(values, env), access }), access };
    } catch (err) {
      if (!isPipeError(err, ERROR_ACCESS_DENIED) || access === "write") throw err;
    }
  }
  throw new Error("unreachable");
}

/** The pipe's descriptor as SDDL and its owner's SID, or undefined where the kernel cannot tell (no access control, no READ_CONTROL). */
function securityOf(conn: PipeConnection): { descriptor: string | undefined; owner: string | undefined } {
  try {
    const descriptor = conn.securityDescriptor();
    return { descriptor, owner: parseSecurityDescriptor(descriptor).owner };
  } catch {
    return { descriptor: undefined, owner: undefined };
  }
}

/** The owner as printed: its SID, and whether it is the user running the tool (a pipe owned by someone else may be squatted). */
function ownerText(owner: string | undefined, env: CliEnvironment): string {
  if (owner === undefined) return "unknown";
  let you = false;
  try {
    you = env.pipes.currentUser().sid === owner;
  } catch {
    // no access control in this kernel: say nothing more
  }
  return you ? `${owner} (you)` : owner;
}

export const info: Command = {
  name: "info",
  usage: "info NAME [--json] [--wait] [--timeout MS]",
  summary: "show a pipe's type, direction, buffer sizes, instances, owner and security descriptor",
  details: [
    "NAME: \\\\.\\pipe\\NAME, \\\\SERVER\\pipe\\NAME, or just NAME for \\\\.\\pipe\\NAME.",
    "It connects as a client to ask (any tool must): the server sees a client that leaves without data.",
    "A server's read and wait modes are its own; a client cannot see them.",
    "The owner and descriptor (SDDL) are read back from the kernel; a pipe whose owner is not you may not be the server you expect.",
    "--json prints { name, type, direction, instances, maxInstances, inBufferSize, outBufferSize, owner, descriptor }",
    "(owner and descriptor null where the kernel cannot tell).",
  ],
  options: ["json", "wait", "timeout"],
  positionals: [1, 1],
  async run([given], values, env) {
    const name = fullPipeName(given);
    const { conn, access } = await openAnyWay(name, values, env);
    let details;
    try {
      const { type, inBufferSize, outBufferSize, maxInstances } = conn.info();
      const direction = DIRECTIONS[access];
      const { descriptor, owner } = securityOf(conn);
      details = {
        name,
        type,
        direction,
        instances: conn.state().instances,
        maxInstances,
        inBufferSize,
        outBufferSize,
        // null where the kernel cannot tell: --json keeps its shape.
        owner: owner ?? null,
        descriptor: descriptor ?? null,
      };
    } finally {
      conn.close();
    }
    if (values.json) return await printJson(env, details);
    await env.stdout(
      [
        details.name,
        `  type        ${details.type}`,
        `  direction   ${DIRECTION_TEXT[details.direction]}`,
        `  instances   ${details.instances} of ${details.maxInstances}`,
        `  in buffer   ${details.inBufferSize} bytes (clients to the server)`,
        `  out buffer  ${details.outBufferSize} bytes (the server to clients)`,
        `  owner       ${ownerText(details.owner ?? undefined, env)}`,
        `  security    ${details.descriptor ?? "unknown"}`,
      ].join("\n") + "\n",
    );
  },
};
