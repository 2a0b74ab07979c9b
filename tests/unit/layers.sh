#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The compiler checks the layers of docs/architecture.md: each lib's folder is
# on the include path only of the targets that depend on that lib. This test
# checks what would let a file reach around it:
# - an #include with a folder in it ("../load/client.h"), which is resolved
#   against the including file's folder rather than the declared dependencies;
# - two headers of the same name under lib/ and app/: a flat #include would
#   get whichever folder comes first on the include path;
# - a lib's meson.build that compiles another lib's source.
#   tests/unit/layers.sh [SOURCE_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
bad=0
cd "$root"

while IFS= read -r hit; do
	echo "FAIL: $hit: an #include names a folder; use the header's name and a dependency"
	bad=1
done < <(grep -rnHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' lib app || true)

while IFS= read -r name; do
	echo "FAIL: more than one header is called $name:" $(find lib app -name "$name")
	bad=1
done < <(find lib app -name '*.h' -printf '%f\n' | sort | uniq -d)

for build in lib/*/meson.build; do
	while IFS= read -r hit; do
		echo "FAIL: $build:$hit: compiles another lib's source"
		bad=1
	done < <(grep -nE "'\.\./[a-z_]+/[^']*\.c'" "$build" || true)
done
[ "$bad" = 0 ] || exit 1
echo PASS
