// Unit tests of PipeError, error names and the error-to-behaviour table.
import assert from "node:assert/strict";
import {
  abortError,
  ERROR_BROKEN_PIPE,
  ERROR_MORE_DATA,
  ERROR_NO_DATA,
  ERROR_OPERATION_ABORTED,
  ERROR_PIPE_BUSY,
  ERROR_PIPE_CONNECTED,
  ERROR_PIPE_LISTENING,
  errorBehaviour,
  errorName,
  isPipeError,
  PipeError,
} from "@winpipe/core";
import type { RegisterTest } from "../../mod.ts";

/**
 * Every code the Win32 calls winpipe makes can report, by call: CreateFileW
 * and WaitNamedPipeW on a pipe name (local or remote), CreateNamedPipeW,
 * ReadFile / WriteFile / TransactNamedPipe / FlushFileBuffers /
 * ConnectNamedPipe / DisconnectNamedPipe and their NT forms, PeekNamedPipe,
 * Get/SetNamedPipeHandleState, GetNamedPipeInfo, CancelIoEx, CreateProcessW
 * and the process calls, DuplicateHandle and CloseHandle, the completion
 * port, the security calls (descriptor and SID conversions, GetSecurityInfo,
 * tokens, the pipe id calls, impersonation, an optional export that is
 * missing), and Wine's deviations (docs/wine-findings.md).
 */
const CODES_OF_THE_CALLS = [
  1,
  2,
  3,
  4,
  5,
  6,
  8,
  14,
  31,
  32,
  50,
  53,
  64,
  67,
  87,
  109,
  121,
  122,
  123,
  127,
  161,
  193,
  206,
  216,
  229,
  230,
  231,
  232,
  233,
  234,
  267,
  535,
  536,
  676,
  740,
  995,
  996,
  997,
  998,
  1008,
  1168,
  1231,
  1260,
  1307,
  1314,
  1326,
  1332,
  1336,
  1337,
  1338,
  1346,
  1347,
  1368,
  1450,
  1460,
];

