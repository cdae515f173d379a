/* raw-c: the bench workloads with plain ReadFile/WriteFile on synchronous
 * handles, the practical ceiling for the other implementations.
 *
 * `io=overlapped` opens the handles with FILE_FLAG_OVERLAPPED instead and
 * makes each call with an OVERLAPPED and an event it then waits on, the
 * pattern of winpipe's synchronous calls (readSync, writeSync) on its
 * overlapped handles: the bench's `--variant` runs both in the same rounds.
 * `io=port` is the pattern of winpipe's asynchronous calls without their
 * event loop: overlapped handles on one completion port with
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, each call with an OVERLAPPED of
 * its own; a call that pends is watched in memory (its status, yielding
 * the CPU with SwitchToThread between looks) and its packet then removed
 * with GetQueuedCompletionStatusEx, as kernel32's polling phase does.
 *
 * One process per role, like every other implementation of the bench:
 *   raw_pipe.exe server prefix=P cases=C,... bytes=N seconds=S exchanges=N warmup=N messages=N
 *   raw_pipe.exe client (same arguments)
 * Each case uses its own pipe, \\.\pipe\P-CASE. The server creates it and
 * waits for the client; results are printed as `result CASE VALUE UNIT`
 * (the side that can see the whole transfer measures it: the reader for
 * throughput and message rate, the requester for round trips).
 *
 * Built by bench/run.mjs: x86_64-w64-mingw32-gcc -O2 -o raw_pipe.exe raw_pipe.c */
#include <windows.h>
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The same quotas as node's libuv and the winpipe peers. */
#define PIPE_BUFFER (64 * 1024)
#define FRAME 64

static char prefix[200] = "winpipe-bench";
static char cases[400] = "";
static long long limit_bytes = 256LL * 1024 * 1024;
static double limit_seconds = 3.0;
static int exchanges = 5000, warmup = 200;
static long long limit_messages = 200000;
static LARGE_INTEGER frequency;
/* io=: 0 synchronous handles; IO_EVENT and IO_PORT: overlapped handles (see above). */
#define IO_EVENT 1
#define IO_PORT 2
static int overlapped_io = 0;
static HANDLE port = NULL;

static double now_seconds(void) {
  LARGE_INTEGER t;
  QueryPerformanceCounter(&t);
  return (double)t.QuadPart / (double)frequency.QuadPart;
}

static void fail(const char *what, const char *pipe) {
  fprintf(stderr, "raw-c: %s on %s failed: Win32 error %lu\n", what, pipe, GetLastError());
  fflush(stderr);
  exit(1);
}

/* One ReadFile or WriteFile that returns when it is done, whatever the handle: with io=overlapped an
 * OVERLAPPED whose event is waited on when the call pends. Returns the call's BOOL, with GetLastError
 * set as a synchronous call would leave it (ERROR_MORE_DATA, ERROR_BROKEN_PIPE, ...). */
static BOOL complete(HANDLE h, BOOL (*call)(HANDLE, OVERLAPPED *, void *, DWORD), void *buf, DWORD size, DWORD *n) {
  static OVERLAPPED ov;
  static HANDLE event = NULL;
  if (event == NULL) event = CreateEventA(NULL, TRUE, FALSE, NULL);
  memset(&ov, 0, sizeof ov);
  ov.hEvent = event;
  if (call(h, &ov, buf, size)) return GetOverlappedResult(h, &ov, n, FALSE); /* done at once, as readSync returns */
  if (GetLastError() != ERROR_IO_PENDING) return FALSE;
  if (WaitForSingleObject(event, INFINITE) != WAIT_OBJECT_0) return FALSE;
  return GetOverlappedResult(h, &ov, n, FALSE);
}
/* io=port: one call; when it pends, its status is watched in memory, then its packet is removed from the port.
 * Returns and sets GetLastError as a synchronous call would. */
static BOOL through_port(HANDLE h, BOOL (*call)(HANDLE, OVERLAPPED *, void *, DWORD), void *buf, DWORD size,
                         DWORD *n) {
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  if (call(h, &ov, buf, size)) return GetOverlappedResult(h, &ov, n, FALSE); /* done at once: no packet */
  if (GetLastError() != ERROR_IO_PENDING) return FALSE;
  while (*(volatile ULONG_PTR *)&ov.Internal == STATUS_PENDING) SwitchToThread();
  OVERLAPPED_ENTRY entry;
  ULONG removed;
  do {
    if (!GetQueuedCompletionStatusEx(port, &entry, 1, &removed, INFINITE, FALSE)) return FALSE;
  } while (entry.lpOverlapped != &ov);
  return GetOverlappedResult(h, &ov, n, FALSE);
}

