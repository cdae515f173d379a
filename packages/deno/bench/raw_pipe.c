/* Baseline for bench/throughput.ts: 64 MiB one-way over a 64 KiB byte pipe,
 * synchronous ReadFile/WriteFile on two threads, plain C.
 * Build: x86_64-w64-mingw32-gcc -O2 -o raw_pipe.exe raw_pipe.c */
#include <windows.h>
#include <stdio.h>

#define TOTAL (64 * 1024 * 1024)
#define CHUNK (64 * 1024)

static DWORD WINAPI writer(LPVOID arg) {
  static char data[CHUNK];
  HANDLE h = (HANDLE)arg;
  DWORD n;
  for (int sent = 0; sent < TOTAL; sent += CHUNK) WriteFile(h, data, CHUNK, &n, NULL);
  return 0;
}

int main(void) {
  static char buf[CHUNK];
  for (int run = 0; run < 3; run++) {
    char name[128];
    snprintf(name, sizeof name, "\\\\.\\pipe\\winpipe-raw-%lu-%d", GetCurrentProcessId(), run);
    HANDLE s = CreateNamedPipeA(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE, 1, CHUNK, CHUNK, 0, NULL);
    HANDLE c = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER f, t0, t1;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    HANDLE t = CreateThread(NULL, 0, writer, c, 0, NULL);
    long long got = 0;
    DWORD n;
    while (got < TOTAL && ReadFile(s, buf, CHUNK, &n, NULL)) got += n;
    WaitForSingleObject(t, INFINITE);
    QueryPerformanceCounter(&t1);
    double secs = (double)(t1.QuadPart - t0.QuadPart) / f.QuadPart;
    printf("raw C, two threads: %.0f MB/s\n", TOTAL / 1e6 / secs);
    CloseHandle(t); CloseHandle(c); CloseHandle(s);
  }
  return 0;
}
