/**
 * The exit codes of the command-line tool, and the advice its errors give.
 *
 * @module
 */
import {
  ERROR_ACCESS_DENIED,
  ERROR_BAD_DEV_TYPE,
  ERROR_BAD_PIPE,
  ERROR_BROKEN_PIPE,
  ERROR_FILE_NOT_FOUND,
  ERROR_INVALID_FUNCTION,
  ERROR_INVALID_PARAMETER,
  ERROR_NO_DATA,
  ERROR_PIPE_BUSY,
  ERROR_PIPE_NOT_CONNECTED,
  ERROR_SEM_TIMEOUT,
  isPipeError,
} from "@winpipe/core";

/**
 * The command did what it was asked.
 *
 * @example
 * ```ts
 * import { EXIT_OK } from "@winpipe/cli/program";
 * EXIT_OK; // 0
 * ```
 */
export const EXIT_OK = 0;
/**
 * A pipe call failed (the message names the call, the pipe and the Win32 error).
 *
 * @example
 * ```ts
 * import { EXIT_FAILED } from "@winpipe/cli/program";
 * EXIT_FAILED; // 1
 * ```
 */
export const EXIT_FAILED = 1;
/**
 * The command line was wrong (unknown command or option, missing NAME).
 *
 * @example
 * ```ts
 * import { EXIT_USAGE } from "@winpipe/cli/program";
 * EXIT_USAGE; // 2
 * ```
 */
export const EXIT_USAGE = 2;
/**
 * The pipe does not exist (ERROR_FILE_NOT_FOUND).
 *
 * @example
 * ```ts
 * import { EXIT_NOT_FOUND } from "@winpipe/cli/program";
 * EXIT_NOT_FOUND; // 3
 * ```
 */
export const EXIT_NOT_FOUND = 3;
/**
 * Waiting ran out of time: every instance stayed busy, or the read or wait timeout passed.
 *
 * @example
 * ```ts
 * import { EXIT_TIMED_OUT } from "@winpipe/cli/program";
 * EXIT_TIMED_OUT; // 4
 * ```
 */
export const EXIT_TIMED_OUT = 4;

/**
 * Interrupted (Ctrl+C) while a command other than listen was waiting, as shells count SIGINT.
 *
 * @example
 * ```ts
 * import { EXIT_INTERRUPTED } from "@winpipe/cli/program";
 * EXIT_INTERRUPTED; // 130
 * ```
 */
export const EXIT_INTERRUPTED = 130;

/** A mistake on the command line: reported with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The exit code for an error a command threw. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT_USAGE;
  if (isPipeError(err, ERROR_FILE_NOT_FOUND)) return waitedForCreation(err) ? EXIT_TIMED_OUT : EXIT_NOT_FOUND;
  if (isPipeError(err, ERROR_PIPE_BUSY) && err.call === CREATE_NAMED_PIPE) return EXIT_FAILED; // a server's, not a wait
  if (isPipeError(err, ERROR_PIPE_BUSY) || isPipeError(err, ERROR_SEM_TIMEOUT)) return EXIT_TIMED_OUT;
  if ((err as Error | undefined)?.name === "TimeoutError") return EXIT_TIMED_OUT;
  return EXIT_FAILED;
}

/** The call a server's ERROR_PIPE_BUSY comes from: the name is at its instance limit, no wait can help. */
const CREATE_NAMED_PIPE = "CreateNamedPipeW";

/** Whether `err` is ERROR_FILE_NOT_FOUND after --wait waited its time out for the pipe to be created. */
function waitedForCreation(err: unknown): boolean {
  return isPipeError(err, ERROR_FILE_NOT_FOUND) && /no server created it within/.test(err.message);
}

const MESSAGE_PIPE_ADVICE = "call and --message need a message pipe, and this one is a byte pipe: " +
  "use send and cat without --message";

/** What to do about an error, or undefined when its message says all there is. */
export function adviceFor(err: unknown): string | undefined {
  if (!isPipeError(err)) return undefined;
  switch (err.code) {
    case ERROR_FILE_NOT_FOUND:
      if (waitedForCreation(err)) return "no server created the pipe in time: wait longer with --timeout MS";
      return "no pipe has this name: check the name (`winpipe ls` lists pipes where Windows can), " +
        "or pass --wait to wait for its server to create it";
    case ERROR_PIPE_BUSY:
    case ERROR_SEM_TIMEOUT:
      if (err.call === CREATE_NAMED_PIPE) {
        return "the pipe has all the instances its first server allowed: stop a server of it, " +
          "or listen on another name";
      }
      return "every instance of the pipe is busy with another client: try again, or wait longer with --timeout MS";
    case ERROR_ACCESS_DENIED:
      if (err.call === CREATE_NAMED_PIPE) {
        return "a server of this name made it another type of pipe (--message or not) or direction, " +
          "or its security does not let you make instances of it";
      }
      return "the pipe refused this access: it may only let clients read (use cat) or only write (use send), " +
        "or its security does not admit you";
    case ERROR_BAD_PIPE:
      return MESSAGE_PIPE_ADVICE;
    case ERROR_INVALID_PARAMETER:
      // Message read mode asked of a byte pipe (CallNamedPipe sets it, and so does --message).
      return err.call === "SetNamedPipeHandleState" ? MESSAGE_PIPE_ADVICE : undefined;
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
    case ERROR_PIPE_NOT_CONNECTED:
      return "the other end closed the pipe";
    case ERROR_BAD_DEV_TYPE:
    case ERROR_INVALID_FUNCTION:
      return err.call === "listPipes" ? "ask for one pipe with `winpipe info NAME` instead" : undefined;
    default:
      return undefined;
  }
}
