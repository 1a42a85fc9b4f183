"""The client openapi-python-client generates from schema/openapi.json, used as a team would.

    python test_openapi_python_client.py WORK_DIR

Run by consumers/run with the virtual environment's Python. It generates the client into
WORK_DIR (emptied first), exactly as README.md shows:

    openapi-python-client generate --path crates/cloudpki-model/schema/openapi.json \
        --meta none --output-path WORK_DIR/cloudpki_client

(a warning or error of the generator is a failure), then:

1. A loopback server (http.server on 127.0.0.1, a free port, in a thread) serves a CA's leaf
   certificates over several pages, built from the valid fixtures' leaf certificates, each
   page's `@odata.nextLink` pointing at the next one on the same server, and
   `revokeLeafCertificate`. The generated API functions list every page (the first with
   `list_cloud_certification_authority_leaf_certificates.sync`, the next ones by getting the
   `@odata.nextLink` through the generated client's httpx client and parsing the answer with the
   same module's generated response parser) and revoke one certificate.
2. Every valid fixture whose type has an OpenAPI component loads through the generated models
   (`from_dict`, or for a union component the generated response parser of an operation that
   answers it) and comes back the same (`to_dict`), date-times compared to the microsecond.

Prints `openapi-python-client: N passed, M failed`; each failure names the fixture (or the
check) and the generator's message. Exits 1 when anything failed.
"""

from __future__ import annotations

import copy
import enum
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import fixtures as repo  # noqa: E402
import httpx  # noqa: E402

WORK = Path(sys.argv[1]).resolve()
GENERATE = [
    "openapi-python-client", "generate", "--path", str(repo.OPENAPI),
    "--meta", "none", "--output-path", str(WORK / "cloudpki_client"),
]  # fmt: skip


def generate() -> str | None:
    """Runs the generator; its complaint, if any."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    bin_dir = str(Path(sys.executable).parent)  # the generator and ruff, which it runs, are here
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    done = subprocess.run(GENERATE, cwd=WORK, env=env, capture_output=True, text=True, timeout=300)
    said = (done.stdout + done.stderr).strip()
    if done.returncode != 0 or re.search(r"(Warning|Error)\(s\) encountered", said):
        return f"`{' '.join(GENERATE)}` exited {done.returncode}: {said[-2000:]}"
    return None


_complaint = generate()
if _complaint:
    print(f"FAIL generate the client: {_complaint}")
    print("openapi-python-client: 0 passed, 1 failed")
    sys.exit(1)
sys.path.insert(0, str(WORK))

from cloudpki_client import AuthenticatedClient, models  # noqa: E402
from cloudpki_client.types import UNSET  # noqa: E402

DOCUMENT = repo.openapi()
SCHEMAS = repo.Schemas(DOCUMENT)
LEAF = "CloudCertificationAuthorityLeafCertificate"
TOKEN = "consumer-test-token"
CA_ID = "3b1d6c3e-0f4a-4c2b-9d7e-8a5f1e2c4b6d"
PAGE_SIZE = 4

results: list[tuple[str, str | None]] = []  # (name, failure message or None)


def check(name: str, run) -> None:
    try:
        message = run()
    except Exception as error:  # noqa: BLE001 - the generator's message is the point
        frames = traceback.extract_tb(error.__traceback__)
        where = next(
            (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames) if "cloudpki_client" in f.filename), ""
        )
        message = f"{type(error).__name__}: {error}" + (f" (at {where})" if where else "")
    results.append((name, message))
    if message:
        print(f"FAIL {name}: {message}")


def normalized(value, component: str):
    return SCHEMAS.date_times_to_microsecond(value, {"$ref": f"#/components/schemas/{component}"})


def same(expected, actual, component: str) -> str | None:
    difference = repo.first_difference(normalized(expected, component), normalized(actual, component))
    return difference and f"to_dict() differs from the fixture at {difference}"


# --- which generated code loads a component ------------------------------------------------


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


MODEL_CLASSES = {_key(name): getattr(models, name) for name in models.__all__}


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def _response_parsers() -> dict[str, tuple[object, int]]:
    """Component -> (generated API module, status) of an operation that answers it."""
    parsers = {}
    for item in DOCUMENT["paths"].values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                component = ref.removeprefix("#/components/schemas/")
                if status.isdigit() and component and component not in parsers:
                    try:
                        module = importlib.import_module(
                            f"cloudpki_client.api.default.{_snake(operation['operationId'])}"
                        )
                    except ImportError:
                        continue  # named otherwise: another operation may answer the component
                    parsers[component] = (module, int(status))
    return parsers


RESPONSE_PARSERS = _response_parsers()
PARSE_CLIENT = AuthenticatedClient(base_url="http://127.0.0.1:9", token=TOKEN)


def _to_json(value):
    """A parsed value back to JSON: `to_dict()` for models, the text of an enum member."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "value") and isinstance(value, str):  # a generated StrEnum member
        return value.value
    return value