export function errorTests(register: RegisterTest): void {
  register("every code the calls winpipe makes can report has its name and its own text", () => {
    for (const code of CODES_OF_THE_CALLS) {
      const err = new PipeError(code, "ReadFile");
      assert.notEqual(err.codeName, `ERROR_${code}`, `code ${code} has no name`);
      assert.match(err.codeName, /^ERROR_[A-Z_]+$/);
      assert.doesNotMatch(err.message, /system error/, `code ${code} has no text`);
    }
  });

  register("messages are worded for what the call was about: a pipe, a program, a directory, a host", () => {
    const missingPipe = new PipeError(2, "CreateFileW", { pipeName: String.raw`\\.\pipe\x` });
    assert.match(missingPipe.message, /: the pipe does not exist \(ERROR_FILE_NOT_FOUND, os error 2\)$/);
    const missingProgram = new PipeError(2, "CreateProcessW");
    assert.match(missingProgram.message, /the program was not found/);
    assert.doesNotMatch(missingProgram.message, /pipe/);
    const missingDirectory = new PipeError(267, "CreateProcessW");
    assert.match(
      missingDirectory.message,
      /the working directory does not exist or is not a directory \(ERROR_DIRECTORY/,
    );
    const missingHost = new PipeError(3, "CreateFileW", { pipeName: String.raw`\\nohost\pipe\x` });
    assert.match(
      missingHost.message,
      /: the host of the pipe name, or its pipe share, was not found \(ERROR_PATH_NOT_FOUND, os error 3\)$/,
    );
    assert.match(new PipeError(53, "WaitNamedPipeW").message, /the host does not exist or cannot be reached/);
    assert.match(new PipeError(676, "ConnectNamedPipe").message, /ERROR_HANDLES_CLOSED/);
  });

  register("a PipeError can carry the part of a message that arrived and a detail", () => {
    const partial = new Uint8Array([1, 2]);
    const err = new PipeError(ERROR_BROKEN_PIPE, "ReadFile", { partialMessage: partial, detail: "cut short" });
    assert.equal(err.partialMessage, partial);
    assert.equal(err.message, "ReadFile: the pipe has been ended (ERROR_BROKEN_PIPE, os error 109): cut short");
  });

  register("PipeError message names the call, the pipe, the code and its name", () => {
    const err = new PipeError(ERROR_PIPE_BUSY, "connect", { pipeName: String.raw`\\.\pipe\x` });
    assert.equal(
      err.message,
      String.raw`connect "\\.\pipe\x": all pipe instances are busy (ERROR_PIPE_BUSY, os error 231)`,
    );
    assert.equal(err.code, 231);
    assert.equal(err.codeName, "ERROR_PIPE_BUSY");
    assert.equal(err.call, "connect");
    assert.equal(err.pipeName, String.raw`\\.\pipe\x`);
    assert.equal(err.name, "PipeError");
    assert.ok(err instanceof Error);
  });

  register("PipeError without a pipe name or with an unknown code", () => {
    const err = new PipeError(4242, "ReadFile");
    assert.equal(err.message, "ReadFile: system error (ERROR_4242, os error 4242)");
    assert.equal(err.pipeName, undefined);
    assert.equal(errorName(4242), "ERROR_4242");
  });

  register("isPipeError checks the class and optionally the code", () => {
    const err = new PipeError(ERROR_BROKEN_PIPE, "ReadFile");
    assert.equal(isPipeError(err), true);
    assert.equal(isPipeError(err, ERROR_BROKEN_PIPE), true);
    assert.equal(isPipeError(err, ERROR_NO_DATA), false);
    assert.equal(isPipeError(new Error("x")), false);
  });

  register("errorBehaviour maps each special code only for the calls where it is special", () => {
    assert.equal(errorBehaviour("read", ERROR_MORE_DATA), "partial-message");
    assert.equal(errorBehaviour("transact", ERROR_MORE_DATA), "partial-message");
    assert.equal(errorBehaviour("write", ERROR_MORE_DATA), "fail");
    assert.equal(errorBehaviour("connect", ERROR_PIPE_CONNECTED), "connected");
    assert.equal(errorBehaviour("read", ERROR_PIPE_CONNECTED), "fail");
    assert.equal(errorBehaviour("open", ERROR_PIPE_BUSY), "busy");
    assert.equal(errorBehaviour("other", ERROR_PIPE_BUSY), "fail");
    assert.equal(errorBehaviour("read", ERROR_BROKEN_PIPE), "end-of-data");
    assert.equal(errorBehaviour("write", ERROR_BROKEN_PIPE), "fail");
    assert.equal(errorBehaviour("read", ERROR_NO_DATA), "no-data");
    assert.equal(errorBehaviour("connect", ERROR_NO_DATA), "client-gone");
    assert.equal(errorBehaviour("write", ERROR_NO_DATA), "fail");
    assert.equal(errorBehaviour("connect", ERROR_PIPE_LISTENING), "listening");
    assert.equal(errorBehaviour("read", ERROR_PIPE_LISTENING), "fail");
    assert.equal(errorBehaviour("write", ERROR_OPERATION_ABORTED), "aborted");
  });

  register("abortError prefers the signal's own reason and keeps the Win32 cause otherwise", () => {
    const plain = new AbortController();
    plain.abort();
    const cause = new PipeError(ERROR_OPERATION_ABORTED, "ReadFile");
    const err = abortError(plain.signal, cause) as DOMException;
    assert.equal(err.name, "AbortError");
    assert.equal((err as { cause?: unknown }).cause, cause);
    const custom = new AbortController();
    const reason = new Error("stop");
    custom.abort(reason);
    assert.equal(abortError(custom.signal, cause), reason);
  });
}
