// A program with a planted type error: the consumers suite adds it to each
// consumer project and expects the consumer's type check to reject it, which
// shows that the published types are what the check sees. `maxInstances`
// must be a number.
import { createServer } from "@winpipe/deno";

// @ts-expect-error the planted error: the suite removes this line before checking.
createServer(String.raw`\\.\pipe\planted`, { maxInstances: "four" });
