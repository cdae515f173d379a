# shellcheck shell=bash disable=SC2034
# Shared helpers of scripts/wine/setup.sh and scripts/wine/run.sh (sourced,
# never run). Everything here only reads; setup.sh is what writes the cache.

WINPIPE_WINE_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
. "$WINPIPE_WINE_SCRIPTS/versions.sh"

# The cache lives outside the repo; everything the test bed builds is in it.
WINPIPE_CACHE=${WINPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winpipe}
WINPIPE_ROOTFS=$WINPIPE_CACHE/rootfs   # Debian trixie with Wine 10
WINPIPE_WIN=$WINPIPE_CACHE/win         # deno.exe, bun.exe, node.exe (+ wrappers)
WINPIPE_PREFIX=$WINPIPE_CACHE/prefix   # the WINEPREFIX, made by wineboot --init
WINPIPE_LOCK=$WINPIPE_CACHE/lock       # setup.sh: exclusive; run.sh: shared
WINPIPE_LOGS=$WINPIPE_CACHE/logs
WINPIPE_DENO_DIR=$WINPIPE_CACHE/deno-dir # DENO_DIR of deno.exe, kept across runs

# Where things appear inside the chroot.
WINPIPE_CHROOT_REPO=/repo
WINPIPE_CHROOT_WIN=/win
WINPIPE_CHROOT_PREFIX=/wineprefix
WINPIPE_STAMP_NAME=.winpipe-stamp

# Exit code for "this machine cannot host the test bed": callers skip.
WINPIPE_EXIT_SKIP=77

winpipe_repo_root() {
  local top
  if top=$(git -C "$WINPIPE_WINE_SCRIPTS" rev-parse --show-toplevel 2>/dev/null) && [[ -n $top ]]; then
    printf '%s\n' "$top"
  else
    (cd "$WINPIPE_WINE_SCRIPTS/../.." && pwd)
  fi
}

# Prints why this host cannot run the test bed and returns 1, or returns 0.
winpipe_host_unsupported_reason() {
  local os
  os=$(uname -s 2>/dev/null || echo unknown)
  if [[ $os != Linux ]]; then
    echo "the Wine test bed needs Linux (this is $os)"
  elif [[ $(uname -m) != x86_64 ]]; then
    echo "the Wine test bed needs an x86_64 machine (this is $(uname -m))"
  elif [[ $(id -u) != 0 ]]; then
    echo "the Wine test bed needs root (it uses unshare, mount and chroot)"
  elif ! command -v unshare >/dev/null || ! command -v chroot >/dev/null || ! command -v flock >/dev/null; then
    echo "the Wine test bed needs unshare, chroot and flock (util-linux, coreutils)"
  elif ! unshare --mount --pid --fork true 2>/dev/null; then
    echo "the Wine test bed cannot create mount and PID namespaces here (unshare --mount --pid failed)"
  else
    return 1
  fi
  return 0
}

# What each cached piece must have been built from. A stamp file holds this
# text on its first line (and details after it).
winpipe_rootfs_recipe() {
  echo "rootfs recipe=$WINPIPE_ROOTFS_RECIPE suite=$WINPIPE_ROOTFS_SUITE variant=minbase packages=${WINPIPE_ROOTFS_PACKAGES[*]}"
}
winpipe_win_recipe() {
  local entry names=()
  for entry in "${WINPIPE_WIN_PACKAGES[@]}"; do names+=("${entry%% *}"); done
  echo "win packages=${names[*]}"
}
winpipe_prefix_recipe() {
  # The prefix belongs to one build of the rootfs (its whole stamp, which names
  # the Wine version) so a rebuilt rootfs gets a fresh prefix.
  local rootfs=${1:-$WINPIPE_ROOTFS} rootfs_stamp=""
  [[ -f $rootfs/$WINPIPE_STAMP_NAME ]] && rootfs_stamp=$(tr '\n' ' ' <"$rootfs/$WINPIPE_STAMP_NAME")
  echo "prefix recipe=$WINPIPE_PREFIX_RECIPE on ${rootfs_stamp% }"
}

# winpipe_stamp_ok DIR RECIPE: is DIR complete and built from RECIPE?
winpipe_stamp_ok() {
  local file=$1/$WINPIPE_STAMP_NAME line
  [[ -f $file ]] || return 1
  IFS= read -r line <"$file" || return 1
  [[ $line == "$2" ]]
}

winpipe_ready() {
  winpipe_stamp_ok "$WINPIPE_ROOTFS" "$(winpipe_rootfs_recipe)" &&
    winpipe_stamp_ok "$WINPIPE_WIN" "$(winpipe_win_recipe)" &&
    winpipe_stamp_ok "$WINPIPE_PREFIX" "$(winpipe_prefix_recipe "$WINPIPE_ROOTFS")"
}

# The Debian mirror that this host's apt sources already use (first http(s)
# entry of a Debian suite), unless WINPIPE_DEBIAN_MIRROR names one.
winpipe_debian_mirror() {
  if [[ -n ${WINPIPE_DEBIAN_MIRROR:-} ]]; then
    printf '%s\n' "${WINPIPE_DEBIAN_MIRROR%/}"
    return 0
  fi
  local files=() f
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && files+=("$f")
  done
  ((${#files[@]})) || return 1
  awk '
    function debian_suite(s) {
      sub(/-(updates|backports|proposed-updates)$/, "", s)
      return s ~ /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)$/
    }
    function pick(uri, suites,   n, i, a) {
      if (uri !~ /^https?:\/\//) return
      n = split(suites, a, /[ \t]+/)
      for (i = 1; i <= n; i++) if (a[i] != "" && debian_suite(a[i])) { sub(/\/+$/, "", uri); print uri; found = 1; exit }
    }
    function flush(   n, i, u) {
      if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^(no|false)$/) {
        n = split(uris, u, /[ \t]+/)
        for (i = 1; i <= n; i++) if (u[i] != "") pick(u[i], suites)
      }
      types = uris = suites = enabled = ""
    }
    FNR == 1 { flush(); deb822 = (FILENAME ~ /\.sources$/) }
    /^[ \t]*#/ { next }
    deb822 && /^[ \t]*$/ { flush(); next }
    deb822 {
      line = $0; key = tolower(line); sub(/:.*/, "", key); sub(/^[^:]*:[ \t]*/, "", line)
      if (key == "types") types = line
      else if (key == "uris") uris = line
      else if (key == "suites") suites = line
      else if (key == "enabled") enabled = tolower(line)
      next
    }
    $1 == "deb" {
      i = 2
      if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      pick($i, $(i + 1))
    }
    END { if (!found) flush(); exit !found }
  ' "${files[@]}"
}
