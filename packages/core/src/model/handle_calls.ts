/**
 * The model's immediate calls on one end: PeekNamedPipe,
 * GetNamedPipeHandleStateW, GetNamedPipeInfo and DisconnectNamedPipe. The
 * kernel finds the end of a handle; these do the call's checks, in the
 * order NPFS makes them, and its work.
 *
 * @module
 */
import {
  ERROR_ACCESS_DENIED,
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_INVALID_FUNCTION,
  ERROR_PIPE_NOT_CONNECTED,
  PIPE_NOWAIT,
  PIPE_READMODE_MESSAGE,
  PIPE_SERVER_END,
  PIPE_TYPE_MESSAGE,
} from "../constants.ts";
import type { HandleState, PeekResult, PipeInfo } from "../port.ts";
import { attachedInstance, failure } from "./checks.ts";
import type { PipeEnd } from "./instance.ts";

/** PeekNamedPipe on `end` (see ModelKernel.peek). */
export function peekEnd(end: PipeEnd, buffer: Uint8Array | undefined): PeekResult {
  const call = "PeekNamedPipe";
  if (!end.access.readData) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
  const instance = attachedInstance(end, call);
  const queue = instance.readQueue(end);
  if (instance.state !== "connected") {
    // Listening or disconnected servers (B11, B14); a closed peer once the data is gone (G49).
    if (instance.state !== "closing") throw failure(ERROR_BAD_PIPE, call, end.pipeName);
    if (!queue.hasData) throw failure(ERROR_BROKEN_PIPE, call, end.pipeName);
  }
  const messageType = instance.pipe.messageType;
  const bytesRead = buffer === undefined ? 0 : queue.peek(buffer, messageType); // F43
  return {
    bytesRead,
    bytesAvailable: queue.bytesAvailable,
    bytesLeftInMessage: messageType ? queue.headMessageLength - bytesRead : 0,
  };
}

/** GetNamedPipeHandleStateW of `end` (see ModelKernel.getState). */
export function stateOf(end: PipeEnd): HandleState {
  const call = "GetNamedPipeHandleStateW";
  if (!end.access.readAttributes) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
  const instance = attachedInstance(end, call);
  let mode = 0;
  if (end.messageReadMode) mode |= PIPE_READMODE_MESSAGE;
  if (end.nonblocking) mode |= PIPE_NOWAIT;
  return { mode, currentInstances: instance.pipe.instances.length };
}

/** GetNamedPipeInfo of `end` (see ModelKernel.getInfo). */
export function infoOf(end: PipeEnd): PipeInfo {
  const call = "GetNamedPipeInfo";
  if (!end.access.readAttributes) throw failure(ERROR_ACCESS_DENIED, call, end.pipeName);
  const instance = attachedInstance(end, call);
  let flags = 0;
  if (end.role === "server") flags |= PIPE_SERVER_END;
  if (instance.pipe.messageType) flags |= PIPE_TYPE_MESSAGE;
  return {
    flags,
    outBufferSize: instance.outbound.quota,
    inBufferSize: instance.inbound.quota,
    maxInstances: instance.pipe.maxInstances,
  };
}

/** DisconnectNamedPipe of `end`, a server end (see ModelKernel.disconnect). */
export function disconnectEnd(end: PipeEnd): void {
  const call = "DisconnectNamedPipe";
  const instance = attachedInstance(end, call);
  if (end.role === "client") throw failure(ERROR_INVALID_FUNCTION, call, end.pipeName);
  switch (instance.state) {
    case "disconnected":
      throw failure(ERROR_PIPE_NOT_CONNECTED, call, end.pipeName); // B14
    case "listening":
      for (const connect of instance.pendingConnects.splice(0)) connect.fail(ERROR_PIPE_NOT_CONNECTED);
      instance.stopListening();
      break;
    case "connected":
    case "closing":
      instance.inbound.clear(ERROR_PIPE_NOT_CONNECTED);
      instance.outbound.clear(ERROR_PIPE_NOT_CONNECTED);
      if (instance.client !== undefined) {
        instance.client.instance = undefined;
        instance.client = undefined;
      }
      break;
  }
  // The client's process and security context go with it (NpUninitializeSecurity; K75).
  instance.clientProcess = undefined;
  instance.clientContext = undefined;
  instance.state = "disconnected";
}
