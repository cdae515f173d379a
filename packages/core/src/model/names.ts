/**
 * Pipe names as the model's namespace sees them.
 *
 * NPFS looks names up case-insensitively (it upcases them), and the
 * `\\.\pipe\` prefix is matched case-insensitively by the object manager
 * (A4). The model has no network, so only local names (`\\.\pipe\NAME`)
 * can exist in it.
 *
 * @module
 */
import { upcase } from "../upcase.ts";
import { win32PipePath } from "../win32_path.ts";

/** `\\.\pipe\NAME`, or the verbatim `\\?\pipe\NAME`: both are `\??\pipe\NAME` to the object manager. */
const LOCAL_PIPE_NAME = /^\\\\[.?]\\pipe\\([\s\S]+)$/i;

/**
 * The namespace key of a local pipe name: the part after `\\.\pipe\`,
 * upper-cased; undefined when `name` is not a local pipe name with a
 * non-empty NAME.
 */
export function pipeKey(name: string): string | undefined {
  // Read as CreateNamedPipeW and CreateFileW read it: Windows' path handling first.
  const match = LOCAL_PIPE_NAME.exec(win32PipePath(name));
  return match === null ? undefined : upcase(match[1]);
}

/** The part of a local pipe name after `\\.\pipe\`, as spelled; undefined when `name` is not a local pipe name. */
export function localPart(name: string): string | undefined {
  return LOCAL_PIPE_NAME.exec(win32PipePath(name))?.[1];
}
