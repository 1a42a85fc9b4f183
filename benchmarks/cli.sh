#!/usr/bin/env bash
# Benchmarks: the `cloudpki` CLI against `cloudpki-fake`, on loopback only.
#
#   bash benchmarks/cli.sh            # every case (a few minutes)
#   CASES=list bash benchmarks/cli.sh
#   CASES=startup bash benchmarks/cli.sh
#   CASES="cli fixed" RATES="20" bash benchmarks/cli.sh
#
# (a) list:  the 100,000 certificates of one CA, `cloudpki -o ndjson cert list --ca <id>` beside
#            Microsoft's generated Python SDK (msgraph-beta-sdk and its PageIterator,
#            benchmarks/list_msgraph.py, in target/consumers/msgraph-venv; the first SDK_MAX=5000
#            only, by default) on the same fake, in turn: wall time, certificates per second, peak
#            RSS (/usr/bin/time), pages.
# (s) startup: `cloudpki-fake --certs 100000` (two issuing CAs of 100,000 leaves each) from the
#            start of the process until its --env-file is written (no competitor: Microsoft has
#            no fake of this service).
# (b) cli:   bulk revocation of 30 x R active certificates under `--throttle R` (429 without
#            Retry-After past R requests per second) and `--latency 150ms`, with the CLI's
#            default settings (`cloudpki cert revoke --ca <id> --from ids --yes`).
# (c) fixed: the same with the client's window fixed at 16 requests in flight (`--concurrency 16`
#            caps the adaptive window; the model of a fixed-concurrency client such as Kiota's).
# The client's own benchmark of its window (six throttles and round trips, adaptive beside fixed):
#   cargo run --release -p cloudpki-client --example throttle_bench
#
# Needs: cargo, jq, /usr/bin/time (Debian package `time`), curl; python3 (3.11 or later) for list.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
CASES=${CASES:-"list startup cli fixed"}
RATES=${RATES:-"20 100"}
LIST_CERTS=${LIST_CERTS:-100000}
LIST_RUNS=${LIST_RUNS:-3}
SDK_MAX=${SDK_MAX:-5000} # the SDK stops after these (about 100 a second; SDK_MAX=100000: 20 minutes)
PAGE_SIZE=500 # the CLI's default, sent by both listers
STARTUP_CERTS=${STARTUP_CERTS:-100000}
LATENCY=${LATENCY:-150ms}
CONCURRENCY=16 # the fixed window of the `fixed` case
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cloudpki-bench.XXXXXX")

for tool in jq curl; do
    command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }

echo "building release binaries..." >&2
cargo build --release -q -p cloudpki-cli -p cloudpki-fake
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
CLI=$TARGET/release/cloudpki
FAKE=$TARGET/release/cloudpki-fake

FAKE_PID=""
stop_fake() {
    if [ -n "$FAKE_PID" ]; then
        kill "$FAKE_PID" 2>/dev/null || true
        wait "$FAKE_PID" 2>/dev/null || true
        FAKE_PID=""
    fi
}
trap 'stop_fake; rm -rf "$WORK"' EXIT

# start_fake ARGS...: starts the fake on 127.0.0.1 port 0; sets BASE, ADMIN, GRAPH_TOKEN, CA.
start_fake() {
    : >"$WORK/fake.out"
    "$FAKE" --addr 127.0.0.1:0 "$@" >"$WORK/fake.out" 2>"$WORK/fake.err" &
    FAKE_PID=$!
    for _ in $(seq 1 600); do
        [ "$(wc -l <"$WORK/fake.out")" -ge 2 ] && break
        kill -0 "$FAKE_PID" 2>/dev/null || { cat "$WORK/fake.err" >&2; exit 1; }
        sleep 0.1
    done
    BASE=$(sed -n 1p "$WORK/fake.out")
    GRAPH_TOKEN=$(sed -n 2p "$WORK/fake.out" | sed 's/^token: //')
    export GRAPH_TOKEN
    ADMIN=${BASE%/beta}/_fake
    # The issuing CA (the root comes first and has no leaf certificates).
    CA=$("$CLI" --base-url "$BASE" -o ndjson ca list |
        jq -r 'select(.cloudCertificationAuthorityType == "issuingCertificationAuthority") | .id' |
        head -n 1)
}

stats() { curl -s "$ADMIN/stats"; }

now() { date +%s.%N; }

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

