#!/usr/bin/env bash
# Builds the Windows test bed: a Debian 13 (trixie) root file system with
# Wine 10, the Windows builds of Deno, Bun and Node from npm, and a Wine prefix.
# Everything goes into a cache outside the repo:
#   ${WINPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winpipe}
# Idempotent: a piece whose stamp matches its recipe (scripts/wine/versions.sh)
# is kept, so a second run takes a fraction of a second. New pieces are built
# in temporary folders and renamed into place when complete, so a half-built
# piece is never used, and runs that are going on are not disturbed.
# See docs/windows-test-bed.md.
#
# Usage: scripts/wine/setup.sh [--rebuild] [--check] [--verbose]
#   --rebuild   build every piece again (root file system, executables, prefix)
#   --check     change nothing; exit 0 if the test bed is ready, 1 if not
#   --verbose   show the output of debootstrap, apt-get, npm and wineboot
#               (otherwise it goes to logs/ in the cache)
# Environment: WINPIPE_CACHE (the cache folder), WINPIPE_DEBIAN_MIRROR (the
# Debian mirror to use instead of the one in the host's apt sources).
# Exit codes: 0 ready, 1 failed, 2 usage, 77 this host cannot run it (not
# Linux, not root, no namespaces).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

rebuild=0 check=0 verbose=0
for arg in "$@"; do
  case $arg in
    --rebuild) rebuild=1 ;;
    --check) check=1 ;;
    --verbose | -v) verbose=1 ;;
    -h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "wine/setup: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

say() { printf 'wine/setup: %s\n' "$*"; }
die() { printf 'wine/setup: FAILED: %s\n' "$*" >&2; exit 1; }

if reason=$(winpipe_host_unsupported_reason); then
  echo "wine/setup: skipped: $reason" >&2
  exit "$WINPIPE_EXIT_SKIP"
fi

if ((check)); then
  if winpipe_ready; then say "ready ($WINPIPE_CACHE)"; exit 0; fi
  say "not ready: run scripts/wine/setup.sh"; exit 1
fi

t_all=$SECONDS
mkdir -p "$WINPIPE_CACHE" "$WINPIPE_LOGS"

# One setup at a time. (Runs hold $WINPIPE_LOCK shared; setup takes it
# exclusively only for the moment it renames finished pieces into place.)
exec 7>>"$WINPIPE_CACHE/setup.lock"
if ! flock -n 7; then
  say "waiting for another setup.sh to finish"
  flock 7
fi

# step LABEL LOG COMMAND...: runs COMMAND with its output in logs/LOG.log (and
# on the terminal with --verbose); on failure shows the end of it and exits.
step() {
  local label=$1 log=$WINPIPE_LOGS/$2.log
  shift 2
  if ((verbose)); then
    "$@" 2>&1 | tee "$log" || die "$label (log: $log)"
  elif ! "$@" >"$log" 2>&1; then
    echo "---- last lines of $log" >&2
    tail -n 25 "$log" >&2
    die "$label (log: $log)"
  fi
}

# in_ns ROOT [_inner.sh options] -- COMMAND...: runs COMMAND in a chroot of
# ROOT inside a private mount + PID namespace (see _inner.sh).
in_ns() {
  local root=$1
  shift
  unshare --mount --pid --fork --kill-child -- bash "$here/_inner.sh" --name wine/setup --root "$root" "$@"
}

# Deletes trees that this script made, refusing if anything is mounted there.
remove_tree() {
  local dir
  for dir in "$@"; do
    [[ -e $dir ]] || continue
    if findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1 || $0 == d { bad = 1 } END { exit !bad }'; then
      die "something is mounted under $dir; not deleting it"
    fi
    rm -rf --one-file-system "$dir"
  done
}

