#!/usr/bin/env bash
# scripts/check-format.sh - the C sources' formatting against .clang-format.
#
#   scripts/check-format.sh            check: exits 1 naming each file that
#                                      clang-format would change (make test)
#   scripts/check-format.sh --fix      format them in place (make format)
#   scripts/check-format.sh --list     print the files checked, one a line
#
# The set: include/spate/*.h and every .c/.h under src, examples, tests/unit
# and bench (found with find: the directories gain subfolders). tests/fuzz is
# left out on purpose: libFuzzer entry points keep their upstream layout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fmt="${CLANG_FORMAT:-clang-format}"
command -v "$fmt" >/dev/null ||
  { echo "check-format: $fmt not found (Debian: clang-format; make deps installs it)" >&2; exit 2; }

files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
  { find include/spate -maxdepth 1 -type f -name '*.h' -print0
    find src examples tests/unit bench -type f \( -name '*.c' -o -name '*.h' \) -print0
  } | sort -z)

case "${1:-}" in
  --list) printf '%s\n' "${files[@]}"; exit 0 ;;
  --fix) "$fmt" -i "${files[@]}"; exit 0 ;;
  "") ;;
  *) echo "usage: scripts/check-format.sh [--fix|--list]" >&2; exit 2 ;;
esac

# One clang-format run over all files (one per file costs 20 s); each
# violation is reported as "FILE:LINE:COL: error: ...".
status=0
report="$("$fmt" --dry-run -Werror "${files[@]}" 2>&1 >/dev/null)" || status=$?
bad=()
if [ "$status" -ne 0 ]; then
  while IFS= read -r f; do bad+=("$f"); done < <(
    sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*clang-format.*/\1/p' <<<"$report" | sort -u)
  # An error of another kind (a file clang-format cannot read): show it whole.
  [ ${#bad[@]} -gt 0 ] || { echo "$report" >&2; exit 1; }
fi
if [ ${#bad[@]} -gt 0 ]; then
  echo "check-format: ${#bad[@]} of ${#files[@]} files are not clang-formatted ($("$fmt" --version | sed 's/.*version //')):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "check-format: run 'make format' (or clang-format -i FILE), then look at the diff" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files clang-formatted"
