/**
 * Every @winpipe/http suite, for one backend.
 *
 * @module
 */
import { clientSuite } from "./client_suite.ts";
import type { HttpBackend, RegisterTest } from "./helpers.ts";
import { loadSuite } from "./load_suite.ts";
import { messagePipeServerSuite, messagePipeSuite } from "./message_pipe_suite.ts";
import { nodeInteropSuite } from "./node_interop.ts";
import { nodeWebSocketInteropSuite } from "./node_websocket_interop.ts";
import { serverSuite } from "./server_suite.ts";
import { serverUpgradeSuite, upgradeSuite } from "./upgrade_suite.ts";
import { webSocketSuite } from "./websocket_suite.ts";

export function httpSuites(register: RegisterTest, backend: HttpBackend): void {
  serverSuite(register, backend);
  clientSuite(register, backend);
  messagePipeSuite(register, backend);
  messagePipeServerSuite(register, backend);
  upgradeSuite(register, backend);
  serverUpgradeSuite(register, backend);
  webSocketSuite(register, backend);
  loadSuite(register, backend);
}

/** The suites of a kernel32 backend: every suite, and interop with node.exe (its http module, and ws). */
export function httpKernel32Suites(register: RegisterTest, backend: HttpBackend): void {
  httpSuites(register, backend);
  nodeInteropSuite(register, backend);
  nodeWebSocketInteropSuite(register, backend);
}
