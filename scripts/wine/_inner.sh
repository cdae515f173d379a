#!/usr/bin/env bash
# Internal: the first process (PID 1) of the private mount + PID namespace that
# scripts/wine/run.sh and setup.sh create with
#   unshare --mount --pid --fork --kill-child -- bash _inner.sh OPTIONS -- COMMAND...
# It mounts what the chroot needs, runs COMMAND in the chroot, ends Wine with
# `wineserver -k`, and exits. Because it is PID 1, every process left in the
# namespace is killed by the kernel when it exits, and because the mount
# namespace dies with it, so do all the mounts. Nothing here touches the host's
# mount table (unshare makes the new namespace's mounts private).
#
# Options:
#   --root DIR        the root file system to chroot into (required)
#   --prefix DIR      the WINEPREFIX, shown at /wineprefix (optional)
#   --prefix-mode M   overlay (default: writes go to a throwaway layer) or rw
#   --lock FILE       with --prefix-mode rw: hold an exclusive flock on FILE
#   --repo DIR        shown read-write at /repo, which becomes the working dir
#   --win DIR         shown read-only at /win
#   --path DIRS       put DIRS (paths inside the chroot, colon-separated) first
#                     on PATH
#   --bind SRC:DST    also show host dir SRC read-write at DST, which must be
#                     under /mnt or /tmp (both are fresh tmpfs), or under /srv
#                     (a directory of the root file system: bun.exe cannot
#                     resolve packages on a path through a tmpfs, see
#                     docs/windows-test-bed.md) (repeatable)
#   --env NAME=VALUE  also set NAME in the chroot's environment (repeatable)
#   --timeout SECS    0 (default) for none; on expiry exit 124
#   --lifeline FD     when FD (a pipe) reaches EOF, stop as if interrupted
#   --shell           COMMAND is one shell command line (bash -c)
#   --name NAME       prefix of messages
set -u

root="" prefix="" prefix_mode=overlay lock="" repo="" win="" path="" timeout=0 shell=0 name=wine lifeline=""
binds=() extra_env=()
while (($#)); do
  case $1 in
    --root) root=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --prefix-mode) prefix_mode=$2; shift 2 ;;
    --lock) lock=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --win) win=$2; shift 2 ;;
    --path) path=$2; shift 2 ;;
    --bind) binds+=("$2"); shift 2 ;;
    --env) extra_env+=("$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --shell) shell=1; shift ;;
    --lifeline) lifeline=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "$name: internal error: bad option $1" >&2; exit 125 ;;
  esac
done

fail() { echo "$name: $*" >&2; exit 125; }
(($# > 0)) || fail "internal error: no command"
[[ -n $root && -x $root/bin/bash ]] || fail "internal error: no root file system at '$root'"
[[ $$ == 1 ]] || fail "internal error: must run as PID 1 of a new PID namespace"

# --- mounts (private to this namespace) -------------------------------------
mnt() { mount "$@" || fail "mount $* failed"; }
mnt -t proc -o nosuid,nodev,noexec proc "$root/proc"
mnt --rbind /dev "$root/dev"
mnt -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys" 2>/dev/null || true
mnt -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"
mnt -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$root/run"
mnt -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$root/mnt"
mkdir -p "$root/run/user" && mkdir -m 700 "$root/run/user/0"
# apt inside the chroot (setup.sh) needs name resolution; keep it current.
if [[ -f /etc/resolv.conf && -f $root/etc/resolv.conf ]]; then
  mount --bind -o ro "$(readlink -f /etc/resolv.conf)" "$root/etc/resolv.conf" 2>/dev/null || true
fi
if [[ -n $repo ]]; then
  mkdir -p "$root/repo"
  mnt --rbind "$repo" "$root/repo"
fi
if [[ -n $win ]]; then
  mkdir -p "$root/win"
  mnt --bind -o ro "$win" "$root/win"
fi
for b in "${binds[@]}"; do
  src=${b%%:*} dst=${b#*:}
  [[ -d $src && $dst =~ ^/(mnt|tmp|srv)/[^/] && $dst != *..* ]] || fail "bad --bind $b"
  mkdir -p "$root$dst" && mnt --rbind "$src" "$root$dst"
done
if [[ -n $prefix ]]; then
  mkdir -p "$root/wineprefix"
  case $prefix_mode in
    overlay)
      # A tmpfs holds the writable layer; the overlay is then mounted over the
      # same mount point, which hides the tmpfs from everything in the chroot.
      mnt -t tmpfs -o mode=755 tmpfs "$root/wineprefix"
      mkdir "$root/wineprefix/upper" "$root/wineprefix/work"
      mnt -t overlay -o "lowerdir=$prefix,upperdir=$root/wineprefix/upper,workdir=$root/wineprefix/work" \
        overlay "$root/wineprefix"
      ;;
    rw)
      if [[ -n $lock ]]; then
        exec 9>>"$lock" || fail "cannot open $lock"
        flock 9
      fi
      mnt --bind "$prefix" "$root/wineprefix"
      ;;
    *) fail "internal error: bad prefix mode $prefix_mode" ;;
  esac
