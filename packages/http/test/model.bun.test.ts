/**
 * Bun entry of the @winpipe/http suites on the in-memory model (the
 * `http-model` suite): `bun test ./packages/http/test/model.bun.test.ts`.
 *
 * @module
 */
import { test } from "bun:test";
import { createWinpipe } from "@winpipe/core";
import { createModelKernel } from "@winpipe/core/model";
import { backend, type RegisterTest } from "./helpers.ts";
import { httpSuites } from "./suites.ts";

const register: RegisterTest = (name, fn, skip) =>
  skip ? test.skip(`${name} (skipped: ${skip})`, fn) : test(name, fn, 60_000);

httpSuites(register, backend("model", createWinpipe(createModelKernel()), 1024 * 1024 * 1024));
