#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The file names of docs/architecture.md: words joined by '-', one role
# suffix _test, _fuzz or _bench, and a private header spelled NAME-priv.h.
#   tests/unit/file-names.sh [SOURCE_ROOT]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
bad=0
while IFS= read -r f; do
	stem=$(basename "${f%.*}")
	stem=${stem%_test}
	stem=${stem%_fuzz}
	stem=${stem%_bench}
	case $stem in
	*_*) echo "FAIL: $f: join words with '-'"; bad=1 ;;
	esac
	case $f in
	*internal*.h | *[_-]private.h | *_priv.h) echo "FAIL: $f: a private header is NAME-priv.h"; bad=1 ;;
	esac
done < <(git ls-files -- 'lib/*.[ch]' 'app/*.[ch]' 'tests/*.[ch]' 2>/dev/null ||
	find lib app tests -name '*.[ch]')
[ "$bad" = 0 ] || exit 1
echo PASS
