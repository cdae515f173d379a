// Deno entry of the streams suites on the in-memory model.
import { register } from "@winpipe/testing/deno";
import { streamsSuites } from "./suites.ts";

streamsSuites(register);
