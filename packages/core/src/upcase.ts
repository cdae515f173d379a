/**
 * {@linkcode upcase}: text upper-cased as Windows compares names without
 * regard to case (pipe names in NPFS, environment variable names).
 *
 * @module
 */

/**
 * Upper-cases one UTF-16 code unit at a time, like RtlUpcaseUnicodeChar: a
 * character whose upper case is longer (such as "ß") stays as it is, so
 * "straße" and "STRASSE" stay two names, as they are to Windows; so does a
 * character outside the Basic Multilingual Plane (a surrogate pair, which
 * RtlUpcaseUnicodeChar never sees whole: "𐐨" is not "𐐀" to Windows).
 *
 * @example
 * ```ts
 * import { upcase } from "@winpipe/core/internal";
 * upcase("Path"); // "PATH"
 * upcase("straße"); // "STRAßE"
 * ```
 */
export function upcase(text: string): string {
  let out = "";
  for (const char of text) {
    const upper = char.toUpperCase();
    out += char.length === 1 && upper.length === 1 ? upper : char;
  }
  return out;
}
