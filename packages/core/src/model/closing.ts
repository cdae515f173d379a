/**
 * What the model does when the last handle of a pipe end closes.
 *
 * @module
 */
import { ERROR_BROKEN_PIPE } from "../constants.ts";
import type { PipeEnd, PipeInstance } from "./instance.ts";
import type { PipeNamespace } from "./namespace.ts";

/**
 * The last handle of `end` closed (NPFS cleanup, NpSetClosingPipeState).
 * What waits on data the closing end will never read or write fails with
 * ERROR_BROKEN_PIPE; what it wrote stays readable.
 */
export function closeEnd(end: PipeEnd, names: PipeNamespace): void {
  const instance = end.instance;
  if (instance === undefined) return; // a client a disconnect already cut off
  const isServer = end.role === "server";
  switch (instance.state) {
    case "listening":
      for (const connect of instance.pendingConnects.splice(0)) connect.fail(ERROR_BROKEN_PIPE);
      removeInstance(instance, names);
      break;
    case "disconnected":
      removeInstance(instance, names);
      break;
    case "closing":
      // The other end closed first: nobody will read what it left behind.
      instance.readQueue(end).clear(ERROR_BROKEN_PIPE);
      if (isServer) removeInstance(instance, names);
      break;
    case "connected":
      instance.state = "closing";
      // Our unread data goes; the other end's pending writes and flushes fail (G53).
      instance.readQueue(end).clear(ERROR_BROKEN_PIPE);
      // Its pending reads fail once our data is gone; now, since there is none (G55).
      instance.writeQueue(end).failReaders(ERROR_BROKEN_PIPE);
      // Windows (since Vista) stops counting the instance when its server
      // end closes, even while the client is still open (Wine's ntdll
      // test_pipe_local_info).
      if (isServer) removeInstance(instance, names);
      break;
  }
  if (isServer) instance.server = undefined;
  else instance.client = undefined;
  end.instance = undefined;
}

function removeInstance(instance: PipeInstance, names: PipeNamespace): void {
  const pipe = instance.pipe;
  const at = pipe.instances.indexOf(instance);
  if (at >= 0) pipe.instances.splice(at, 1);
  instance.stopListening();
  if (pipe.instances.length === 0) names.remove(pipe); // A9
}
