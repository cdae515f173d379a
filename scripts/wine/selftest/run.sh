#!/usr/bin/env bash
# Self-test of the Windows test bed: the three runtimes start under Wine,
# Deno's and Bun's FFI reach kernel32 (ffi_test.ts, ffi_bun.test.ts), a
# mingw-w64 .exe runs, a timeout ends the run with 124, and no mount of the
# run is left behind. Sets the test bed up first if needed.
#
# Usage: scripts/wine/selftest/run.sh
# Exit codes: 0 all passed, 1 something failed, 77 this host cannot run the
# test bed (not Linux, not root, no namespaces).
set -uo pipefail

wine_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run=$wine_dir/run.sh

"$wine_dir/setup.sh" || exit $?

passed=0 failed=0
results=$(mktemp)
record() { # record OUTCOME NAME: one line of the JUnit report (scripts/junit.mjs)
  printf '%s\t%s\n' "$1" "$2" >>"$results"
}
check() { # check NAME COMMAND...: COMMAND must succeed
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1))
    echo "ok   $name"
    record passed "$name"
  else
    failed=$((failed + 1))
    echo "FAIL $name"
    record failed "$name"
    printf '%s\n' "$out" | tail -n 20 | sed 's/^/     /'
  fi
}
expect_output() { # expect_output REGEX COMMAND...
  local regex=$1 out
  shift
  if out=$("$@" 2>&1) && [[ $out =~ $regex ]]; then return 0; fi
  printf '%s\n' "$out"
  return 1
}
expect_rc() { # expect_rc CODE COMMAND...
  local want=$1 rc=0
  shift
  "$@" || rc=$?
  ((rc == want)) || { echo "exit code $rc, wanted $want"; return 1; }
}

check "deno.exe --version" expect_output '^deno 2\.' "$run" -- wine /win/deno.exe --version
check "bun.exe --version" expect_output '^1\.' "$run" -- wine /win/bun.exe --version
# node.exe's output must go to a file (EBADF on a pipe).
check "node.exe --version (to a file)" expect_output '^v[0-9]+\.' \
  "$run" -- 'wine /win/node.exe --version >/tmp/node-version.txt && cat /tmp/node-version.txt'
check "deno test: GetCurrentProcessId via Deno.dlopen" \
  "$run" --timeout 300 -- wine /win/deno.exe test -A --no-config scripts/wine/selftest/ffi_test.ts
check "bun test: GetCurrentProcessId via bun:ffi" \
  "$run" --timeout 300 -- wine /win/bun.exe test scripts/wine/selftest/ffi_bun.test.ts

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$results"' EXIT
cat >"$tmp/hello.c" <<'EOF'
#include <stdio.h>
#include <windows.h>
int main(void) {
  printf("hello from pid %lu\n", (unsigned long)GetCurrentProcessId());
  return 7;
}
EOF
if x86_64-w64-mingw32-gcc -O2 -o "$tmp/hello.exe" "$tmp/hello.c"; then
  check "mingw-w64 hello.exe prints" expect_output '^hello from pid [1-9]' \
    "$run" --bind "$tmp:/mnt/selftest" -- 'wine /mnt/selftest/hello.exe; true'
  check "mingw-w64 hello.exe exit code 7 comes through" expect_rc 7 \
    "$run" --bind "$tmp:/mnt/selftest" -- wine /mnt/selftest/hello.exe
else
  failed=$((failed + 1))
  echo "FAIL mingw-w64 compiles hello.c"
  record failed "mingw-w64 compiles hello.c"
fi
# A Wine finding (docs/windows-test-bed.md, Gotchas): on a path through a
# tmpfs (/mnt, /tmp) bun.exe cannot resolve a package whose entry point is
# not index.js, and on the root file system (/srv) it can. The first check
# fails once Wine or Bun changes; then binds under /mnt would do again.
mkdir -p "$tmp/resolve/node_modules/dep"
echo '{ "name": "dep", "main": "lib.js" }' >"$tmp/resolve/node_modules/dep/package.json"
echo 'module.exports = "resolved";' >"$tmp/resolve/node_modules/dep/lib.js"
echo 'console.log(require("dep"));' >"$tmp/resolve/main.js"
check "Wine finding: bun.exe cannot resolve a package through a tmpfs (EBADFD)" expect_output 'EBADFD' \
  "$run" --bind "$tmp/resolve:/mnt/resolve" -- 'cd /mnt/resolve && wine /win/bun.exe main.js; true'
check "bun.exe resolves the same package under /srv" expect_output '(^|[[:space:]])resolved($|[[:space:]])' \
  "$run" --bind "$tmp/resolve:/srv/resolve" -- 'cd /srv/resolve && wine /win/bun.exe main.js 2>/dev/null'
# A Wine finding (docs/windows-test-bed.md, Gotchas): bun.exe cannot build an
# executable under Wine; the consumers suite cross-compiles on Linux instead.
# This check fails once it can.
echo 'console.log("compiled");' >"$tmp/resolve/hello.ts"
check "Wine finding: bun.exe build --compile cannot open its root directory" expect_output 'opening root directory' \
  "$run" --bind "$tmp/resolve:/srv/resolve" -- 'cd /srv/resolve && wine /win/bun.exe build --compile hello.ts --outfile hello.exe; true'
check "--timeout ends a hanging run with 124" expect_rc 124 \
  "$run" --timeout 3 -- wine /win/deno.exe eval 'setInterval(() => {}, 1000)'

# The runs' mounts lived in their own namespaces: none is visible here.
eval "$("$run" --print-env)"
# shellcheck disable=SC2016 # ($1 is for the inner bash)
check "no mount left under the root file system" \
  bash -c '! findmnt -rn -o TARGET | grep -qF -- "$1"' _ "$WINPIPE_ROOTFS"

echo "$passed passed, $failed failed"
if [[ -n ${WINPIPE_JUNIT:-} ]]; then
  node "$wine_dir/../junit.mjs" write testbed <"$results" || failed=$((failed + 1))
fi
((failed == 0))
