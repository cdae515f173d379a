/**
 * {@linkcode win32PipePath}: a pipe name as Windows' path handling rewrites
 * it before the kernel sees it.
 *
 * CreateNamedPipeW, CreateFileW and WaitNamedPipeW pass a name through
 * RtlDosPathNameToNtPathName_U, which (but for the verbatim `\\?\` prefix)
 * normalizes it as RtlGetFullPathName_U does a file path: `/` is `\`, runs
 * of separators are one, `.` and `..` components are resolved, a component
 * loses one trailing dot and the name all its trailing dots and spaces. So
 * `//./pipe/app`, `\\.\pipe\app.` and `\\.\pipe\x\..\app` are the pipe
 * `\\.\pipe\app` (behaviour A85). Measured under Wine 10 (the A85
 * conformance case) and written after the rules of Wine's `collapse_path`
 * (dlls/ntdll/path.c), which follow Windows' (Microsoft's "File path
 * formats on Windows systems" page documents the same steps).
 *
 * @module
 */

const isSeparator = (char: string | undefined) => char === "\\" || char === "/";

/**
 * `path` as RtlDosPathNameToNtPathName_U reads it, with the Win32 prefix
 * kept: a `\\?\` name is verbatim; a device name (`\\.\...`, `//./...`)
 * and a UNC name (`\\server\share\...`) are normalized after their root
 * (`\\.\`, or `\\server\share\`). Anything else is returned as it is.
 *
 * @example
 * ```ts
 * import { win32PipePath } from "@winpipe/core/internal";
 * win32PipePath("//./pipe/docker_engine"); // "\\\\.\\pipe\\docker_engine"
 * win32PipePath(String.raw`\\.\pipe\app\..\other.`); // "\\\\.\\pipe\\other"
 * win32PipePath(String.raw`\\?\pipe\kept.`); // unchanged
 * ```
 */
export function win32PipePath(path: string): string {
  if (path.startsWith("\\\\?\\")) return path;
  if (!isSeparator(path[0]) || !isSeparator(path[1])) return path;
  let mark: number;
  if (path[2] === "." && isSeparator(path[3])) {
    mark = 4; // a device path: its root is \\.\
  } else if (path[2] === "." && path.length === 3) {
    return path; // "\\." alone
  } else {
    // A UNC path: its root is \\server\share\ (separators after each part skipped).
    mark = 2;
    while (mark < path.length && !isSeparator(path[mark])) mark++;
    while (isSeparator(path[mark])) mark++;
    while (mark < path.length && !isSeparator(path[mark])) mark++;
    while (isSeparator(path[mark])) mark++;
  }
  return collapse(path.replaceAll("/", "\\"), mark);
}

/** The components after `mark` resolved, as Wine's `collapse_path` does (see the module's comment). */
function collapse(path: string, mark: number): string {
  // Runs of separators become one (what comes before max(1, mark) stays as it is).
  // UTF-16 code units throughout, as `mark` counts them.
  const from = Math.max(1, mark);
  const chars = path.slice(0, from).split("");
  for (let i = from; i < path.length; i++) {
    if (path[i] !== "\\" || chars[chars.length - 1] !== "\\") chars.push(path[i]);
  }
  let p = mark;
  while (p < chars.length) {
    if (chars[p] === ".") {
      const second = chars[p + 1];
      if (second === "\\") {
        chars.splice(p, 2); // a "." component
        continue;
      }
      if (second === undefined) {
        // A final ".": it goes, with the separator before it.
        if (p > mark) p--;
        chars.length = p;
        continue;
      }
      if (second === ".") {
        const third = chars[p + 2];
        if (third === "\\" || third === undefined) {
          // A ".." component: it goes with the component before it (never past the root).
          const next = p + 3;
          if (p > mark) {
            p--;
            while (p > mark && chars[p - 1] !== "\\") p--;
          }
          if (third === "\\") {
            chars.splice(p, next - p);
          } else {
            if (p > mark) p--;
            chars.length = p;
          }
          continue;
        }
      }
    }
    // To the next component; one trailing dot of this one goes.
    while (p < chars.length && chars[p] !== "\\") p++;
    if (chars[p] === "\\") {
      if (p > mark && chars[p - 1] === ".") chars.splice(p - 1, 1);
      else p++;
    }
  }
  // All trailing dots and spaces of the last component go.
  while (p > mark && (chars[p - 1] === " " || chars[p - 1] === ".")) p--;
  chars.length = p;
  return chars.join("");
}
