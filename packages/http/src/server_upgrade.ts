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
import { isToken, listElements, listHas } from "./syntax.ts";
import type { UpgradedConnection } from "./upgraded.ts";

/** Fields a 101 carries from the handler: none that frames a body or is the connection's own. */
function extraFields(headers: ServerUpgradeOptions["headers"]): [string, string][] {
  const fields: [string, string][] = [];
  new Headers(headers).forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== "content-length") fields.push([name, value]);
  });
  return fields;
}

/**
 * The field of the marker Response that names its switch: frameworks that
 * set headers after a handler returned (Hono's middleware) wrap the marker
 * in a new Response, which keeps the field but not the identity. The
 * server never writes it.
 */
export const SWITCH_FIELD = "x-winpipe-switch";

/** What a kind of switch adds to the 101: fields made later, and the names only it may set. */
export interface SwitchFields {
  /** Fields that take a while to make (a WebSocket's Sec-WebSocket-Accept is a SHA-1 digest). */
  later: Promise<[string, string][]>;
  /** Names the returned Response's own fields may not set (a WebSocket's handshake fields). */
  reserved: (name: string) => boolean;
}

/** One request's switch of protocols, asked by its handler. */
export class PendingSwitch {
  /** The Response the handler must return for the switch to happen. */
  readonly response: Response;
  readonly #token = crypto.randomUUID();
  /** Connection, Upgrade, options.headers', then what the kind of switch adds. */
  readonly #fields: Promise<[string, string][]>;
  readonly #reserved: (name: string) => boolean;
  readonly #connection: Promise<UpgradedConnection>;
  #resolve!: (connection: UpgradedConnection) => void;
  #reject!: (reason: unknown) => void;
  #settled = false;

  /**
   * Checks that `head` asks for an upgrade (TypeError otherwise) and makes the marker Response; `kind` is what
   * a kind of switch (a WebSocket's) adds.
   */
  constructor(
    head: RequestHead,
    options: ServerUpgradeOptions | undefined,
    kind: SwitchFields = { later: Promise.resolve([]), reserved: () => false },
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
    const protocols = listElements(asked);
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
    this.#fields = kind.later.then((more) => [...fields, ...more]);
    this.#reserved = kind.reserved;
    this.response = new Response(null, { status: 200, headers: { [SWITCH_FIELD]: this.#token } });
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

  /** Whether the handler's `response` is the marker, or a framework's copy of it. */
  isSwitch(response: Response): boolean {
    return response === this.response || response.headers.get(SWITCH_FIELD) === this.#token;
  }

  /**
   * The fields of the 101 for the `response` the handler returned: Connection, Upgrade, options.headers,
   * what the kind of switch adds, then the response's own fields (set on the marker, as on
   * `Deno.upgradeWebSocket`'s, or by a framework's middleware) that none of those named.
   */
  async fieldsFor(response: Response): Promise<[string, string][]> {
    const fields = await this.#fields;
    const named = new Set(fields.map(([name]) => name));
    const own: [string, string][] = [];
    response.headers.forEach((value, name) => {
      if (!named.has(name) && name !== SWITCH_FIELD && !this.#reserved(name)) own.push([name, value]);
    });
    return [...fields, ...extraFields(own)];
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
