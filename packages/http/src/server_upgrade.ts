/**
 * {@linkcode PendingSwitch}: a handler's call of `info.upgrade()`, from the
 * call to the 101 the server writes for it (or to the handler answering
 * otherwise).
 *
 * @module
 */
import { fieldValues, type RequestHead } from "./head.ts";
import type { ServerUpgrade, ServerUpgradeOptions } from "./serve_options.ts";
import { HOP_BY_HOP } from "./server_writes.ts";
import { isToken, listHas } from "./syntax.ts";
import type { UpgradedConnection } from "./upgraded.ts";

/** Fields a 101 carries from the handler: none that frames a body or is the connection's own. */
function extraFields(headers: ServerUpgradeOptions["headers"]): [string, string][] {
  const fields: [string, string][] = [];
  new Headers(headers).forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== "content-length") fields.push([name, value]);
  });
  return fields;
}

/** One request's switch of protocols, asked by its handler. */
export class PendingSwitch {
  /** The Response the handler must return for the switch to happen. */
  readonly response: Response;
  /** The fields of the 101, in order: Connection, Upgrade, the handler's, then `later`'s (a WebSocket's accept). */
  readonly fields: Promise<[string, string][]>;
  readonly #connection: Promise<UpgradedConnection>;
  #resolve!: (connection: UpgradedConnection) => void;
  #reject!: (reason: unknown) => void;
  #settled = false;

  /**
   * Checks that `head` asks for an upgrade (TypeError otherwise) and makes the marker Response. `later`: fields
   * the 101 carries that take a while to make (a WebSocket's Sec-WebSocket-Accept is a SHA-1 digest).
   */
  constructor(
    head: RequestHead,
    options: ServerUpgradeOptions | undefined,
    later: Promise<[string, string][]> = Promise.resolve([]),
  ) {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("upgrade: options must be an object");
    }
    const asked = fieldValues(head, "upgrade");
    if (asked.length === 0 || head.minor !== 1 || !listHas(fieldValues(head, "connection").join(","), "upgrade")) {
      throw new TypeError(
        "upgrade: the request asks for no upgrade (HTTP/1.1 with an Upgrade field listed in its Connection field)",
      );
    }
    const protocols = asked.join(",").split(",").map((p) => p.trim()).filter((p) => p !== "");
    const protocol = options?.protocol ?? (protocols.length === 1 ? protocols[0] : undefined);
    if (protocol === undefined) {
      throw new TypeError(`upgrade: the request offers ${protocols.join(", ")}: say which (options.protocol)`);
    }
    // RFC 9110 §7.8: protocol-name ["/" protocol-version], both tokens.
    if (typeof protocol !== "string" || protocol.split("/").length > 2 || !protocol.split("/").every(isToken)) {
      throw new TypeError(`upgrade: ${JSON.stringify(protocol)} is not a protocol name (token or token/version)`);
    }
    // RFC 9110 §7.8: a server must not switch to a protocol the client did not offer.
    if (!protocols.some((offered) => offered.toLowerCase() === protocol.toLowerCase())) {
      throw new TypeError(`upgrade: the request offers ${protocols.join(", ")}, not ${JSON.stringify(protocol)}`);
    }
    const fields: [string, string][] = [
      ["connection", "upgrade"],
      ["upgrade", protocol],
      ...extraFields(options?.headers),
    ];
    this.fields = later.then((more) => [...fields, ...more]);
    this.response = new Response(null, { status: 200 });
    this.#connection = new Promise<UpgradedConnection>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A handler that only returns the response and never looks at the connection must not see an unhandled
    // rejection when the switch does not happen.
    this.#connection.catch(() => {});
  }

  /** What `info.upgrade()` returns. */
  get upgrade(): ServerUpgrade {
    return { response: this.response, connection: this.#connection };
  }

  /** The 101 is out: the connection is the handler's. */
  switched(connection: UpgradedConnection): void {
    this.#settled = true;
    this.#resolve(connection);
  }

  /** No switch: the handler answered otherwise or failed, or the 101 could not be written. */
  refuse(why: string, cause?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(new TypeError(`upgrade: the connection was not switched: ${why}`, { cause }));
  }
}
