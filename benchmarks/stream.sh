#!/usr/bin/env bash
# Streaming a page (`cloudpki_model::stream::PageReader`) against reading it at once
# (`serde_json::from_slice` into `cloudpki_model::Page<...>`), in the same run:
#
#   bash benchmarks/stream.sh          # COUNT=1000000 certificates (about 1 GB), STYLE=live, RUNS=3
#
# Generates one page with the `stream_page` example, then runs `stream_page stream` and
# `stream_page at-once` on it in turn, RUNS times each, under /usr/bin/time: the median wall time
# and peak RSS of each, and their ratio. Needs cargo and /usr/bin/time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000000}
STYLE=${STYLE:-live}
RUNS=${RUNS:-3}
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cloudpki-stream.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

cargo build --release -q -p cloudpki-model --features stream --example stream_page
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/examples/stream_page
"$BIN" generate "$COUNT" "$WORK/page.json" "$STYLE" >/dev/null
bytes=$(stat -c %s "$WORK/page.json")
cat "$WORK/page.json" >/dev/null # into the page cache for both readers

modes=(stream at-once)
for _ in $(seq 1 "$RUNS"); do
    for mode in "${modes[@]}"; do
        /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" "$mode" "$WORK/page.json" >"$WORK/out.$mode"
        cat "$WORK/time" >>"$WORK/times.$mode"
    done
done
# Both readers must have seen the same page (every line but the first, which has the time).
diff <(tail -n +2 "$WORK/out.stream") <(tail -n +2 "$WORK/out.at-once") >&2 ||
    { echo "error: the readers disagree" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A secs rss
for mode in "${modes[@]}"; do
    secs[$mode]=$(cut -d' ' -f1 "$WORK/times.$mode" | median)
    rss[$mode]=$(cut -d' ' -f2 "$WORK/times.$mode" | median)
done

echo "$(uname -sm), $(nproc) CPUs, $(rustc --version), commit $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "page: $COUNT certificates, $STYLE style, $bytes bytes; median of $RUNS runs each"
echo
echo "| reader | wall | MB/s | peak RSS |"
echo "|---|---:|---:|---:|"
for mode in "${modes[@]}"; do
    case $mode in
        stream) label="streaming (\`PageReader\`)" ;;
        at-once) label="at once (\`serde_json::from_slice\` into \`Page<_>\`)" ;;
    esac
    awk -v l="$label" -v s="${secs[$mode]}" -v b="$bytes" -v r="${rss[$mode]}" \
        'BEGIN { printf "| %s | %.2f s | %.0f | %.1f MiB |\n", l, s, b / 1e6 / s, r / 1024 }'
done
awk -v a="${secs[stream]}" -v b="${secs[at-once]}" -v c="${rss[stream]}" -v d="${rss[at-once]}" \
    'BEGIN { printf "\nstreaming / at once: wall %.2fx; peak RSS at once / streaming: %.0fx\n", a / b, d / c }'