/* io=port: puts a connected handle on the process's completion port. */
static void attach_port(HANDLE h, const char *name) {
  HANDLE attached = CreateIoCompletionPort(h, port, 0, 0);
  if (attached == NULL) fail("CreateIoCompletionPort", name);
  port = attached;
  if (!SetFileCompletionNotificationModes(h, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)) {
    fail("SetFileCompletionNotificationModes", name);
  }
}
static BOOL read_call(HANDLE h, OVERLAPPED *ov, void *buf, DWORD size) { return ReadFile(h, buf, size, NULL, ov); }
static BOOL write_call(HANDLE h, OVERLAPPED *ov, void *buf, DWORD size) { return WriteFile(h, buf, size, NULL, ov); }
static BOOL connect_call(HANDLE h, OVERLAPPED *ov, void *buf, DWORD size) {
  (void)buf;
  (void)size;
  return ConnectNamedPipe(h, ov);
}

static BOOL read_pipe(HANDLE h, void *buf, DWORD size, DWORD *n) {
  if (overlapped_io == IO_PORT) return through_port(h, read_call, buf, size, n);
  return overlapped_io ? complete(h, read_call, buf, size, n) : ReadFile(h, buf, size, n, NULL);
}
static BOOL write_pipe(HANDLE h, const void *buf, DWORD size, DWORD *n) {
  if (overlapped_io == IO_PORT) return through_port(h, write_call, (void *)buf, size, n);
  return overlapped_io ? complete(h, write_call, (void *)buf, size, n) : WriteFile(h, buf, size, n, NULL);
}

static void pipe_name(char *out, size_t size, const char *case_name) {
  snprintf(out, size, "\\\\.\\pipe\\%s-%s", prefix, case_name);
}

/* chunk size of a throughput-* case */
static DWORD chunk_of(const char *case_name) {
  if (strcmp(case_name, "throughput-4k") == 0) return 4 * 1024;
  if (strcmp(case_name, "throughput-64k") == 0) return 64 * 1024;
  if (strcmp(case_name, "throughput-1m") == 0) return 1024 * 1024;
  return 0;
}

static int is_message_case(const char *case_name) {
  return strcmp(case_name, "rtt") == 0 || strcmp(case_name, "msgrate-64b") == 0;
}

static HANDLE serve(const char *name, int message) {
  DWORD mode = message ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE : PIPE_TYPE_BYTE | PIPE_READMODE_BYTE;
  DWORD access = PIPE_ACCESS_DUPLEX | (overlapped_io ? FILE_FLAG_OVERLAPPED : 0);
  HANDLE h = CreateNamedPipeA(name, access, mode | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1,
                              PIPE_BUFFER, PIPE_BUFFER, 0, NULL);
  if (h == INVALID_HANDLE_VALUE) fail("CreateNamedPipeA", name);
  DWORD ignored;
  BOOL connected = overlapped_io ? complete(h, connect_call, NULL, 0, &ignored) : ConnectNamedPipe(h, NULL);
  if (!connected && GetLastError() != ERROR_PIPE_CONNECTED) fail("ConnectNamedPipe", name);
  if (overlapped_io == IO_PORT) attach_port(h, name); /* after the connect, which waited on its event */
  return h;
}

/* The server of the case may not have created its pipe yet: retry for up to 30 s. */
static HANDLE open_client(const char *name, int message) {
  double deadline = now_seconds() + 30;
  for (;;) {
    HANDLE h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                           overlapped_io ? FILE_FLAG_OVERLAPPED : 0, NULL);
    if (h != INVALID_HANDLE_VALUE) {
      DWORD mode = PIPE_READMODE_MESSAGE;
      if (message && !SetNamedPipeHandleState(h, &mode, NULL, NULL)) fail("SetNamedPipeHandleState", name);
      if (overlapped_io == IO_PORT) attach_port(h, name);
      return h;
    }
    DWORD err = GetLastError();
    if ((err != ERROR_FILE_NOT_FOUND && err != ERROR_PIPE_BUSY) || now_seconds() > deadline) fail("CreateFileA", name);
    if (err == ERROR_PIPE_BUSY) WaitNamedPipeA(name, 1000);
    else Sleep(2);
  }
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples (the same definition in every peer). */
static double percentile(const double *sorted, int n, double p) {
  int rank = (int)(p * n + 0.999999999);
  if (rank < 1) rank = 1;
  return sorted[rank - 1];
}

