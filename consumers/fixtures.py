"""The repository's fixtures and schema files, read the way the Rust tests read them.

Shared by the consumer tests (`consumers/run`). A fixture is `# key: value` header lines and
then the payload byte for byte (crates/cloudpki-model/tests/common/mod.rs); its `# type:` is a
name of the generated registry (`cloudpki_model::registry::TYPES`, pairs of type name and
schema file stem), read here from crates/cloudpki-model/src/generated/registry.rs.

`python3 consumers/fixtures.py OUT.json` writes the index (every fixture with its schema stem
and OpenAPI component) for the TypeScript check.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "crates" / "cloudpki-model"
SCHEMA_DIR = MODEL / "schema"
OPENAPI = SCHEMA_DIR / "openapi.json"
FIXTURES = MODEL / "tests" / "fixtures"
REGISTRY = MODEL / "src" / "generated" / "registry.rs"

# Members a schema file has and its OpenAPI component has not (file metadata).
_FILE_ONLY_KEYS = ("$schema", "$comment", "$id", "$defs", "title")


def registry_types() -> list[tuple[str, str]]:
    """`TYPES` of registry.rs: (type name, schema file stem), in order."""
    text = REGISTRY.read_text(encoding="utf-8")
    start = text.index("pub const TYPES")
    body = text[start : text.index("];", start)]
    pairs = re.findall(r'\(\s*"([^"]+)"\s*,\s*"([^"]+)"\s*,?\s*\)', body)
    if not pairs:
        raise SystemExit(f"{REGISTRY}: no (name, stem) pairs in TYPES")
    return pairs


def openapi() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


def _as_component(schema: dict) -> dict:
    """A schema file as its OpenAPI component would be: metadata dropped, refs rewritten."""

    def rewrite(value):
        if isinstance(value, dict):
            return {
                key: (
                    item.replace("#/$defs/", "#/components/schemas/")
                    if key == "$ref" and isinstance(item, str)
                    else rewrite(item)
                )
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [rewrite(item) for item in value]
        return value

    return rewrite({k: v for k, v in schema.items() if k not in _FILE_ONLY_KEYS})


def component_of_stems() -> dict[str, str]:
    """Schema file stem -> OpenAPI component name.

    A type's own stem is its component. An alias (`GetAll...Response`) has a file but no
    component of its own: its file is its shape's schema, so it maps to the component whose
    schema is the same (a stem that matches none is left out and reported by the callers).
    """
    components = openapi()["components"]["schemas"]
    result = {}
    for _, stem in registry_types():
        if stem in components:
            result[stem] = stem
            continue
        schema = _as_component(json.loads((SCHEMA_DIR / f"{stem}.json").read_text(encoding="utf-8")))
        schema.pop("description", None)
        for name, component in components.items():
            other = dict(component)
            other.pop("description", None)
            if other == schema:
                result[stem] = name
                break
    return result


@dataclass
class Fixture:
    path: str  # relative to the repository
    kind: str  # valid | invalid
    headers: dict[str, str]
    payload: str
    type_name: str
    stem: str
    component: str | None  # None: no OpenAPI component has this fixture's schema

    @property
    def name(self) -> str:
        return Path(self.path).stem

    @property
    def schema_rejects(self) -> bool:
        return self.headers.get("schema-rejects", "").strip() == "yes"

    def value(self):
        return json.loads(self.payload)


def read_fixture(path: Path, kind: str, stems: dict[str, str], components: dict[str, str]) -> Fixture:
    text = path.read_text(encoding="utf-8")
    headers: dict[str, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        if not line.startswith("# "):
            break
        key, _, value = line[2:].rstrip("\r\n").partition(": ")
        headers[key] = value
        offset += len(line)
    type_name = headers.get("type")
    if type_name not in stems:
        raise SystemExit(f"{path}: `# type: {type_name}` is not in the registry")
    stem = stems[type_name]
    return Fixture(
        path=str(path.relative_to(ROOT)),
        kind=kind,
        headers=headers,
        payload=text[offset:],
        type_name=type_name,
        stem=stem,
        component=components.get(stem),
    )


def fixtures(kind: str) -> list[Fixture]:
    """Every `tests/fixtures/<kind>/*.fixture`, in name order."""
    stems = dict(registry_types())
    components = component_of_stems()
    return [read_fixture(p, kind, stems, components) for p in sorted((FIXTURES / kind).glob("*.fixture"))]


_DATE_TIME = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


def date_time_to_microsecond(text: str):
    """A date-time as Python keeps it: (wall clock to the microsecond, UTC offset), or the text
    itself when it is no RFC 3339 date-time. Digits past the sixth are cut, as Python's
    `datetime.fromisoformat` cuts them; `Z`, `z`, `+00:00` and `-00:00` are the same offset."""
    import datetime

    match = _DATE_TIME.match(text) if isinstance(text, str) else None
    if not match:
        return text
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    offset = "+00:00" if match["offset"] in ("Z", "z") else match["offset"]
    try:
        value = datetime.datetime.fromisoformat(f"{match['date']}T{match['time']}.{fraction}{offset}")
    except ValueError:
        return text
    return ("date-time", value.replace(tzinfo=None), value.utcoffset())


class Schemas:
    """Walks a JSON value beside its schema (OpenAPI components or one schema file)."""

    def __init__(self, document: dict, defs_prefix: str = "#/components/schemas/"):
        self.document = document
        self.prefix = defs_prefix

    def resolve(self, ref: str) -> dict:
        node = self.document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def branches(self, schema) -> list[dict]:
        """`schema` and every schema it applies through `$ref`, `allOf`, `anyOf`, `oneOf`."""
        out, todo, seen = [], [schema], set()
        while todo:
            node = todo.pop()
            if not isinstance(node, dict) or id(node) in seen:
                continue
            seen.add(id(node))
            out.append(node)
            if isinstance(node.get("$ref"), str):
                todo.append(self.resolve(node["$ref"]))
            for key in ("allOf", "anyOf", "oneOf"):
                todo.extend(node.get(key, []))
        return out

    def date_times_to_microsecond(self, value, schema):
        """`value` with every string the schema calls a date-time replaced by
        `date_time_to_microsecond` of it (what comparing "to the microsecond" means)."""
        branches = self.branches(schema)
        if isinstance(value, str):
            if any(b.get("format") == "date-time" for b in branches):
                return date_time_to_microsecond(value)
            return value
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                subs = [b["properties"][key] for b in branches if key in b.get("properties", {})]
                out[key] = self.date_times_to_microsecond(item, {"anyOf": subs})
            return out
        if isinstance(value, list):
            subs = [b["items"] for b in branches if isinstance(b.get("items"), dict)]
            return [self.date_times_to_microsecond(item, {"anyOf": subs}) for item in value]
        return value


def first_difference(expected, actual, path: str = "$") -> str | None:
    """Where two JSON values differ (`None` when they are equal), for failure messages."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                return f"{path}.{key}: missing (expected {expected[key]!r})"
            if key not in expected:
                return f"{path}.{key}: unexpected {actual[key]!r}"
            found = first_difference(expected[key], actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: {len(actual)} items, expected {len(expected)}"
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = first_difference(e, a, f"{path}[{index}]")
            if found:
                return found
        return None
    if type(expected) is not type(actual) or expected != actual:
        return f"{path}: {actual!r}, expected {expected!r}"
    return None


if __name__ == "__main__":
    index = {
        "openapi": str(OPENAPI),
        "types": registry_types(),
        "components": component_of_stems(),
        "fixtures": [dict(asdict(f), name=f.name) for kind in ("valid", "invalid") for f in fixtures(kind)],
    }
    Path(sys.argv[1]).write_text(json.dumps(index, indent=1), encoding="utf-8")
