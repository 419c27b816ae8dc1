#!/usr/bin/env bash
# check-layers.sh - keeps spate's layer order true (docs/architecture.md, "Layers").
#
#   base < exec < logs < state < connect < stream < sql < ui < cli
#
# A file under src/<layer>/ may include headers of its own layer and of the
# layers below it, never of a layer above. A module's private headers
# (*_int.h, *_impl.h) are included only by the files of their own folder
# (subfolders included), and public headers (include/spate/) include nothing
# from src/. Exits 1 naming each offending file, line and include.
#
# Usage: scripts/check-layers.sh [ROOT]   (ROOT defaults to the repository)
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"

layers=(base exec logs state connect stream sql ui cli)
declare -A rank
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done

bad=0
report() {
    echo "check-layers: $1" >&2
    bad=1
}

# Every folder under src/ must be a known layer, so a new one is placed on purpose.
for dir in src/*/; do
    name=$(basename "$dir")
    [ -n "${rank[$name]+x}" ] || report "src/$name/ is not a layer (known: ${layers[*]})"
done

check_file() {
    local file=$1 layer=$2 line inc target
    while IFS=: read -r line inc; do
        inc=${inc#*\"}
        inc=${inc%%\"*}
        target=${inc%%/*}
        if [ "$target" != "$inc" ] && [ -n "${rank[$target]+x}" ]; then
            if [ "${rank[$target]}" -gt "${rank[$layer]}" ]; then
                report "$file:$line: includes \"$inc\": $layer may not include $target (higher layer)"
            fi
            case "$inc" in
            *_int.h | *_impl.h)
                local home
                home=$(dirname "src/$inc")
                case "$file" in
                "$home"/*) ;;
                *) report "$file:$line: includes \"$inc\": a private header of $home/" ;;
                esac
                ;;
            esac
        fi
    done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" || true)
}

while IFS= read -r file; do
    layer=${file#src/}
    layer=${layer%%/*}
    [ -n "${rank[$layer]+x}" ] && check_file "$file" "$layer"
done < <(find src -name '*.[ch]' | sort)

while IFS= read -r file; do
    if grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" | grep -v '"spate/' >/dev/null; then
        report "$file: a public header includes a private one"
    fi
done < <(find include -name '*.h' | sort)

if [ "$bad" -ne 0 ]; then
    echo "check-layers: FAILED (see docs/architecture.md, Layers)" >&2
    exit 1
fi
echo "check-layers: ok (${layers[*]})"
