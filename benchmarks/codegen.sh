#!/usr/bin/env bash
# Code generation and compile time, ours beside the mainstream generators on our committed
# schemas, in the same run:
#
#   bash benchmarks/codegen.sh          # RUNS=5 (median of RUNS, after one warm-up run each)
#
# Generation: `cargo xtask codegen --check` and the xtask binary alone (specs/ to the Rust model,
# the JSON Schema files and openapi.json, compared with the committed files) beside
# datamodel-code-generator (schema/*.json to pydantic models), openapi-python-client and
# openapi-typescript (schema/openapi.json to a Python client, to TypeScript declarations), with
# the options consumers/python/*.py and consumers/typescript/check.mjs use.
# Compile: the model crate alone (debug, CARGO_INCREMENTAL=0, dependencies built: `cargo clean -p
# cloudpki-model` then `cargo build -p cloudpki-model`) with default, `http` and all features,
# beside `tsc --strict --noEmit` on what openapi-typescript generated and importing what
# datamodel-code-generator generated (pydantic builds its validators then).
# Installs the generators like consumers/run does (consumers/env.sh, under target/consumers/).
# Needs: cargo, python3 (3.11 or later), node and npm, bc.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SCHEMA=$ROOT/crates/cloudpki-model/schema
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cloudpki-codegen.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

export PYTHONDONTWRITEBYTECODE=1
# shellcheck source=consumers/env.sh
. consumers/env.sh
venv=$ROOT/target/consumers/venv
npm_dir=$ROOT/target/consumers/npm
python_venv "$venv" consumers/python
npm_tree "$npm_dir"
cargo build -q -p xtask

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed [--before CMD] NAME CMD...: one warm-up, then RUNS timed runs of CMD (each after CMD of
# --before, untimed); sets T[NAME] to the median wall time in seconds. Output goes to $WORK/log.
declare -A T
timed() {
    local before=: name _ t0 t1
    if [ "$1" = --before ]; then before=$2; shift 2; fi
    name=$1
    shift
    : >"$WORK/times"
    for _ in $(seq 0 "$RUNS"); do
        $before >>"$WORK/log" 2>&1
        t0=$(now)
        "$@" >>"$WORK/log" 2>&1 || { echo "error: $* failed:" >&2; tail -n 20 "$WORK/log" >&2; exit 1; }
        t1=$(now)
        echo "$t1 - $t0" | bc >>"$WORK/times"
    done
    T[$name]=$(tail -n +2 "$WORK/times" | median)
}

# --- generation ----------------------------------------------------------------------------------
mkdir -p "$WORK/jsonschema" "$WORK/ts"
cp "$SCHEMA"/*.json "$WORK/jsonschema/"
rm "$WORK/jsonschema/openapi.json"

timed cargo-xtask cargo xtask codegen --check
timed xtask "$TARGET/debug/xtask" codegen --check
datamodel() {
    rm -rf "$WORK/dm" && mkdir -p "$WORK/dm" && (cd "$WORK/dm" &&
        "$venv/bin/datamodel-codegen" --input "$WORK/jsonschema" --input-file-type jsonschema \
            --output-model-type pydantic_v2.BaseModel --output "$WORK/dm/cloudpki_models" \
            --use-missing-sentinel --target-pydantic-version 2.14 --strict-types str int bool \
            --use-title-as-name --formatters builtin --disable-timestamp)
}
timed datamodel datamodel
python_client() {
    rm -rf "$WORK/opc" && mkdir -p "$WORK/opc" && (cd "$WORK/opc" && PATH=$venv/bin:$PATH \
        openapi-python-client generate --path "$SCHEMA/openapi.json" --meta none \
        --output-path "$WORK/opc/cloudpki_client")
}
timed python-client python_client
timed openapi-typescript "$npm_dir/node_modules/.bin/openapi-typescript" "$SCHEMA/openapi.json" -o "$WORK/ts/schema.d.ts"

lines() { find "$@" -type f -name "$PATTERN" -exec cat {} + | wc -l; }
L_ours=$(cat crates/cloudpki-model/src/generated/*.rs | wc -l)
L_dm=$(PATTERN='*.py' lines "$WORK/dm")
L_opc=$(PATTERN='*.py' lines "$WORK/opc")
L_ts=$(wc -l <"$WORK/ts/schema.d.ts")

# --- compile -------------------------------------------------------------------------------------
export CARGO_INCREMENTAL=0
clean_model() { cargo clean -q -p cloudpki-model --profile dev; }
timed --before clean_model model-default cargo build -q -p cloudpki-model
timed --before clean_model model-http cargo build -q -p cloudpki-model --features http
timed --before clean_model model-all cargo build -q -p cloudpki-model --all-features
cat >"$WORK/ts/tsconfig.json" <<'JSON'
{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
 "moduleResolution": "bundler", "lib": ["es2022"], "types": [], "skipLibCheck": false},
 "include": ["schema.d.ts"]}
JSON
timed tsc "$node" "$npm_dir/node_modules/typescript/bin/tsc" -p "$WORK/ts/tsconfig.json" --pretty false
timed pydantic-import env PYTHONPATH="$WORK/dm" "$venv/bin/python" -c 'import importlib, pkgutil, cloudpki_models as p
for m in pkgutil.walk_packages(p.__path__, p.__name__ + "."): importlib.import_module(m.name)'

# --- the tables ----------------------------------------------------------------------------------
ms() { awk -v s="${T[$1]}" 'BEGIN { printf "%.0f ms", s * 1000 }'; }
s2() { awk -v s="${T[$1]}" 'BEGIN { printf "%.2f s", s }'; }
echo "$(uname -sm), $(nproc) CPUs, $(rustc --version), node $("$node" --version), $("$venv/bin/python" --version)"
echo "commit $(git rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS runs after one warm-up"
echo
echo "| generator | input -> output | wall | generated lines |"
echo "|---|---|---:|---:|"
echo "| \`cargo xtask codegen --check\` (ours) | specs/*.yaml -> Rust model, JSON Schema, OpenAPI (compared, not written) | $(ms cargo-xtask) | $L_ours (Rust) |"
echo "| \`target/debug/xtask codegen --check\` (ours, the binary alone) | the same | $(ms xtask) | |"
echo "| datamodel-code-generator | schema/*.json -> pydantic v2 models | $(ms datamodel) | $L_dm (Python) |"
echo "| openapi-python-client | schema/openapi.json -> Python client | $(ms python-client) | $L_opc (Python) |"
echo "| openapi-typescript | schema/openapi.json -> TypeScript declarations | $(ms openapi-typescript) | $L_ts (TypeScript) |"
echo
echo "| compile | wall |"
echo "|---|---:|"
echo "| cloudpki-model alone, debug, default features | $(s2 model-default) |"
echo "| cloudpki-model alone, debug, \`--features http\` | $(s2 model-http) |"
echo "| cloudpki-model alone, debug, \`--all-features\` | $(s2 model-all) |"
echo "| \`tsc --strict --noEmit\` on openapi-typescript's schema.d.ts | $(s2 tsc) |"
echo "| importing datamodel-code-generator's models (pydantic builds its validators) | $(s2 pydantic-import) |"