/* Reads until the writer closes; the clock starts at the first read so that connecting is not counted. */
static void read_all(HANDLE h, const char *case_name, DWORD buffer_size, int count_messages) {
  char *buf = malloc(buffer_size);
  DWORD n;
  if (!read_pipe(h, buf, buffer_size, &n)) fail("ReadFile", case_name);
  double start = now_seconds(), end = start;
  long long bytes = 0, messages = 0;
  while (read_pipe(h, buf, buffer_size, &n)) {
    bytes += n;
    messages++;
    end = now_seconds();
  }
  if (GetLastError() != ERROR_BROKEN_PIPE) fail("ReadFile", case_name);
  if (count_messages) printf("result %s %.1f msg/s\n", case_name, messages / (end - start));
  else printf("result %s %.1f MB/s\n", case_name, bytes / 1e6 / (end - start));
  if (strcmp(case_name, "throughput-1m") == 0) {
    /* This process's peak resident set (Wine reports Linux's VmHWM), as the other peers read theirs (maxRSS). */
    PROCESS_MEMORY_COUNTERS counters;
    if (GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof counters)) {
      printf("result rss-1m %.1f MB\n", counters.PeakWorkingSetSize / 1e6);
    }
  }
  free(buf);
}

static void run_server(const char *case_name) {
  char name[300];
  pipe_name(name, sizeof name, case_name);
  HANDLE h = serve(name, is_message_case(case_name));
  DWORD chunk = chunk_of(case_name);
  if (chunk) {
    read_all(h, case_name, chunk > PIPE_BUFFER ? chunk : PIPE_BUFFER, 0);
  } else if (strcmp(case_name, "msgrate-64b") == 0) {
    read_all(h, case_name, FRAME, 1);
  } else { /* rtt: echo each request */
    char buf[FRAME];
    DWORD n, written;
    while (read_pipe(h, buf, sizeof buf, &n)) {
      if (!write_pipe(h, buf, n, &written)) fail("WriteFile", name);
    }
  }
  CloseHandle(h);
}

static void run_client(const char *case_name) {
  char name[300];
  pipe_name(name, sizeof name, case_name);
  HANDLE h = open_client(name, is_message_case(case_name));
  DWORD chunk = chunk_of(case_name), n;
  if (chunk || strcmp(case_name, "msgrate-64b") == 0) {
    /* One way, until the byte (or message) limit or the time limit. */
    DWORD size = chunk ? chunk : FRAME;
    long long limit = chunk ? limit_bytes / chunk : limit_messages;
    char *data = calloc(1, size);
    double deadline = now_seconds() + limit_seconds;
    for (long long i = 0; i < limit; i++) {
      if (!write_pipe(h, data, size, &n)) fail("WriteFile", name);
      if ((i & 15) == 15 && now_seconds() > deadline) break;
    }
    free(data);
  } else { /* rtt */
    char request[FRAME] = {0}, reply[FRAME];
    double *samples = malloc(sizeof(double) * exchanges);
    for (int i = 0; i < warmup + exchanges; i++) {
      double t0 = now_seconds();
      if (!write_pipe(h, request, FRAME, &n)) fail("WriteFile", name);
      if (!read_pipe(h, reply, FRAME, &n) || n != FRAME) fail("ReadFile", name);
      if (i >= warmup) samples[i - warmup] = (now_seconds() - t0) * 1e6;
    }
    qsort(samples, exchanges, sizeof(double), compare_doubles);
    printf("result rtt-p50 %.1f us\n", percentile(samples, exchanges, 0.50));
    printf("result rtt-p99 %.1f us\n", percentile(samples, exchanges, 0.99));
    free(samples);
  }
  CloseHandle(h);
}

int main(int argc, char **argv) {
  QueryPerformanceFrequency(&frequency);
  if (argc < 2 || (strcmp(argv[1], "server") != 0 && strcmp(argv[1], "client") != 0)) {
    fprintf(stderr, "usage: raw_pipe.exe server|client prefix=P cases=C,... bytes=N seconds=S exchanges=N "
                    "warmup=N messages=N\n");
    return 2;
  }
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "prefix=", 7) == 0) snprintf(prefix, sizeof prefix, "%s", a + 7);
    else if (strncmp(a, "cases=", 6) == 0) snprintf(cases, sizeof cases, "%s", a + 6);
    else if (strncmp(a, "bytes=", 6) == 0) limit_bytes = _atoi64(a + 6);
    else if (strncmp(a, "seconds=", 8) == 0) limit_seconds = atof(a + 8);
    else if (strncmp(a, "exchanges=", 10) == 0) exchanges = atoi(a + 10);
    else if (strncmp(a, "warmup=", 7) == 0) warmup = atoi(a + 7);
    else if (strncmp(a, "messages=", 9) == 0) limit_messages = _atoi64(a + 9);
    else if (strcmp(a, "io=overlapped") == 0) overlapped_io = IO_EVENT;
    else if (strcmp(a, "io=port") == 0) overlapped_io = IO_PORT;
  }
  int server = strcmp(argv[1], "server") == 0;
  for (char *c = strtok(cases, ","); c; c = strtok(NULL, ",")) {
    if (!chunk_of(c) && !is_message_case(c)) {
      fprintf(stderr, "raw-c: unknown case \"%s\"\n", c);
      return 2;
    }
    if (server) run_server(c);
    else run_client(c);
    fflush(stdout);
  }
  return 0;
}
