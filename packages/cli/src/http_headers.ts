/**
 * The HTTP syntax the commands that speak HTTP (`fetch`, `ws`) check on
 * their command line: tokens and `--header` values.
 *
 * @module
 */
import { UsageError } from "./exit_codes.ts";

/** An HTTP token (RFC 9110 §5.6.2): a method, a field name. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `--header "Name: value"` values as header pairs; a malformed one is a UsageError. */
export function headerPairs(given: readonly string[]): [string, string][] {
  return given.map((line) => {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    // deno-lint-ignore no-control-regex -- a field value may hold no control character but HTAB
    if (colon <= 0 || !TOKEN.test(name) || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
      throw new UsageError(
        `--header must be "NAME: VALUE" (a token, then text on one line): got ${JSON.stringify(line)}`,
      );
    }
    return [name, value];
  });
}