# Leftovers of an interrupted setup (nothing else uses them: we hold setup.lock).
remove_tree "$WINPIPE_CACHE"/*.tmp.* "$WINPIPE_CACHE"/*.old.*
# If this setup fails, the pieces it was building go (a rootfs is 1.2 GB).
made=()
remove_made() {
  local d
  for d in "${made[@]}"; do
    if [[ -e $d ]]; then rm -rf --one-file-system "$d"; fi
  done
}
trap remove_made EXIT

# --- 1. host packages --------------------------------------------------------
t=$SECONDS
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || need+=(debian-archive-keyring)
command -v gpgv >/dev/null || need+=(gpgv)
command -v wget >/dev/null || need+=(wget)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v npm >/dev/null || die "npm is needed to fetch the Windows builds (install Node.js)"
if ((${#need[@]})); then
  say "host packages: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  step "apt-get update" host-apt apt-get update
  step "apt-get install ${need[*]}" host-apt-install apt-get install -y --no-install-recommends "${need[@]}"
  say "host packages: done ($((SECONDS - t))s)"
else
  say "host packages: present (debootstrap, mingw-w64)"
fi

declare -A swap=() # final path -> finished temporary folder

# --- 2. the trixie root file system with Wine --------------------------------
t=$SECONDS
rootfs=$WINPIPE_ROOTFS
rootfs_recipe=$(winpipe_rootfs_recipe)
if ((!rebuild)) && winpipe_stamp_ok "$rootfs" "$rootfs_recipe"; then
  say "rootfs: cached ($(sed -n 2p "$rootfs/$WINPIPE_STAMP_NAME"))"
else
  mirror=$(winpipe_debian_mirror) ||
    die "found no Debian mirror in /etc/apt/sources.list{,.d/*}; set WINPIPE_DEBIAN_MIRROR"
  say "rootfs: debootstrap --variant=minbase $WINPIPE_ROOTFS_SUITE (Debian mirror of the host's apt sources)"
  rootfs=$(mktemp -d "$WINPIPE_ROOTFS.tmp.XXXXXX")
  made+=("$rootfs")
  chmod 755 "$rootfs"
  include=()
  [[ $mirror == https:* ]] && include=(--include=ca-certificates)
  step "debootstrap $WINPIPE_ROOTFS_SUITE from $mirror" debootstrap \
    debootstrap --variant=minbase "${include[@]}" "$WINPIPE_ROOTFS_SUITE" "$rootfs" "$mirror"
  # No daemons start inside; no recommends; names resolve; mount points exist.
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90winpipe"
  [[ -e $rootfs/etc/resolv.conf ]] || : >"$rootfs/etc/resolv.conf"
  [[ -e $rootfs/etc/hosts ]] || printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
  mkdir -p "$rootfs/repo" "$rootfs/win" "$rootfs/wineprefix"
  say "rootfs: apt-get install ${WINPIPE_ROOTFS_PACKAGES[*]} (inside the chroot)"
  step "apt-get install ${WINPIPE_ROOTFS_PACKAGES[*]} in the chroot" rootfs-apt in_ns "$rootfs" --shell -- \
    "apt-get update && apt-get install -y --no-install-recommends ${WINPIPE_ROOTFS_PACKAGES[*]} && apt-get clean"
  wine_version=$(in_ns "$rootfs" -- wine --version 2>/dev/null) || die "wine --version failed in the new root file system"
  [[ $wine_version == wine-* ]] || die "unexpected wine --version output: $wine_version"
  printf '%s\n%s\n' "$rootfs_recipe" "$wine_version" >"$rootfs/$WINPIPE_STAMP_NAME"
  swap[$WINPIPE_ROOTFS]=$rootfs
  say "rootfs: built with $wine_version ($((SECONDS - t))s, $(du -sh --one-file-system "$rootfs" | cut -f1))"
fi

# --- 3. the Windows builds of Deno, Bun and Node ------------------------------
t=$SECONDS
win_recipe=$(winpipe_win_recipe)
if ((!rebuild)) && winpipe_stamp_ok "$WINPIPE_WIN" "$win_recipe"; then
  say "windows executables: cached (${win_recipe#win packages=})"
else
  specs=()
  for entry in "${WINPIPE_WIN_PACKAGES[@]}"; do specs+=("${entry%% *}"); done
  say "windows executables: npm install ${specs[*]}"
  win=$(mktemp -d "$WINPIPE_WIN.tmp.XXXXXX")
  made+=("$win")
  chmod 755 "$win"
  scratch=$win/.npm-scratch
  mkdir -p "$scratch"
  echo '{ "name": "winpipe-wine-scratch", "private": true }' >"$scratch/package.json"
  # --force: the packages declare os=win32/cpu=x64 (npm's --os/--cpu alone is
  # refused with notsup); --ignore-scripts: nothing of theirs runs here.
  npm_install() {
    (cd "$scratch" && npm install --no-save --force --ignore-scripts --no-audit --no-fund \
      --no-package-lock --loglevel=warn "${specs[@]}")
  }
  step "npm install ${specs[*]}" npm npm_install
  for entry in "${WINPIPE_WIN_PACKAGES[@]}"; do
    read -r spec inner exe <<<"$entry"
    src=$scratch/node_modules/${spec%@*}/$inner
    [[ -f $src ]] || die "$spec has no $inner"
    cp "$src" "$win/$exe"
    chmod 755 "$win/$exe"
  done
  rm -rf "$scratch"
  {
    echo "$win_recipe"
    (cd "$win" && sha256sum -- *.exe)
  } >"$win/$WINPIPE_STAMP_NAME"
  swap[$WINPIPE_WIN]=$win
  say "windows executables: done ($((SECONDS - t))s)"
fi

# --- 4. the Wine prefix (made by, and tied to, the root file system) ----------
t=$SECONDS
prefix_recipe=$(winpipe_prefix_recipe "$rootfs")
if ((!rebuild)) && winpipe_stamp_ok "$WINPIPE_PREFIX" "$prefix_recipe"; then
  say "wine prefix: cached"
else
  say "wine prefix: wineboot --init"
  prefix=$(mktemp -d "$WINPIPE_PREFIX.tmp.XXXXXX")
  made+=("$prefix")
  step "wineboot --init" wineboot in_ns "$rootfs" --prefix "$prefix" --prefix-mode rw --shell -- \
    'wineboot --init && wineserver -w'
  [[ -f $prefix/system.reg && -d $prefix/drive_c/windows ]] ||
    die "wineboot --init made no prefix (log: $WINPIPE_LOGS/wineboot.log)"
  echo "$prefix_recipe" >"$prefix/$WINPIPE_STAMP_NAME"
  swap[$WINPIPE_PREFIX]=$prefix
  say "wine prefix: done ($((SECONDS - t))s)"
fi

# --- 5. put the new pieces in place -------------------------------------------
if ((${#swap[@]})); then
  exec 8>>"$WINPIPE_LOCK"
  if ! flock -n -x 8; then
    say "waiting for the runs that use the cache to finish"
    flock -x 8
  fi
  old=$(mktemp -d "$WINPIPE_CACHE/pieces.old.XXXXXX")
  made+=("$old")
  for final in "${!swap[@]}"; do
    [[ -e $final ]] && mv -T "$final" "$old/$(basename "$final")"
    mv -T "${swap[$final]}" "$final"
  done
  exec 8>&-
  remove_tree "$old"
fi

winpipe_ready || die "internal error: the test bed is still not ready"
say "ready in $((SECONDS - t_all))s: scripts/wine/run.sh -- wine /win/deno.exe --version"