def load(component: str, payload):
    """The payload through the generated code for `component`, and back to JSON."""
    cls = MODEL_CLASSES.get(_key(component))
    if cls is not None and hasattr(cls, "from_dict"):
        return cls.from_dict(copy.deepcopy(payload)).to_dict()
    if component in RESPONSE_PARSERS:
        # A union (SingleEntity_*: wrapper or bare entity) has no class of its own; the generated
        # operation parses it with the union's branches in order.
        module, status = RESPONSE_PARSERS[component]
        response = httpx.Response(
            status, content=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        return _to_json(module._parse_response(client=PARSE_CLIENT, response=response))
    known = MODEL_CLASSES.get(_key(component + "KnownMembers"))
    if known is not None:
        # An evolvable enum: the generated properties parse a known member into the enum class
        # and keep any other string as `str`; the same here.
        try:
            return known(payload).value
        except ValueError:
            return payload
    raise LookupError(f"openapi-python-client generated nothing that loads the component {component}")


# --- the loopback server ----------------------------------------------------------------------


def leaf_certificates() -> list[dict]:
    """Every leaf certificate in the valid fixtures, in fixture order."""
    items = []
    for fixture in repo.fixtures("valid"):
        value = fixture.value()
        if fixture.component == LEAF:
            items.append(value)
        elif fixture.component == f"Page_{LEAF}":
            items.extend(value["value"])
        elif fixture.component == f"SingleEntity_{LEAF}":
            items.append(value["value"] if "value" in value else value)
    return items


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, items: list[dict]):
        super().__init__(("127.0.0.1", 0), Handler)
        self.items = items
        self.base = f"http://127.0.0.1:{self.server_address[1]}/beta"
        self.collection = (
            f"/beta/deviceManagement/cloudCertificationAuthority/{CA_ID}/cloudCertificationAuthorityLeafCertificate"
        )
        self.pages = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)]
        self.requests: list[tuple[str, str, bytes]] = []
        self.revoked: list[str] = []

    def page(self, index: int) -> dict:
        body = {
            "@odata.context": f"{self.base}/$metadata#deviceManagement/cloudCertificationAuthority('{CA_ID}')/cloudCertificationAuthorityLeafCertificate",
            "value": self.pages[index],
        }
        if index == 0:
            body["@odata.count"] = len(self.items)
        if index + 1 < len(self.pages):
            body["@odata.nextLink"] = (
                f"http://127.0.0.1:{self.server_address[1]}{self.collection}?$skiptoken=page-{index + 1}"
            )
        return body


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args):  # quiet
        pass

    def answer(self, status: int, body: dict | None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status: int, code: str, message: str) -> None:
        self.answer(
            status,
            {
                "error": {
                    "code": code,
                    "message": message,
                    "innerError": {"request-id": "r-1", "date": "2026-07-20T13:52:25"},
                }
            },
        )

    def authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.error(401, "Unauthorized", "no bearer token")
            return False
        return True

    def do_GET(self):
        url = urlsplit(self.path)
        self.server.requests.append(("GET", self.path, b""))
        if not self.authorized():
            return
        if url.path != self.server.collection:
            return self.error(404, "ResourceNotFound", f"no route {url.path}")
        token = parse_qs(url.query).get("$skiptoken", ["page-0"])[0]
        index = int(token.removeprefix("page-"))
        if not 0 <= index < len(self.server.pages):
            return self.error(400, "BadRequest", f"bad $skiptoken {token}")
        self.answer(200, self.server.page(index))

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        self.server.requests.append(("POST", self.path, body))
        if not self.authorized():
            return
        if self.path != f"/beta/deviceManagement/cloudCertificationAuthority/{CA_ID}/revokeLeafCertificate":
            return self.error(404, "ResourceNotFound", f"no route {self.path}")
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            return self.error(415, "UnsupportedMediaType", "send JSON")
        wanted = json.loads(body).get("leafCertificateId")
        for item in self.server.items:
            if item.get("id") == wanted:
                revoked = dict(item, certificateStatus="revoked", revocationDateTime="2026-07-20T13:52:25.1234567Z")
                self.server.revoked.append(wanted)
                return self.answer(
                    200,
                    {
                        "@odata.context": f"{self.server.base}/$metadata#microsoft.graph.cloudCertificationAuthorityLeafCertificate",
                        "value": revoked,
                    },
                )
        self.error(404, "ResourceNotFound", f"no leaf certificate {wanted}")