fi

# --- the environment inside --------------------------------------------------
envs=(
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8
  TMPDIR=/tmp XDG_RUNTIME_DIR=/run/user/0
  DEBIAN_FRONTEND=noninteractive
  WINPIPE_IN_WINE_CHROOT=1
)
[[ -n $path ]] && envs[0]=PATH=$path:${envs[0]#PATH=}
if [[ -n $prefix ]]; then
  envs+=(
    WINEPREFIX=/wineprefix
    "WINEDEBUG=${WINPIPE_WINEDEBUG:--all}"
    # No Mono or Gecko installs (there is no network for them, and no need).
    "WINEDLLOVERRIDES=mscoree,mshtml="
    'WINEPATH=Z:\win'
  )
fi
for v in TERM CI NO_COLOR FORCE_COLOR; do
  [[ -n ${!v+x} ]] && envs+=("$v=${!v}")
done
envs+=("${extra_env[@]}")
cwd=/
[[ -n $repo ]] && cwd=/repo

# --- run, with timeout and signals -------------------------------------------
timed_out=0 signalled=0
trap 'timed_out=1' USR1
trap 'signalled=130' INT USR2
trap 'signalled=143' TERM
trap 'signalled=129' HUP
if [[ -n $lifeline ]]; then
  # EOF on the lifeline: the caller was interrupted or died.
  (trap - USR1 USR2 INT TERM HUP; cat <&"$lifeline" >/dev/null 2>&1; kill -USR2 1) </dev/null >/dev/null 2>&1 &
  disown   # (no "Killed" job report when the sweep below ends it)
  eval "exec $lifeline<&-"
fi

# An explicit <&0 keeps stdin (a background job would get /dev/null).
if ((shell)); then
  chroot "$root" /usr/bin/env -i -C "$cwd" "${envs[@]}" /bin/bash -c "$1" <&0 8>&- 9>&- &
else
  chroot "$root" /usr/bin/env -i -C "$cwd" "${envs[@]}" "$@" <&0 8>&- 9>&- &
fi
cmd=$!
if ((timeout > 0)); then
  (trap - USR1 USR2 INT TERM HUP; sleep "$timeout" && kill -USR1 1) 9>&- </dev/null >/dev/null 2>&1 &
  disown
fi

rc=0
while :; do
  wait "$cmd"
  rc=$?
  ((timed_out || signalled)) && break
  kill -0 "$cmd" 2>/dev/null || break
done

if ((timed_out)); then
  echo "$name: timed out after ${timeout}s; killing everything" >&2
  rc=124
elif ((signalled)); then
  echo "$name: interrupted; killing everything" >&2
  rc=$signalled
fi
trap '' INT TERM HUP USR1 USR2

# --- end: stop Wine, then sweep the namespace --------------------------------
if [[ -n $prefix ]]; then
  timeout -k 2 10 chroot "$root" /usr/bin/env -i "${envs[@]}" wineserver -k </dev/null >/dev/null 2>&1 || true
fi
kill -KILL -1 2>/dev/null || true   # as PID 1: every other process of the namespace
exit "$rc"
