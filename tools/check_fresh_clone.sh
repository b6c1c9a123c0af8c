#!/usr/bin/env bash
# Clone the committed main branch into a temporary folder and run CI there,
# exactly as CI does (bash .ci/run). Catches files that were never committed and
# install steps that only work on this machine.
#   tools/check_fresh_clone.sh [DEST]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$(mktemp -d /tmp/hinge-timer-fresh.XXXXXX)}"
git clone --quiet "$src" "$dest"
echo "fresh clone in $dest"
cd "$dest"
CI=true bash .ci/run
