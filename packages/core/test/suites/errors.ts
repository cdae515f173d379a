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
} from "../../mod.ts";
import type { RegisterTest } from "../../testing.ts";

export function errorTests(register: RegisterTest): void {
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