ROWS_LIST=()
ROWS_REVOKE=()
ROWS_STARTUP=()

# list_once LABEL COMMAND...: one listing of the CA's certificates under /usr/bin/time; appends
# "wall rss count pages" to $WORK/list.LABEL.
list_once() {
    local label=$1 t0 t1 count pages
    shift
    curl -s -X POST "$ADMIN/stats/reset" >/dev/null
    t0=$(now)
    /usr/bin/time -f '%M' -o "$WORK/time.txt" "$@" >"$WORK/list.out"
    t1=$(now)
    pages=$(stats | jq '.requests.listCloudCertificationAuthorityLeafCertificates')
    if [ "$label" = cli ]; then count=$(wc -l <"$WORK/list.out"); else count=$(cat "$WORK/list.out"); fi
    echo "$(calc "$t1 - $t0") $(cat "$WORK/time.txt") $count $pages" >>"$WORK/list.$label"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# The CLI and Microsoft's generated Python SDK (msgraph-beta-sdk, its PageIterator) list the same
# certificates from the same fake, in turn, LIST_RUNS times each, with the same page size; the SDK
# stops after the first SDK_MAX of them.
case_list() {
    local sdk_venv=$ROOT/target/consumers/msgraph-venv
    # shellcheck source=consumers/env.sh
    . "$ROOT/consumers/env.sh"
    python_venv "$sdk_venv" "$ROOT/consumers/msgraph"
    start_fake --cas 1 --certs "$LIST_CERTS"
    local _ label
    for _ in $(seq 1 "$LIST_RUNS"); do
        list_once cli "$CLI" --base-url "$BASE" --page-size "$PAGE_SIZE" -o ndjson cert list --ca "$CA"
        list_once sdk "$sdk_venv/bin/python" "$ROOT/benchmarks/list_msgraph.py" "$BASE" "$GRAPH_TOKEN" "$CA" "$PAGE_SIZE" "$SDK_MAX"
    done
    stop_fake
    for label in cli sdk; do
        local wall rss count pages name
        wall=$(cut -d' ' -f1 "$WORK/list.$label" | median)
        rss=$(cut -d' ' -f2 "$WORK/list.$label" | median)
        count=$(cut -d' ' -f3 "$WORK/list.$label" | sort -u | tr '\n' ' ')
        pages=$(cut -d' ' -f4 "$WORK/list.$label" | sort -u | tr '\n' ' ')
        if [ "$label" = cli ]; then name="\`cloudpki -o ndjson cert list\`"; else name="msgraph-beta-sdk (Python), PageIterator"; fi
        ROWS_LIST+=("| $name | ${count% } | $(printf '%.2f' "$wall") s | $(printf '%.0f' "$(calc "${count%% *} / $wall")") | $(printf '%.1f' "$(calc "$rss / 1024")") MiB | ${pages% } |")
    done
}

# The fake's start-up: from the start of the process until --env-file is written (after the seeded
# data, the CA certificates and the listening socket are ready), LIST_RUNS times.
case_startup() {
    local _ t0 t1
    : >"$WORK/startup"
    for _ in $(seq 1 "$LIST_RUNS"); do
        rm -f "$WORK/fake.env"
        t0=$(now)
        "$FAKE" --addr 127.0.0.1:0 --certs "$STARTUP_CERTS" --env-file "$WORK/fake.env" >/dev/null 2>"$WORK/fake.err" &
        FAKE_PID=$!
        local waited=0
        until [ -s "$WORK/fake.env" ]; do
            kill -0 "$FAKE_PID" 2>/dev/null || { cat "$WORK/fake.err" >&2; exit 1; }
            waited=$((waited + 1))
            [ "$waited" -le 6000 ] || { echo "error: cloudpki-fake not ready after 60 s" >&2; exit 1; }
            sleep 0.01
        done
        t1=$(now)
        stop_fake
        calc "$t1 - $t0" >>"$WORK/startup"
        echo >>"$WORK/startup"
    done
    ROWS_STARTUP+=("| \`cloudpki-fake --certs $STARTUP_CERTS\` (release) | $((2 * STARTUP_CERTS)) | $(printf '%.2f' "$(median <"$WORK/startup")") s | none: Microsoft has no fake of this service |")
}

# revoke_case KIND R: KIND is cli (defaults: the adaptive window) or fixed (--concurrency 16).
revoke_case() {
    local kind=$1 rate=$2 n certs
    n=$((30 * rate))
    certs=$((n * 13 / 10 + 50)) # about 85 % of seeded certificates are active
    start_fake --cas 1 --certs "$certs" --throttle "$rate" --latency "$LATENCY"
    # The targets: the first 30 x R active certificates (a listing before the clock starts).
    "$CLI" --base-url "$BASE" -o ndjson cert list --ca "$CA" --status active >"$WORK/active.ndjson"
    jq -r .id "$WORK/active.ndjson" | head -n "$n" >"$WORK/ids" || true
    [ "$(wc -l <"$WORK/ids")" -eq "$n" ] || { echo "error: fewer than $n active certificates" >&2; exit 1; }
    sleep 1.5 # let the throttle's window empty
    curl -s -X POST "$ADMIN/stats/reset" >/dev/null
    local t0 t1 status=0 lost=0
    t0=$(now)
    if [ "$kind" = cli ]; then
        "$CLI" --base-url "$BASE" cert revoke --ca "$CA" --from "$WORK/ids" --yes >"$WORK/out" 2>"$WORK/err" || status=$?
    else
        "$CLI" --base-url "$BASE" --concurrency "$CONCURRENCY" cert revoke --ca "$CA" --from "$WORK/ids" --yes >"$WORK/out" 2>"$WORK/err" || status=$?
    fi
    t1=$(now)
    stats >"$WORK/stats.json"
    stop_fake
    local wall floor ratio throttled per other once twice missing extra
    wall=$(calc "$t1 - $t0")
    floor=$(calc "$n / $rate")
    ratio=$(calc "$wall / $floor")
    throttled=$(jq '.throttled' "$WORK/stats.json")
    per=$(calc "$throttled / $n")
    other=$(jq '[.requests | to_entries[] | select(.key != "revokeLeafCertificate") | .value] | add // 0' "$WORK/stats.json")
    # Exactly once: every target revoked once, nothing else revoked.
    jq -R . "$WORK/ids" | jq -s . >"$WORK/ids.json"
    once=$(jq --slurpfile ids "$WORK/ids.json" '[$ids[0][] as $id | select(.revocations[$id] == 1)] | length' "$WORK/stats.json")
    twice=$(jq '[.revocations[] | select(. > 1)] | length' "$WORK/stats.json")
    missing=$(jq --slurpfile ids "$WORK/ids.json" '[$ids[0][] as $id | select((.revocations[$id] // 0) == 0)] | length' "$WORK/stats.json")
    extra=$(jq --slurpfile ids "$WORK/ids.json" '(.revocations | keys) - $ids[0] | length' "$WORK/stats.json")
    lost=$missing
    local label
    if [ "$kind" = cli ]; then label="CLI defaults (adaptive)"; else label="fixed window of $CONCURRENCY"; fi
    ROWS_REVOKE+=("| $label | $rate | $n | $(printf '%.1f' "$wall") s | $(printf '%.0f' "$floor") s | **$(printf '%.3f' "$ratio")** | $throttled | **$(printf '%.3f' "$per")** | $lost | $once / $twice / $extra | $other | $status |")
}

for c in $CASES; do
    case $c in
        list) case_list ;;
        startup) case_startup ;;
        cli | fixed) for r in $RATES; do revoke_case "$c" "$r"; done ;;
        *) echo "unknown case $c" >&2; exit 2 ;;
    esac
done

echo
echo "$(uname -sm), $(nproc) CPUs, $(rustc --version), commit $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ${#ROWS_LIST[@]} -gt 0 ]; then
    echo
    echo "median of $LIST_RUNS runs each, page size $PAGE_SIZE"
    echo
    echo "| lister | certificates | wall | certificates/s | peak RSS | pages |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS_LIST[@]}"
fi
if [ ${#ROWS_STARTUP[@]} -gt 0 ]; then
    echo
    echo "median of $LIST_RUNS runs"
    echo
    echo "| fake | leaf certificates | ready in | beside it |"
    echo "|---|---:|---:|---|"
    printf '%s\n' "${ROWS_STARTUP[@]}"
fi
if [ ${#ROWS_REVOKE[@]} -gt 0 ]; then
    echo
    echo "| client | R | revocations | wall | floor | wall / floor | throttled | throttled / revocation | lost | revoked once / twice / non-targets | other requests | exit |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
    printf '%s\n' "${ROWS_REVOKE[@]}"
fi
