#!/usr/bin/env bash
# Runs a command in the Windows test bed: a chroot of Debian 13 with Wine 10,
# the repo at /repo (the working directory; Wine sees it as Z:\repo) and the
# Windows builds at /win (on PATH, and on Wine's search path).
#
# Usage:
#   scripts/wine/run.sh [--timeout SECONDS] [--no-setup] -- COMMAND [ARGS...]
#   scripts/wine/run.sh --print-env
#
#   One word after `--` is a shell command line (run with bash -c inside the
#   chroot); several words are run as they are, with no shell. Examples:
#     scripts/wine/run.sh -- wine /win/deno.exe test -A packages/deno/test
#     scripts/wine/run.sh -- 'wine /win/node.exe -v > /tmp/v.txt; cat /tmp/v.txt'
#     scripts/wine/run.sh -- deno --version     # wrapper: wine /win/deno.exe
#
#   --timeout SECONDS  kill everything after SECONDS and exit 124 (default:
#                      $WINPIPE_WINE_TIMEOUT, else no limit)
#   --bind SRC:DST     also show the host directory SRC read-write at DST, a
#                      path under /mnt or /tmp (tmpfs) or /srv (the root file
#                      system, where bun.exe can resolve packages) inside the
#                      chroot; repeatable
#   --env NAME=VALUE   also set NAME in the environment inside; repeatable
#   --no-setup         fail instead of running setup.sh when the cache is
#                      missing or out of date
#   --print-env        print shell assignments (WINPIPE_CACHE, WINPIPE_WIN,
#                      WINPIPE_DENO_EXE, ...) for `eval "$(run.sh --print-env)"`
#
# Inside: HOME=/root, XDG_RUNTIME_DIR=/run/user/0, WINEPREFIX=/wineprefix,
# WINEDEBUG=-all (or $WINPIPE_WINEDEBUG), fresh /tmp and /mnt, and on PATH the
# wrappers deno, bun and node (scripts/wine/bin) and /win. DENO_DIR is
# Z:\mnt\deno-dir, kept in the cache across runs. Each run gets a private
# copy-on-write layer over the cached prefix, so runs can go in parallel and
# leave the prefix as it was. The run ends with `wineserver -k`; all processes
# and mounts of the run end with it, also on failure, timeout or Ctrl-C.
#
# node.exe fails with EBADF when its stdin, stdout or stderr is a pipe:
# redirect its output to a file (or use the `node` wrapper, which does that).
#
# Exit codes: the command's; 124 timeout; 77 this host cannot run the test bed
# (not Linux, not root, no namespaces) so callers can skip; 125 the test bed
# itself failed (setup, mounts); 2 usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

usage() { sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; }
bad_usage() { echo "wine/run.sh: $* (see --help)" >&2; exit 2; }

