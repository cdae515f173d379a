/**
 * The pipe file system's directory: the names under `\\.\pipe\`.
 *
 * @module
 */
import { type PipeDirectoryEntry, PipeError } from "@winpipe/core";
import type { Session } from "./session.ts";
import { handleAt, ioStatusBlock, objectAttributes, struct } from "./structs.ts";
import {
  FILE_DIRECTORY_INFORMATION_CLASS,
  FILE_LIST_DIRECTORY,
  FILE_SHARE_READ_WRITE,
  FILE_SYNCHRONOUS_IO_NONALERT,
  SYNCHRONIZE,
} from "./win32_constants.ts";
import { keepUntilHere } from "./win32.ts";

/** NTSTATUS: the directory has no more entries. */
const STATUS_NO_MORE_FILES = 0x80000006;
/** The buffer each query fills with entries (the root of a busy machine holds a few hundred names). */
const QUERY_BUFFER_SIZE = 64 * 1024;
/** FILE_DIRECTORY_INFORMATION on x64: offsets of the fields read. */
const NEXT_ENTRY_OFFSET = 0;
const END_OF_FILE = 40;
const ALLOCATION_SIZE = 48;
const FILE_NAME_LENGTH = 60;
const FILE_NAME = 64;

/**
 * [NtQueryDirectoryFile](https://learn.microsoft.com/en-us/windows-hardware/drivers/ddi/ntifs/nf-ntifs-ntquerydirectoryfile)(FileDirectoryInformation)
 * on `\??\PIPE\`, opened synchronously for listing: every pipe name, with
 * the instance counts the pipe file system puts in EndOfFile (current) and
 * AllocationSize (maximum; kernel32 stores PIPE_UNLIMITED_INSTANCES as
 * 0xFFFFFFFF, which is given back as 255, as GetNamedPipeInfo's callers
 * expect it). This is what Sysinternals PipeList reads. Failures are
 * PipeErrors of the NT call, with the code RtlNtStatusToDosError gives.
 */
export function listPipeDirectory(session: Session): PipeDirectoryEntry[] {
  const { kernel32, ntdll, addressOf } = session.lib;
  const root = "\\??\\PIPE\\";
  const attributes = objectAttributes(root, false, addressOf);
  const out = new BigUint64Array(new ArrayBuffer(8));
  const iosb = ioStatusBlock();
  const opened = ntdll.NtOpenFile(
    out,
    FILE_LIST_DIRECTORY | SYNCHRONIZE,
    attributes.bytes,
    iosb,
    FILE_SHARE_READ_WRITE,
    FILE_SYNCHRONOUS_IO_NONALERT,
  ) >>> 0;
  keepUntilHere(attributes.keep);
  if (opened !== 0) throw new PipeError(session.dosError(opened), "NtOpenFile", { pipeName: "\\\\.\\pipe\\" });
  const directory = handleAt(out);
  try {
    const entries: PipeDirectoryEntry[] = [];
    const buffer = struct(QUERY_BUFFER_SIZE);
    const view = new DataView(buffer.buffer);
    for (let first = true;; first = false) {
      const status = ntdll.NtQueryDirectoryFile(
        directory,
        0,
        null,
        null,
        iosb,
        buffer,
        buffer.length,
        FILE_DIRECTORY_INFORMATION_CLASS,
        0,
        null,
        first ? 1 : 0,
      ) >>> 0;
      if (status === STATUS_NO_MORE_FILES) return entries;
      if (status !== 0) {
        throw new PipeError(session.dosError(status), "NtQueryDirectoryFile", { pipeName: "\\\\.\\pipe\\" });
      }
      for (let at = 0;;) {
        const nameLength = view.getUint32(at + FILE_NAME_LENGTH, true);
        const max = view.getUint32(at + ALLOCATION_SIZE, true);
        entries.push({
          name: String.fromCharCode(...new Uint16Array(buffer.buffer, at + FILE_NAME, nameLength / 2)),
          currentInstances: view.getUint32(at + END_OF_FILE, true),
          maxInstances: max === 0xffffffff ? 255 : max,
        });
        const next = view.getUint32(at + NEXT_ENTRY_OFFSET, true);
        if (next === 0) break;
        at += next;
      }
    }
  } finally {
    kernel32.CloseHandle(directory);
  }
}
