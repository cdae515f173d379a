/**
 * The content codings pipeFetch undoes, as fetch does: a response body
 * sent with `Content-Encoding: gzip` (or `x-gzip`, or `deflate`, in any
 * sequence of them) reaches the caller decoded, through the runtime's
 * DecompressionStream. Other codings (`br`, `zstd`, unknown ones) are left
 * as they came, as fetch leaves a coding it does not know.
 *
 * @module
 */

/** A DecompressionStream format this client uses (spelled here: Bun's types have no CompressionFormat). */
export type DecodingFormat = "gzip" | "deflate";

/** DecompressionStream's format for each coding undone (RFC 9110 §8.4.1: `deflate` is the zlib format). */
const FORMATS: Record<string, DecodingFormat> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate" };

/**
 * The formats to undo a `Content-Encoding` field value with, last applied
 * first; undefined when there is nothing to undo or a coding is not one of
 * ours (the body is then left as it is, whole).
 */
export function decodingFormats(contentEncoding: string): DecodingFormat[] | undefined {
  const codings = contentEncoding.split(",").map((coding) => coding.trim().toLowerCase()).filter((c) => c !== "");
  const formats = codings.filter((coding) => coding !== "identity").map((coding) => FORMATS[coding]);
  if (formats.length === 0 || formats.includes(undefined as never)) return undefined;
  return formats.reverse();
}

/** `body` with the codings of `formats` undone, in that order. */
export function decodedBody(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  formats: DecodingFormat[],
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let decoded = body;
  for (const format of formats) {
    decoded = decoded.pipeThrough(new DecompressionStream(format)) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
  return decoded;
}