timeout=${WINPIPE_WINE_TIMEOUT:-0} setup=1 print_env=0
binds=() envs=()
while (($#)); do
  case $1 in
    --timeout) (($# >= 2)) || bad_usage "--timeout needs a value"; timeout=$2; shift 2 ;;
    --timeout=*) timeout=${1#*=}; shift ;;
    --bind) (($# >= 2)) || bad_usage "--bind needs SRC:DST"; binds+=(--bind "$2"); shift 2 ;;
    --bind=*) binds+=(--bind "${1#*=}"); shift ;;
    --env) (($# >= 2)) || bad_usage "--env needs NAME=VALUE"; envs+=(--env "$2"); shift 2 ;;
    --env=*) envs+=(--env "${1#*=}"); shift ;;
    --no-setup) setup=0; shift ;;
    --print-env) print_env=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
done
[[ $timeout =~ ^[0-9]+$ ]] || bad_usage "--timeout wants whole seconds, got '$timeout'"

if ((print_env)); then
  repo=$(winpipe_repo_root)
  for kv in \
    "WINPIPE_CACHE=$WINPIPE_CACHE" \
    "WINPIPE_ROOTFS=$WINPIPE_ROOTFS" \
    "WINPIPE_PREFIX=$WINPIPE_PREFIX" \
    "WINPIPE_WIN=$WINPIPE_WIN" \
    "WINPIPE_DENO_EXE=$WINPIPE_WIN/deno.exe" \
    "WINPIPE_BUN_EXE=$WINPIPE_WIN/bun.exe" \
    "WINPIPE_NODE_EXE=$WINPIPE_WIN/node.exe" \
    "WINPIPE_REPO=$repo" \
    "WINPIPE_CHROOT_REPO=$WINPIPE_CHROOT_REPO" \
    "WINPIPE_CHROOT_WIN=$WINPIPE_CHROOT_WIN" \
    "WINPIPE_CHROOT_PREFIX=$WINPIPE_CHROOT_PREFIX" \
    "WINPIPE_DENO_DIR=$WINPIPE_DENO_DIR" \
    "WINPIPE_WINDOWS_REPO=Z:\\repo"; do
    printf '%s=%q\n' "${kv%%=*}" "${kv#*=}"
  done
  if winpipe_host_unsupported_reason >/dev/null; then echo "WINPIPE_READY=0"
  elif winpipe_ready; then echo "WINPIPE_READY=1"
  else echo "WINPIPE_READY=0"; fi
  exit 0
fi

(($# > 0)) || bad_usage "no command given after --"
for ((i = 1; i < ${#envs[@]}; i += 2)); do
  [[ ${envs[i]} =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || bad_usage "--env wants NAME=VALUE, got '${envs[i]}'"
done
for ((i = 1; i < ${#binds[@]}; i += 2)); do
  b=${binds[i]}
  [[ -d ${b%%:*} && ${b#*:} =~ ^/(mnt|tmp|srv)/[^/] && $b != *..* ]] ||
    bad_usage "--bind wants SRC:DST, SRC an existing host directory, DST under /mnt, /tmp or /srv; got '$b'"
  binds[i]=$(cd "${b%%:*}" && pwd -P):${b#*:}
done

if reason=$(winpipe_host_unsupported_reason); then
  echo "wine/run.sh: skipped: $reason" >&2
  exit "$WINPIPE_EXIT_SKIP"
fi

if ! winpipe_ready; then
  ((setup)) || { echo "wine/run.sh: the test bed is not set up: run scripts/wine/setup.sh" >&2; exit 125; }
  echo "wine/run.sh: the test bed is missing or out of date; running scripts/wine/setup.sh" >&2
  # setup.sh's progress goes to stderr so that stdout stays the command's.
  "$here/setup.sh" >&2 || {
    rc=$?
    ((rc == WINPIPE_EXIT_SKIP)) && exit "$rc"
    echo "wine/run.sh: setup failed" >&2
    exit 125
  }
fi

# Shared lock: runs go in parallel, but setup.sh never swaps the cache under one.
exec 8>>"$WINPIPE_LOCK"
flock -s 8
winpipe_ready || { echo "wine/run.sh: the cache changed while waiting for its lock; run again" >&2; exit 125; }

repo=$(winpipe_repo_root)
[[ $here == "$repo"/* ]] || { echo "wine/run.sh: $here is not inside the repo $repo" >&2; exit 125; }
shell=()
(($# == 1)) && shell=(--shell)

# Deno's cache (type-check results, npm packages) outlives the run: it saves
# about 2 s of type checking per `deno test` of an unchanged file.
mkdir -p "$WINPIPE_DENO_DIR"
binds=(--bind "$WINPIPE_DENO_DIR:/mnt/deno-dir" "${binds[@]}")
envs=(--env 'DENO_DIR=Z:\mnt\deno-dir' "${envs[@]}")

# The run happens in a private mount + PID namespace whose first process is
# _inner.sh. A "lifeline" pipe ties it to this script: the inner end sees EOF
# when this script closes its end (on INT, TERM or HUP) or dies (even by
# SIGKILL), and then stops Wine and ends the namespace, which takes every
# process and mount of the run with it. (Forwarding signals would not do: a
# background job of a script starts with SIGINT ignored, and unshare blocks
# SIGINT and SIGTERM while it waits.)
life=$(mktemp -u "${TMPDIR:-/tmp}/winpipe-lifeline.XXXXXX")
mkfifo -m 600 "$life"
# shellcheck disable=SC2094 # (a FIFO: one end each)
exec {life_w}<>"$life" {life_r}<"$life"
rm -f "$life"

got=""
trap 'got=130' INT
trap 'got=143' TERM
trap 'got=129' HUP

unshare --mount --pid --fork --kill-child -- bash "$here/_inner.sh" --name wine/run.sh \
  --root "$WINPIPE_ROOTFS" --prefix "$WINPIPE_PREFIX" --prefix-mode overlay \
  --repo "$repo" --win "$WINPIPE_WIN" --path "$WINPIPE_CHROOT_REPO${here#"$repo"}/bin:$WINPIPE_CHROOT_WIN" \
  --timeout "$timeout" --lifeline 7 \
  "${binds[@]}" "${envs[@]}" "${shell[@]}" -- "$@" <&0 7<&"$life_r" {life_r}<&- {life_w}>&- &
up=$!
exec {life_r}<&-

rc=0 killer=""
while :; do
  wait "$up" && rc=0 || rc=$?
  if [[ -n $got && -n ${life_w:-} ]]; then
    exec {life_w}>&-   # tell the inner side to stop
    life_w=""
    # If it cannot stop in time, SIGKILL to unshare kills the namespace.
    (sleep 20; kill -KILL "$up") </dev/null >/dev/null 2>&1 &
    killer=$!
  fi
  kill -0 "$up" 2>/dev/null || break
done
[[ -n $killer ]] && kill "$killer" 2>/dev/null
[[ -n $got ]] && rc=$got
exit "$rc"
