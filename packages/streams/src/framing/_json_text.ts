/**
 * JSON text in and out of UTF-8, with errors that say which value failed
 * (shared by the JSON framings; not exported by mod.ts).
 *
 * @module
 */
import { show } from "@winpipe/core/internal";

/** Strict UTF-8: JSON exchanged between systems must be UTF-8 (RFC 8259), so bad bytes are an error, not U+FFFD. */
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** Parses the UTF-8 JSON text `bytes`; `where` names it in the SyntaxError (e.g. "line 3"). */
export function parseJson(bytes: Uint8Array, where: string): unknown {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (err) {
    throw new SyntaxError(`${where} is not valid UTF-8`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const excerpt = text.length > 80 ? `${JSON.stringify(text.slice(0, 80))}...` : JSON.stringify(text);
    throw new SyntaxError(`${where} is not JSON (${(err as Error).message}): ${excerpt}`, { cause: err });
  }
}

/** The UTF-8 JSON text of `value`, with `suffix` (e.g. "\n") after it. A value JSON cannot express is a TypeError. */
export function stringifyJson(value: unknown, suffix = ""): Uint8Array<ArrayBuffer> {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`${show(value)} has no JSON text (JSON.stringify returned undefined)`);
  return encoder.encode(text + suffix);
}
