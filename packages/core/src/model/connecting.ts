/**
 * The model's ConnectNamedPipe and WaitNamedPipe: a server end waiting for
 * a client, and a client waiting for an instance to listen.
 *
 * @module
 */
import {
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_FUNCTION,
  ERROR_NO_DATA,
  ERROR_OPERATION_ABORTED,
  ERROR_PIPE_LISTENING,
  ERROR_SEM_TIMEOUT,
  NMPWAIT_USE_DEFAULT_WAIT,
  NMPWAIT_WAIT_FOREVER,
} from "../constants.ts";
import { failure } from "./checks.ts";
import type { NameWaiter, PipeEnd } from "./instance.ts";
import { pipeKey } from "./names.ts";
import type { PipeNamespace } from "./namespace.ts";
import { immediate } from "./immediate.ts";
import { PendingOperation } from "./operation.ts";

/** setTimeout cannot wait longer; longer WaitNamedPipe timeouts wait forever. */
const LONGEST_TIMER_MS = 0x7fffffff;

export function connectEnd(end: PipeEnd, signal: AbortSignal | undefined): Promise<void> {
  const call = "ConnectNamedPipe";
  const instance = end.instance;
  if (end.role === "client" || instance === undefined) {
    throw failure(ERROR_INVALID_FUNCTION, call, end.pipeName); // B10
  }
  switch (instance.state) {
    case "connected":
      return immediate(undefined); // ERROR_PIPE_CONNECTED (B10, B18)
    case "closing":
      throw failure(ERROR_NO_DATA, call, end.pipeName); // B20, E42
    case "disconnected":
      instance.listen();
      instance.pipe.wakeWaiters(); // B17
      break;
    case "listening":
      break;
  }
  // A nonblocking server keeps listening and says so (S19, E42).
  if (end.nonblocking) throw failure(ERROR_PIPE_LISTENING, call, end.pipeName);
  const operation = new PendingOperation<void>(call, end.pipeName);
  instance.pendingConnects.push(operation);
  return operation.begin(
    () => {
      const at = instance.pendingConnects.indexOf(operation);
      if (at >= 0) instance.pendingConnects.splice(at, 1);
    },
    end.pending,
    signal,
  );
}

export function waitForInstance(
  names: PipeNamespace,
  name: string,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const call = "WaitNamedPipeW";
  if (signal?.aborted) throw failure(ERROR_OPERATION_ABORTED, call, name);
  const key = pipeKey(name);
  const pipe = key === undefined ? undefined : names.get(key);
  if (pipe === undefined) throw failure(ERROR_FILE_NOT_FOUND, call, name); // A1
  if (pipe.listening.length > 0) return immediate(undefined); // B12
  const waitMs = timeout === NMPWAIT_USE_DEFAULT_WAIT ? pipe.defaultTimeoutMs : timeout;
  const operation = new PendingOperation<void>(call, name);
  const waiter: NameWaiter = {
    wake: () => operation.resolve(),
    vanish: () => operation.fail(ERROR_FILE_NOT_FOUND),
  };
  pipe.waiters.add(waiter);
  operation.onSettle(() => pipe.waiters.delete(waiter));
  if (waitMs < NMPWAIT_WAIT_FOREVER && waitMs <= LONGEST_TIMER_MS) {
    const timer = setTimeout(() => operation.fail(ERROR_SEM_TIMEOUT), waitMs); // B12
    operation.onSettle(() => clearTimeout(timer));
  }
  return operation.begin(() => {}, undefined, signal);
}
