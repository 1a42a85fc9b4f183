# shellcheck shell=bash
# Sourced by consumers/run and benchmarks/*.sh: the Python virtual environments and the npm tree
# of the consumer tests, under target/consumers/ (git-ignored), each rebuilt only when its pins
# (or the interpreter) change. Uses $python, $node and $npm (default python3, node, npm).
python=${python:-${PYTHON:-python3}}
node=${node:-${NODE:-node}}
npm=${npm:-${NPM:-npm}}

fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

# python_venv DIR PINS: a virtual environment in DIR with PINS/requirements.txt, every package
# pinned by PINS/constraints.txt; rebuilt only when those (or the interpreter) change.
python_venv() {
    local dir=$1 pins=$2
    local want
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "consumers: $python is missing or older than Python 3.11 (set PYTHON=...)" >&2
        return 1
    fi
    want="$(fingerprint "$pins/requirements.txt" "$pins/constraints.txt") $("$python" -c 'import sys; print(sys.version)')"
    if [[ ! -x $dir/bin/python || "$(cat "$dir/.pins" 2>/dev/null)" != "$want" ]]; then
        echo "== consumers: Python virtual environment ($dir)" >&2
        rm -rf "$dir"
        "$python" -m venv "$dir"
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
            -r "$pins/requirements.txt" -c "$pins/constraints.txt"
        printf '%s' "$want" >"$dir/.pins"
    fi
}

# npm_tree DIR: consumers/typescript/package.json with its package-lock.json installed in DIR
# (`npm ci --prefer-offline`); rebuilt only when those (or node) change.
npm_tree() {
    local dir=$1
    local want
    want="$(fingerprint consumers/typescript/package.json consumers/typescript/package-lock.json) $("$node" --version)"
    if [[ ! -d $dir/node_modules || "$(cat "$dir/.pins" 2>/dev/null)" != "$want" ]]; then
        echo "== consumers: npm packages ($dir)" >&2
        rm -rf "$dir"
        mkdir -p "$dir"
        cp consumers/typescript/package.json consumers/typescript/package-lock.json "$dir/"
        (cd "$dir" && "$npm" ci --prefer-offline --no-audit --no-fund --loglevel=error)
        printf '%s' "$want" >"$dir/.pins"
    fi
}
