/**
 * The server name suite of `@winpipe/testing` against the Bun kernel32
 * backend: while a server is open its name exists, however clients come and
 * go, and the last instance kept for the next client does not hold on to a
 * client blocked in a large write. Run under the Wine
 * test bed (docs/windows-test-bed.md); off Windows every case is skipped.
 *
 * @module
 */
import { serverNameSuite } from "@winpipe/testing";
import { Kernel32 } from "../mod.ts";
import { windowsRegister } from "./util.ts";

serverNameSuite(() => new Kernel32(), { register: windowsRegister });
