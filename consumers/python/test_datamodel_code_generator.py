"""The pydantic v2 models datamodel-code-generator makes of the schema files, used as a team would.

    python test_datamodel_code_generator.py WORK_DIR

Run by consumers/run with the virtual environment's Python. It copies every schema file
(`crates/cloudpki-model/schema/*.json` but openapi.json) to WORK_DIR/schema and generates one
module per file into the package WORK_DIR/cloudpki_models in one run, with the command
README.md shows (`GENERATE` below; a failure of the generator is a failure). Then:

- Every valid fixture loads with its type's model (the model of the fixture's schema file,
  `Model.model_validate(json.loads(payload))`) and dumps back to the same JSON
  (`model_dump(mode="json", by_alias=True, exclude_unset=True)`, date-times compared to the
  microsecond).
- Every invalid fixture marked `# schema-rejects: yes` raises `pydantic.ValidationError`,
  except those in `NOT_SEEN` (what pydantic cannot see, each with the reason), which are checked
  to be still accepted, so the list and README.md stay true.

Prints `datamodel-code-generator: N passed, M failed` (`, K skipped` for `NOT_SEEN`); each
failure names the fixture and the generator's (pydantic's) message. Exits 1 when anything failed.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import fixtures as repo  # noqa: E402
import pydantic  # noqa: E402

WORK = Path(sys.argv[1]).resolve()
PACKAGE = "cloudpki_models"
GENERATE = [
    "datamodel-codegen", "--input", str(WORK / "schema"), "--input-file-type", "jsonschema",
    "--output-model-type", "pydantic_v2.BaseModel", "--output", str(WORK / PACKAGE),
    # An absent property is not `null`: without these two, every property not in `required`
    # is `X | None = None` and takes `null` where the schema forbids it.
    "--use-missing-sentinel", "--target-pydantic-version", "2.14",
    # pydantic's lax mode turns "1" into 1 and 1 into True; the schema does not.
    "--strict-types", "str", "int", "bool",
    # Class names from the schemas' titles: `...KnownMembers` for the known members of an
    # enum, `SingleEntity...Wrapper`, no numbered duplicates.
    "--use-title-as-name",
    "--formatters", "builtin", "--disable-timestamp",
]  # fmt: skip

# Invalid fixtures (`schema-rejects: yes`) that the generated models accept, and why.
NOT_SEEN = {
    "date-with-ten-fraction-digits": "pydantic's datetime ignores the schema's `pattern` and "
    "takes any number of fraction digits (it keeps six)",
    "revoke-response-value-is-null": "datamodel-code-generator does not enforce the bare "
    "entity's never-present `value` (an `allOf` of a string and an integer), so "
    '`{"value": null}` loads as a bare entity with an unknown property',
    "revoke-response-wrapped-entity-is-mistyped": "the same: the mistyped wrapper loads as a bare "
    "entity with an unknown `value`",
}


def generate() -> str | None:
    """Runs the generator; its complaint, if any."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "schema").mkdir(parents=True)
    for path in sorted(repo.SCHEMA_DIR.glob("*.json")):
        if path != repo.OPENAPI:
            shutil.copy(path, WORK / "schema" / path.name)
    bin_dir = Path(sys.executable).parent
    command = [str(bin_dir / GENERATE[0]), *GENERATE[1:]]
    done = subprocess.run(command, cwd=WORK, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        return f"`{' '.join(GENERATE)}` exited {done.returncode}: {(done.stdout + done.stderr).strip()[-2000:]}"
    # Warnings (deprecations, naming hints) are the generator's advice, printed for a reader.
    for line in done.stderr.splitlines():
        if "Warning" in line:
            print(f"note: datamodel-codegen: {line.strip()}")
    sys.path.insert(0, str(WORK))
    return None


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def model_of(stem: str):
    """The root model of `schema/<stem>.json`: the class of module `<stem>` named after the
    file's title."""
    module = importlib.import_module(f"{PACKAGE}.{stem}")
    schema = json.loads((repo.SCHEMA_DIR / f"{stem}.json").read_text(encoding="utf-8"))
    wanted = _key(schema.get("title", stem))
    for name, value in vars(module).items():
        if isinstance(value, type) and issubclass(value, pydantic.BaseModel) and _key(name) == wanted:
            return value
    raise LookupError(f"datamodel-code-generator made no model named after {schema.get('title')!r} in {stem}.py")


def message(error: Exception) -> str:
    if isinstance(error, pydantic.ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "$"
        return f"ValidationError ({error.error_count()} errors), first at {where}: {first['msg']}"
    return f"{type(error).__name__}: {error}"


def main() -> int:
    results: list[tuple[str, str | None]] = []
    skipped: list[str] = []

    def record(name: str, failure: str | None) -> None:
        results.append((name, failure))
        if failure:
            print(f"FAIL {name}: {failure}")

    complaint = generate()
    record("generate the models", complaint)
    if complaint:
        print("datamodel-code-generator: 0 passed, 1 failed")
        return 1

    for fixture in repo.fixtures("valid"):
        try:
            model = model_of(fixture.stem)
            loaded = model.model_validate(fixture.value())
            dumped = loaded.model_dump(mode="json", by_alias=True, exclude_unset=True)
        except Exception as error:  # noqa: BLE001
            record(fixture.path, message(error))
            continue
        schema = repo.Schemas(json.loads((repo.SCHEMA_DIR / f"{fixture.stem}.json").read_text(encoding="utf-8")))
        expected = schema.date_times_to_microsecond(fixture.value(), schema.document)
        actual = schema.date_times_to_microsecond(dumped, schema.document)
        difference = repo.first_difference(expected, actual)
        record(fixture.path, difference and f"model_dump() differs from the fixture at {difference}")

    for fixture in repo.fixtures("invalid"):
        if not fixture.schema_rejects:
            continue  # `# schema-rejects: no: <why>`: no JSON Schema tool can see it
        why = NOT_SEEN.get(fixture.name)
        try:
            model = model_of(fixture.stem)
            loaded = model.model_validate(fixture.value())
        except pydantic.ValidationError as error:
            if why:
                record(fixture.path, f"now rejected ({message(error)}): take it out of NOT_SEEN and README.md")
            else:
                record(fixture.path, None)
            continue
        except Exception as error:  # noqa: BLE001
            record(fixture.path, message(error))
            continue
        if why:
            skipped.append(fixture.path)
            print(f"known: {fixture.path}: accepted: {why}")
        else:
            record(fixture.path, f"accepted (schema-rejects: yes): {loaded!r}"[:400])

    failed = sum(1 for _, failure in results if failure)
    tail = f", {len(skipped)} skipped" if skipped else ""
    print(f"datamodel-code-generator: {len(results) - failed} passed, {failed} failed{tail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
