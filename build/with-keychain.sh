#!/usr/bin/env bash
# Runs a command with a real, unlocked OS keychain on Linux: a private D-Bus
# session (dbus-run-session) with gnome-keyring's Secret Service in it,
# unlocked with a throwaway password. The keyring files live in a temporary
# XDG_DATA_HOME, so a developer's own login keyring is never touched (nor
# unlocked with the wrong password), and are deleted afterwards.
#
#   bash build/with-keychain.sh npx vitest run test/integration/import-keychain.test.ts
#
# Needs the Debian packages dbus-x11 (dbus-run-session) and gnome-keyring.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 command [args...]" >&2
  exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: $tool is not installed (Debian: apt-get install dbus-x11 gnome-keyring)" >&2
    exit 1
  fi
done

keyring_home="$(mktemp -d "${TMPDIR:-/tmp}/flotilla-keyring.XXXXXX")"
trap 'rm -rf "$keyring_home"' EXIT

# No DISPLAY: libsecret must use our session bus, never try to autolaunch one through X11.
env -u DISPLAY XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
  set -euo pipefail
  # --unlock reads the password on stdin and creates the login keyring on first use;
  # --components=secrets starts only the Secret Service (no SSH or GPG agents).
  echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"
' flotilla-with-keychain "$@"
