/**
 * The content codings pipeFetch undoes, as fetch does: a response body
 * sent with `Content-Encoding: gzip` (or `x-gzip`, `deflate`, `br`, `zstd`,
 * in any sequence of them) reaches the caller decoded, through the
 * runtime's DecompressionStream. `br` and `zstd` are undone where the
 * runtime's DecompressionStream has them (both runtimes have "brotli"; Bun
 * has "zstd", Deno not), as each runtime's fetch does; a coding it does not
 * know is left as it came, as fetch leaves one.
 *
 * @module
 */

/** A DecompressionStream format this client uses (spelled here: Bun's types have no CompressionFormat). */
export type DecodingFormat = "gzip" | "deflate" | "brotli" | "zstd";

/** DecompressionStream's format for each coding (RFC 9110 §8.4.1: `deflate` is the zlib format). */
const FORMATS: Record<string, DecodingFormat> = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
  br: "brotli",
  zstd: "zstd",
};

/** Whether this runtime's DecompressionStream takes each format, asked once. */
const supported = new Map<DecodingFormat, boolean>();

function isSupported(format: DecodingFormat): boolean {
  let known = supported.get(format);
  if (known === undefined) {
    try {
      new DecompressionStream(format as ConstructorParameters<typeof DecompressionStream>[0]);
      known = true;
    } catch {
      known = false;
    }
    supported.set(format, known);
  }
  return known;
}

/**
 * The formats to undo a `Content-Encoding` field value with, last applied
 * first; undefined when there is nothing to undo or a coding is not one
 * this runtime can undo (the body is then left as it is, whole).
 */
export function decodingFormats(contentEncoding: string): DecodingFormat[] | undefined {
  const codings = contentEncoding.split(",").map((coding) => coding.trim().toLowerCase()).filter((c) => c !== "");
  const formats = codings.filter((coding) => coding !== "identity").map((coding) => FORMATS[coding]);
  if (formats.length === 0 || formats.some((format) => format === undefined || !isSupported(format))) {
    return undefined;
  }
  return formats.reverse();
}

/** `body` with the codings of `formats` undone, in that order. */
export function decodedBody(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
  formats: DecodingFormat[],
): ReadableStream<Uint8Array<ArrayBuffer>> {
  let decoded = body;
  for (const format of formats) {
    const stream = new DecompressionStream(format as ConstructorParameters<typeof DecompressionStream>[0]);
    decoded = decoded.pipeThrough(stream) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }
  return decoded;
}
