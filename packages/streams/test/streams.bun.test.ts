// Bun entry of the streams suites on the in-memory model.
import { register } from "@winpipe/testing/bun";
import { streamsSuites } from "./suites.ts";

streamsSuites(register);