# --- the checks -------------------------------------------------------------------------------


def main() -> int:
    from cloudpki_client.api.default import (
        list_cloud_certification_authority_leaf_certificates as list_leaf,
    )
    from cloudpki_client.api.default import revoke_leaf_certificate as revoke
    from cloudpki_client.models import (
        ODataError,
        RevokeLeafCertificateRequest,
    )
    from cloudpki_client.models import (
        PageCloudCertificationAuthorityLeafCertificate as LeafPage,
    )

    items = leaf_certificates()
    server = Server(items)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = AuthenticatedClient(base_url=server.base, token=TOKEN, timeout=httpx.Timeout(10.0))
    try:

        def list_all_pages():
            if len(server.pages) < 3:
                return f"only {len(server.pages)} pages from {len(items)} fixture certificates; the check wants several"
            listed, pages = [], 0
            page = list_leaf.sync(CA_ID, client=client)
            while True:
                if not isinstance(page, LeafPage):
                    return f"page {pages}: the generated parser gave {page!r}"
                pages += 1
                listed.extend(page.value)
                if page.odata_next_link is UNSET:
                    break
                if pages > len(server.pages):
                    return "the nextLink chain does not end"
                # No generated function takes a nextLink (an opaque absolute URL); get it with the
                # generated client's own httpx client and parse it with the generated parser.
                response = client.get_httpx_client().get(page.odata_next_link)
                page = list_leaf._build_response(client=client, response=response).parsed
            if pages != len(server.pages):
                return f"listed {pages} pages, the server has {len(server.pages)}"
            if len(listed) != len(items):
                return f"listed {len(listed)} certificates, the server has {len(items)}"
            for index, (sent, got) in enumerate(zip(items, listed, strict=True)):
                difference = same(sent, got.to_dict(), LEAF)
                if difference:
                    return f"certificate {index}: {difference}"
            if not any(isinstance(c.certificate_status, enum.Enum) for c in listed):
                return "no certificate status became a member of a generated enum"
            return None

        def revoke_one():
            target = next(item for item in items if item.get("id") and item.get("certificateStatus") == "active")
            answer = revoke.sync(
                CA_ID, client=client, body=RevokeLeafCertificateRequest(leaf_certificate_id=target["id"])
            )
            sent = json.loads(server.requests[-1][2])
            if sent != {"leafCertificateId": target["id"]}:
                return f"the generated client sent {sent}"
            certificate = getattr(answer, "value", answer)
            if certificate is UNSET or not hasattr(certificate, "certificate_status"):
                return f"the generated parser gave {answer!r}"
            status = certificate.certificate_status
            if certificate.id != target["id"] or not isinstance(status, enum.Enum) or status.value != "revoked":
                return f"revoked {certificate.id} {certificate.certificate_status!r}"
            if certificate.revocation_date_time.isoformat() != "2026-07-20T13:52:25.123456+00:00":
                return f"revocationDateTime {certificate.revocation_date_time!r}"
            if server.revoked != [target["id"]]:
                return f"the server revoked {server.revoked}"
            return None

        def revoke_unknown():
            response = revoke.sync_detailed(
                CA_ID, client=client, body=RevokeLeafCertificateRequest(leaf_certificate_id="nope")
            )
            if response.status_code != 404 or not isinstance(response.parsed, ODataError):
                return f"status {response.status_code}, parsed {response.parsed!r}"
            if response.parsed.error.code != "ResourceNotFound":
                return f"error {response.parsed.error!r}"
            return None

        results.append(("generate the client", None))
        check(f"list {len(items)} leaf certificates across {len(server.pages)} pages", list_all_pages)
        check("revoke a leaf certificate", revoke_one)
        check("revoke an unknown leaf certificate gives the ODataError", revoke_unknown)
    finally:
        client.get_httpx_client().close()
        server.shutdown()
        server.server_close()

    skipped = []
    for fixture in repo.fixtures("valid"):
        if fixture.component is None:
            skipped.append(fixture.name)
            continue
        check(fixture.path, lambda f=fixture: same(f.value(), load(f.component, f.value()), f.component))
    for name in skipped:
        print(f"note: {name}: its type has no OpenAPI component")

    failed = sum(1 for _, message in results if message)
    print(f"openapi-python-client: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # noqa: BLE001 - report, with the count line, whatever broke
        print(f"FAIL the test itself: {type(error).__name__}: {error}")
        traceback.print_exc()
        print(
            f"openapi-python-client: {sum(1 for _, m in results if not m)} passed, {sum(1 for _, m in results if m) + 1} failed"
        )
        sys.exit(1)
