// Unit tests of option validation: bad input is rejected with TypeError or
// RangeError whose message names the bad value.
import assert from "node:assert/strict";
import { MAX_PIPE_NAME_LENGTH, parsePipeName, pipePath } from "@winpipe/core";
import { requireInteger, validateMaxInstances, validateTimeout } from "@winpipe/core/internal";
import type { RegisterTest } from "../../mod.ts";

export function validationTests(register: RegisterTest): void {
  register("parsePipeName accepts local and remote names with any prefix case", () => {
    assert.deepEqual(parsePipeName(String.raw`\\.\pipe\app`), {
      full: String.raw`\\.\pipe\app`,
      server: ".",
      name: "app",
    });
    assert.equal(parsePipeName(String.raw`\\.\PIPE\App`).name, "App");
    assert.equal(parsePipeName(String.raw`\\server\pipe\x`).server, "server");
    assert.equal(parsePipeName(String.raw`\\.\pipe\a\b`).name, String.raw`a\b`);
  });

  register("parsePipeName reads a name as Windows' path handling does (A85), and \\\\?\\pipe\\ verbatim", () => {
    const local = (name: string) => ({ full: "\\\\.\\pipe\\" + name, server: ".", name });
    // The cases measured under Wine 10 (the A85 conformance case and its probes).
    const cases: [string, ReturnType<typeof local>][] = [
      ["//./pipe/docker_engine", local("docker_engine")],
      [String.raw`\\.\pipe\a/b`, local(String.raw`a\b`)],
      [String.raw`\\.\pipe\dot.`, local("dot")],
      [String.raw`\\.\pipe\sp . `, local("sp")],
      [String.raw`\\.\pipe\mid.\x`, local(String.raw`mid\x`)],
      [String.raw`\\.\pipe\s \x`, local(String.raw`s \x`)],
      [String.raw`\\.\pipe\a\..\b`, local("b")],
      [String.raw`\\.\pipe\w\x\..\..\y`, local("y")],
      [String.raw`\\.\pipe\c\.\d`, local(String.raw`c\d`)],
      [String.raw`\\.\pipe\e\\\f`, local(String.raw`e\f`)],
      ["\\\\.\\pipe\\g\\", local("g\\")],
      [String.raw`\\.\pipe\..\pipe\top`, local("top")],
    ];
    for (const [given, parsed] of cases) assert.deepEqual(parsePipeName(given), parsed, given);
    // Verbatim: local, nothing dropped.
    assert.deepEqual(parsePipeName(String.raw`\\?\pipe\dq.`), {
      full: String.raw`\\?\pipe\dq.`,
      server: ".",
      name: "dq.",
    });
    assert.equal(parsePipeName(String.raw`\\?\pipe\x`, { localOnly: true }).server, ".");
    // A name that Windows would change once more goes verbatim: "j..\k" is "j.\k", which \\.\ would make "j\k".
    assert.deepEqual(parsePipeName(String.raw`\\.\pipe\j..\k`), {
      full: String.raw`\\?\pipe\j.\k`,
      server: ".",
      name: String.raw`j.\k`,
    });
    assert.equal(parsePipeName(String.raw`\\server\pipe\a\..\b`).full, String.raw`\\server\pipe\b`);
    // What Windows reads as no pipe name is refused, saying how Windows reads it.
    assert.throws(() => parsePipeName(String.raw`\\.\pipe\..\x`), {
      name: "TypeError",
      message: String
        .raw`pipe name must look like \\.\pipe\NAME or \\SERVER\pipe\NAME: got "\\.\pipe\..\x" (Windows reads it as "\\.\x")`,
    });
    assert.throws(() => parsePipeName(String.raw`\\.\pipe\...`), TypeError);
  });

  register("parsePipeName rejects what is not a pipe name", () => {
    assert.throws(() => parsePipeName(42), { name: "TypeError", message: "pipe name must be a string: got 42" });
    assert.throws(() => parsePipeName("app"), {
      name: "TypeError",
      message: String.raw`pipe name must look like \\.\pipe\NAME or \\SERVER\pipe\NAME: got "app"`,
    });
    assert.throws(() => parsePipeName(String.raw`\\.\pipe\\`.slice(0, -1)), TypeError); // empty NAME
    assert.throws(() => parsePipeName(String.raw`\\.\mailslot\x`), TypeError);
    assert.throws(() => parsePipeName(String.raw`C:\pipe\x`), TypeError);
    assert.throws(() => parsePipeName("\\\\.\\pipe\\a\0b"), /NUL/);
  });

  register("parsePipeName enforces the 256-character limit", () => {
    const prefix = String.raw`\\.\pipe\\`.slice(0, -1);
    const longest = prefix + "x".repeat(MAX_PIPE_NAME_LENGTH - prefix.length);
    assert.equal(parsePipeName(longest).full.length, 256);
    assert.throws(() => parsePipeName(longest + "x"), {
      name: "RangeError",
      message: "pipe name must be at most 256 characters: got 257",
    });
  });

  register("parsePipeName with localOnly refuses remote names", () => {
    assert.throws(() => parsePipeName(String.raw`\\host\pipe\x`, { localOnly: true }), {
      name: "TypeError",
      message: String.raw`pipe name must be a local pipe name (\\.\pipe\NAME) to create a server: got "\\host\pipe\x"`,
    });
  });

  register("pipePath builds full names and rejects empty parts", () => {
    assert.equal(pipePath("app"), String.raw`\\.\pipe\app`);
    assert.equal(pipePath("app", "host"), String.raw`\\host\pipe\app`);
    assert.throws(() => pipePath(""), TypeError);
    assert.throws(() => pipePath("x", ""), TypeError);
    assert.throws(() => pipePath("x", String.raw`a\b`), TypeError);
    assert.throws(() => pipePath(1 as unknown as string), TypeError);
  });

  register("requireInteger distinguishes wrong types from out-of-range numbers", () => {
    assert.throws(() => requireInteger("1", "n", 0, 9), {
      name: "TypeError",
      message: 'n must be an integer: got "1"',
    });
    assert.throws(() => requireInteger(1.5, "n", 0, 9), TypeError);
    assert.throws(() => requireInteger(NaN, "n", 0, 9), TypeError);
    assert.throws(() => requireInteger(10, "n", 0, 9), {
      name: "RangeError",
      message: "n must be between 0 and 9: got 10",
    });
    assert.equal(requireInteger(9, "n", 0, 9), 9);
  });

  register("validateMaxInstances accepts 1-255 and unlimited", () => {
    assert.equal(validateMaxInstances(1), 1);
    assert.equal(validateMaxInstances(255), 255);
    assert.equal(validateMaxInstances("unlimited"), 255);
    assert.throws(() => validateMaxInstances(0), RangeError);
    assert.throws(() => validateMaxInstances(256), RangeError);
    assert.throws(() => validateMaxInstances("many"), TypeError);
  });

  register("validateTimeout accepts DWORD milliseconds short of INFINITE, and Infinity", () => {
    assert.equal(validateTimeout(0), 0);
    assert.equal(validateTimeout(Infinity), Infinity);
    assert.equal(validateTimeout(0xfffffffe), 0xfffffffe);
    assert.throws(() => validateTimeout(0xffffffff), RangeError);
    assert.throws(() => validateTimeout(-1), RangeError);
    assert.throws(() => validateTimeout("5"), TypeError);
  });
}
