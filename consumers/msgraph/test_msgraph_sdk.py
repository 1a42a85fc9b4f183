#!/usr/bin/env python3
"""Microsoft's own generated SDK, msgraph-beta-sdk, drives cloudpki-fake through every operation it
has for the Intune Cloud PKI namespace, as a team already on Microsoft's SDK would.

    python consumers/msgraph/test_msgraph_sdk.py path/to/cloudpki-fake

The operations are read from the installed package (the request builders under
`device_management/cloud_certification_authority*`), and a final check fails when one of them was
never sent. Every answer is compared with the bytes on the wire (captured by an httpx event hook)
and with the fake's ground truth (`GET /_fake/state`), field by field and recursively: nothing that
has a property of its own may be left in `additional_data` (only annotations such as
`@odata.context`), enum members map to the SDK's enums, date-times parse to the same instant.

Prints `ok <name>` or `FAIL <name>: why` per check, then `msgraph-beta-sdk: N passed, M failed`
(exit status 1 when M > 0). Every call has a timeout and the fake is always stopped.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import enum
import hashlib
import importlib
import json
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.serialization import Parsable
from msgraph_beta import GraphServiceClient
from msgraph_core.tasks.page_iterator import PageIterator

from fake_graph import sdk_client  # consumers/msgraph/fake_graph.py, beside this file

import msgraph_beta.generated.device_management as device_management_package
from msgraph_beta.generated.models.cloud_certification_authority import CloudCertificationAuthority
from msgraph_beta.generated.models.cloud_certification_authority_leaf_certificate import (
    CloudCertificationAuthorityLeafCertificate,
)
from msgraph_beta.generated.models.cloud_certification_authority_version import CloudCertificationAuthorityVersion
from msgraph_beta.generated.models.cloud_certification_authority_status import (
    CloudCertificationAuthorityStatus as CaStatus,
)
from msgraph_beta.generated.models.cloud_certification_authority_type import CloudCertificationAuthorityType as CaType
from msgraph_beta.generated.models.trust_chain_certificate import TrustChainCertificate


def action_body(action: str) -> type:
    """The SDK's request-body class of a CA action: `revoke_leaf_certificate` -> `RevokeLeafCertificatePostRequestBody`
    of `device_management/cloud_certification_authority/item/revoke_leaf_certificate/*_post_request_body.py`."""
    package = f"{device_management_package.__name__}.cloud_certification_authority.item.{action}"
    module = importlib.import_module(f"{package}.{action}_post_request_body")
    return getattr(module, "".join(word.capitalize() for word in action.split("_")) + "PostRequestBody")


ActivateBody = action_body("activate")
ChangeStatusBody = action_body("change_cloud_certification_authority_status")
RevokeCaCertificateBody = action_body("revoke_cloud_certification_authority_certificate")
RevokeLeafBody = action_body("revoke_leaf_certificate")
RevokeBySerialBody = action_body("revoke_leaf_certificate_by_serial_number")
SearchBySerialBody = action_body("search_cloud_certification_authority_leaf_certificate_by_serial_number")
UploadBody = action_body("upload_externally_signed_certification_authority_certificate")

CALL_TIMEOUT = 20  # seconds, one check
HTTP_TIMEOUT = 10  # seconds, one request
RUN_TIMEOUT = 300  # seconds, the whole script
PAGE_SIZE = 7  # the fake's default page (--page-size)
CERTS = 20  # leaf certificates per issuing CA (--certs)
NAVIGATION = {
    "activeVersion", "versions", "cloudCertificationAuthorityLeafCertificate", "cloudCertificationAuthorityVersion"
}


# --- the operations the SDK has ------------------------------------------------------------------


@dataclass(frozen=True)
class SdkOperation:
    method: str
    template: str  # the builder's URL template, without `{+baseurl}` and the query part

    def matches(self, method: str, path: str) -> bool:
        pattern = "".join(
            "[^/]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", self.template)
        )
        return method == self.method and re.fullmatch(pattern, path) is not None


def sdk_operations() -> list[SdkOperation]:
    """Every (method, URL template) of the request builders of the namespace, read from the package."""
    root = Path(device_management_package.__path__[0])
    found = []
    for folder in ("cloud_certification_authority", "cloud_certification_authority_leaf_certificate"):
        for source in sorted((root / folder).rglob("*_request_builder.py")):
            text = source.read_text()
            template = re.sub(r"\{\?[^}]*\}$", "", re.search(r'"\{\+baseurl\}([^"]*)"', text).group(1))
            for method in re.findall(r"async def (get|post|patch|delete|put)\(", text):
                found.append(SdkOperation(method.upper(), template))
    return found


# --- the fake ------------------------------------------------------------------------------------


class FakeRefused(Exception):
    """The fake exited before printing its base URL (an unknown flag, for instance)."""


class Fake:
    def __init__(self, binary: str, *args: str) -> None:
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [binary, "--addr", "127.0.0.1:0", *args], stdout=subprocess.PIPE, stderr=self.stderr, text=True
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            for line in self.process.stdout:
                lines.put(line.strip())
            lines.put(None)  # the fake exited

        threading.Thread(target=read, daemon=True).start()
        try:
            self.base_url = lines.get(timeout=30)
            self.token = (lines.get(timeout=5) or "").removeprefix("token: ")
        except queue.Empty:
            self.base_url = self.token = None
        except BaseException:
            self.stop()
            raise
        if not self.base_url or not self.token:
            self.stop()
            self.stderr.seek(0)
            raise FakeRefused(self.stderr.read().decode(errors="replace").strip()[:300] or "no output")
        self.origin = self.base_url.removesuffix("/beta")

    def admin(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.origin}/_fake/{path}", timeout=HTTP_TIMEOUT) as answer:
            return json.load(answer)

    def truth(self) -> Truth:
        return Truth(self.admin("state"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class Truth:
    """`GET /_fake/state`: the fake's own record of every CA, version and leaf certificate."""

    def __init__(self, state: dict) -> None:
        self.entries = state["certificationAuthorities"]

    def cas(self) -> list[dict]:
        return [entry["certificationAuthority"] for entry in self.entries]

    def ca(self, ca_id: str) -> dict | None:
        return next((ca for ca in self.cas() if ca["id"] == ca_id), None)

    def leaves(self, ca_id: str | None = None) -> list[dict]:
        return [
            leaf
            for entry in self.entries
            if ca_id in (None, entry["certificationAuthority"]["id"])
            for leaf in entry["leafCertificates"]
        ]

    def leaf(self, leaf_id: str) -> dict | None:
        return next((leaf for leaf in self.leaves() if leaf["id"] == leaf_id), None)

    def versions(self, ca_id: str) -> list[dict]:
        return (self.ca(ca_id) or {}).get("versions") or []

    def version(self, ca_id: str, version_id: str) -> dict | None:
        return next((version for version in self.versions(ca_id) if version["id"] == version_id), None)


# --- the SDK client ------------------------------------------------------------------------------


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    headers: httpx.Headers
    request_body: bytes
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass
class Wire:
    """Every request the SDK sent and the answer it got, as bytes (an httpx response hook)."""

    exchanges: list[Exchange] = field(default_factory=list)

    async def hook(self, response: httpx.Response) -> None:
        await response.aread()
        request = response.request
        self.exchanges.append(
            Exchange(
                request.method, request.url.path, response.status_code, response.headers, request.content, response.content
            )
        )

    def last(self) -> Exchange:
        return self.exchanges[-1]

    def mark(self) -> int:
        return len(self.exchanges)

    def since(self, mark: int) -> list[Exchange]:
        return self.exchanges[mark:]


def graph_client(fake: Fake, wire: Wire) -> tuple[GraphServiceClient, httpx.AsyncClient]:
    http = httpx.AsyncClient(timeout=HTTP_TIMEOUT, event_hooks={"response": [wire.hook]})
    return sdk_client(fake.base_url, fake.token, http)


def config(builder: Any, headers: dict[str, str] | None = None, **query: Any) -> RequestConfiguration:
    """A RequestConfiguration with the builder's own GET query-parameter class."""
    parameters = None
    if query:
        parameters = getattr(type(builder), f"{type(builder).__name__}GetQueryParameters")(**query)
    configuration = RequestConfiguration(query_parameters=parameters)
    for name, value in (headers or {}).items():
        configuration.headers.add(name, value)
    return configuration


EVENTUAL = {"ConsistencyLevel": "eventual"}


# --- comparing a model with JSON -----------------------------------------------------------------


def attribute(json_name: str) -> str:
    """The Python attribute Kiota generates for a JSON name (`eTag` -> `e_tag`, `@odata.nextLink` -> `odata_next_link`)."""
    name = json_name.lstrip("@").replace(".", "_")
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def parse_instant(text: str) -> datetime.datetime | None:
    found = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", text)
    if not found:
        return None
    whole, fraction, zone = found.groups()
    fraction = f".{(fraction or '0')[:6]}"
    return datetime.datetime.fromisoformat(whole + fraction + ("+00:00" if zone == "Z" else zone))


def compare_value(actual: Any, expected: Any, path: str, wire: bool) -> list[str]:
    if expected is None:
        return [] if actual is None else [f"{path}: {actual!r}, expected null"]
    if isinstance(expected, dict):
        if not isinstance(actual, Parsable):
            return [f"{path}: {actual!r}, expected a model"]
        return compare(actual, expected, path, wire)
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: {short(actual)}, expected {len(expected)} items"]
        pairs = enumerate(zip(actual, expected))
        return [p for index, (item, want) in pairs for p in compare_value(item, want, f"{path}[{index}]", wire)]
    if isinstance(expected, str) and isinstance(actual, enum.Enum):
        return [] if actual.value == expected else [f"{path}: {type(actual).__name__}.{actual.name}, expected {expected!r}"]
    if isinstance(expected, str) and isinstance(actual, datetime.datetime):
        instant = parse_instant(expected)
        if actual.tzinfo is None:
            return [f"{path}: {actual!r} has no offset"]
        return [] if instant == actual else [f"{path}: {actual.isoformat()}, expected {expected}"]
    if type(actual) is not type(expected) or actual != expected:
        return [f"{path}: {short(actual)}, expected {short(expected)}"]
    return []


def compare(model: Parsable, expected: dict, path: str, wire: bool) -> list[str]:
    """Each key of `expected` against the model: a property by value; on the wire, anything else
    must be kept in additional_data."""
    fields = model.get_field_deserializers()
    extra = getattr(model, "additional_data", None) or {}
    problems = []
    for key, value in expected.items():
        if key in fields:
            if not hasattr(model, attribute(key)):
                problems.append(f"{path}.{key}: no attribute {attribute(key)} on {type(model).__name__}")
                continue
            problems += compare_value(getattr(model, attribute(key)), value, f"{path}.{key}", wire)
        elif wire and key not in extra:
            problems.append(f"{path}.{key}: dropped (no property, not in additional_data)")
    return problems


def audit(model: Any, path: str = "") -> list[str]:
    """additional_data may hold annotations only, never a property name (recursively)."""
    if isinstance(model, list):
        return [p for index, item in enumerate(model) for p in audit(item, f"{path}[{index}]")]
    if not isinstance(model, Parsable):
        return []
    fields = model.get_field_deserializers()
    problems = [
        f"additional_data{path and ' of ' + path}[{key!r}] holds {short(value)}"
        for key, value in (getattr(model, "additional_data", None) or {}).items()
        if "@" not in key or key in fields
    ]
    for key in fields:
        problems += audit(getattr(model, attribute(key), None), f"{path}.{key}")
    return problems


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def wrapped(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("value"), dict)


def entity_problems(model: Any, body: Any, truth: dict | None, select: list[str] | None = None) -> list[str]:
    """A single-entity answer: the SDK's model against the wire and against the fake's state."""
    problems = ['answered as {"value": {...}}, the SDK reads the bare entity'] if wrapped(body) else []
    if model is None:
        return problems + ["the SDK returned None"]
    problems += audit(model)
    if isinstance(body, dict):
        problems += compare(model, body, "wire", wire=True)
    if truth is None:
        return problems + ["not in the fake's state"]
    on_wire = body if isinstance(body, dict) and not wrapped(body) else {}
    fields = model.get_field_deserializers()
    for key, value in truth.items():
        if ("@" in key and key not in fields) or (key in NAVIGATION and key not in on_wire):
            continue
        if select is not None and key not in select:
            if not key.startswith("@") and getattr(model, attribute(key), None) is not None:
                problems.append(f"{key}: present although not in $select")
            continue
        problems += compare_value(getattr(model, attribute(key), None), value, key, wire=False)
    return problems


def page_problems(page: Any, body: Any, truths: list[dict | None], select: list[str] | None = None) -> list[str]:
    """A collection answer (first page): the page model against the wire, each item against the state."""
    if page is None:
        return ["the SDK returned None"]
    problems = audit(page) + (compare(page, body, "wire", wire=True) if isinstance(body, dict) else [])
    if len(page.value or []) != len(truths):
        problems.append(f"{len(page.value or [])} items, expected {len(truths)}")
    for index, (item, truth) in enumerate(zip(page.value or [], truths)):
        problems += [f"value[{index}] {p}" for p in entity_problems(item, None, truth, select)]
    return problems


# --- checks --------------------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def record(self, name: str, problems: list[str]) -> None:
        if problems:
            self.failed += 1
            more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
            why = " ".join("; ".join(problems[:3]).split())  # one line
            print(f"FAIL {name}: {why}{more}", flush=True)
        else:
            self.passed += 1
            print(f"ok {name}", flush=True)

    async def check(self, name: str, run: Callable[[], Awaitable[list[str]]], wire: Wire | None = None) -> None:
        try:
            problems = await asyncio.wait_for(run(), CALL_TIMEOUT)
        except APIError as error:
            where = f" on {wire.last().method} {wire.last().path}" if wire and wire.exchanges else ""
            problems = [f"{describe(error)}{where}"]
        except Exception as error:  # noqa: BLE001 - a check reports whatever went wrong
            problems = [f"{type(error).__name__}: {str(error)[:200]}"]
        self.record(name, problems)


def describe(error: APIError) -> str:
    inner = getattr(error, "error", None)
    code = getattr(inner, "code", None)
    message = getattr(inner, "message", None) or error.primary_message or error.message
    return f"{type(error).__name__} {error.response_status_code} {code or ''} {message!r}".replace("  ", " ")


async def expect_error(call: Awaitable[Any], status: int) -> list[str]:
    """The call must raise the SDK's APIError with `status` and the Graph error's message."""
    try:
        answer = await call
    except APIError as error:
        problems = [] if error.response_status_code == status else [f"{describe(error)}, expected {status}"]
        message = getattr(getattr(error, "error", None), "message", None)
        return problems + ([] if message else [f"no Graph error message readable ({describe(error)})"])
    return [f"no error, expected APIError {status} (answer {short(answer)})"]


async def iterate(client: GraphServiceClient, first: Any, headers: dict[str, str] | None = None) -> list[Any]:
    """Every item across pages, with the SDK's own PageIterator."""
    items: list[Any] = []
    iterator = PageIterator(first, client.request_adapter)
    for name, value in (headers or {}).items():
        # Not iterator.set_headers(dict): in msgraph-core 1.5.2 it calls HeadersCollection.add_all(**headers),
        # which kiota-abstractions 1.16 no longer takes (TypeError).
        iterator.headers.add(name, value)
    await iterator.iterate(lambda item: items.append(item) or True)
    return items


def items_problems(items: list[Any], truths: list[dict], wire: Wire, mark: int, pages: int) -> list[str]:
    """Items gathered across pages against the state (by id), and the page count on the wire."""
    problems = []
    got = [item.id for item in items]
    if sorted(map(str, got)) != sorted(truth["id"] for truth in truths):
        problems.append(f"{len(items)} items ({len(set(got))} distinct), the state has {len(truths)}")
    by_id = {truth["id"]: truth for truth in truths}
    for item in items:
        problems += [f"{item.id}: {p}" for p in entity_problems(item, None, by_id.get(item.id))]
    sent = len(wire.since(mark))
    if sent != pages:
        problems.append(f"{sent} pages, expected {pages}")
    return problems


@dataclass
class Run:
    """One fake, one SDK client, the ids the checks share."""

    fake: Fake
    client: GraphServiceClient
    wire: Wire
    report: Report
    ids: dict[str, Any] = field(default_factory=dict)

    @property
    def cas(self) -> Any:
        return self.client.device_management.cloud_certification_authority

    @property
    def tenant_leaves(self) -> Any:
        return self.client.device_management.cloud_certification_authority_leaf_certificate

    def ca(self, key: str = "ca") -> Any:
        return self.cas.by_cloud_certification_authority_id(self.ids[key])

    def body(self) -> Any:
        return self.wire.last().json()

    def truth(self) -> Truth:
        return self.fake.truth()

    async def check(self, name: str, run: Callable[[], Awaitable[list[str]]]) -> None:
        await self.report.check(name, run, self.wire)


def checks_main(run: Run) -> list[tuple[str, Callable[[], Awaitable[list[str]]]]]:
    """The checks against a fake that serves the top-level leaf collection, in order (later ones
    use what earlier ones made)."""
    ids = run.ids

    async def entity(model: Any, truth: Callable[[Truth], dict | None], select: list[str] | None = None) -> list[str]:
        return entity_problems(model, run.body(), truth(run.truth()), select)

    # -- the CA collection
    async def list_cas() -> list[str]:
        page = await run.cas.get()
        truths = run.truth().cas()
        return page_problems(page, run.body(), truths)

    async def list_cas_query() -> list[str]:
        select = ["id", "displayName", "certificationAuthorityStatus"]
        query = config(run.cas, filter="certificationAuthorityStatus eq 'active'", select=select, top=2)
        page = await run.cas.get(query)
        truths = [ca for ca in run.truth().cas() if ca["certificationAuthorityStatus"] == "active"][:2]
        return page_problems(page, run.body(), truths, select)

    async def count_cas() -> list[str]:
        total = await run.cas.count.get(config(run.cas.count, EVENTUAL))
        query = config(run.cas.count, EVENTUAL, filter="certificationAuthorityStatus eq 'active'")
        active = await run.cas.count.get(query)
        cas = run.truth().cas()
        expected = (len(cas), sum(ca["certificationAuthorityStatus"] == "active" for ca in cas))
        return [] if (total, active) == expected else [f"counts {(total, active)}, state {expected}"]

    async def get_ca() -> list[str]:
        model = await run.ca().get()
        problems = await entity(model, lambda t: t.ca(ids["ca"]))
        version = getattr(model, "active_version", None)
        if not isinstance(version, CloudCertificationAuthorityVersion) or version.id is None:
            problems.append(f"activeVersion not filled: {short(version)}")
        return problems

    async def get_ca_select() -> list[str]:
        select = ["id", "displayName", "certificationAuthorityStatus"]
        return await entity(await run.ca().get(config(run.ca(), select=select)), lambda t: t.ca(ids["ca"]), select)

    async def patch_ca() -> list[str]:
        body = CloudCertificationAuthority(display_name="Renamed by msgraph-beta-sdk", description="patched")
        answer = await run.ca().patch(body)
        sent = json.loads(run.wire.last().request_body or b"{}")
        truth = run.truth().ca(ids["ca"])
        problems = [] if set(sent) <= {"displayName", "description", "@odata.type"} else [f"sent {sorted(sent)}"]
        if (truth["displayName"], truth["description"]) != (body.display_name, body.description):
            problems.append(f"state not updated: {truth['displayName']!r}, {truth['description']!r}")
        if answer is not None:  # 204 gives None; a 200 answer must be the updated entity
            problems += entity_problems(answer, run.body(), truth)
        return problems

    # -- versions
    async def list_versions() -> list[str]:
        page = await run.ca().versions.get()
        truths = run.truth().versions(ids["ca"])
        return page_problems(page, run.body(), truths)

    async def count_versions() -> list[str]:
        count = await run.ca().versions.count.get(config(run.ca().versions.count, EVENTUAL))
        expected = len(run.truth().versions(ids["ca"]))
        return [] if count == expected else [f"count {count!r}, state {expected}"]

    async def get_version() -> list[str]:
        version_id = run.truth().versions(ids["ca"])[-1]["id"]
        model = await run.ca().versions.by_cloud_certification_authority_version_id(version_id).get()
        return await entity(model, lambda t: t.version(ids["ca"], version_id))

    def active(t: Truth, key: str = "ca") -> dict | None:
        return (t.ca(ids[key]) or {}).get("activeVersion")

    async def active_version() -> list[str]:
        return await entity(await run.ca().active_version.get(), active)

    async def get_version_action() -> list[str]:
        return await entity(await run.ca().get_cloud_certification_authority_version.post(), active)

    async def get_versions_action() -> list[str]:
        page = await run.ca().get_cloud_certification_authority_versions.post()
        return page_problems(page, run.body(), run.truth().versions(ids["ca"]))

    # -- the CA actions that read
    async def get_ca_action() -> list[str]:
        return await entity(await run.ca().get_cloud_certification_authority.post(), lambda t: t.ca(ids["ca"]))

    async def get_all_cas_action() -> list[str]:
        page = await run.ca().get_all_cloud_certification_authority.post()
        return page_problems(page, run.body(), run.truth().cas())

    async def post_ca_action() -> list[str]:
        page = await run.ca().post_cloud_certification_authority.post()
        return page_problems(page, run.body(), run.truth().cas())

    async def patch_ca_action() -> list[str]:
        return await entity(await run.ca().patch_cloud_certification_authority.post(), lambda t: t.ca(ids["ca"]))

    # -- leaf certificates of one CA
    leaves = lambda: run.ca().cloud_certification_authority_leaf_certificate  # noqa: E731

    async def list_leaves_paged() -> list[str]:
        mark = run.wire.mark()
        first = await leaves().get()
        problems = page_problems(first, run.body(), run.truth().leaves(ids["ca"])[:PAGE_SIZE])
        items = await iterate(run.client, first)
        return problems + items_problems(items, run.truth().leaves(ids["ca"]), run.wire, mark, -(-CERTS // PAGE_SIZE))

    async def list_leaves_prefer() -> list[str]:
        prefer = {"Prefer": "odata.maxpagesize=4"}
        mark = run.wire.mark()
        first = await leaves().get(config(leaves(), prefer))
        applied = run.wire.last().headers.get("preference-applied")
        items = await iterate(run.client, first, prefer)
        problems = items_problems(items, run.truth().leaves(ids["ca"]), run.wire, mark, -(-CERTS // 4))
        return problems + ([] if applied == "odata.maxpagesize=4" else [f"Preference-Applied {applied!r}"])

    async def list_leaves_query() -> list[str]:
        select = ["id", "serialNumber", "certificateStatus"]
        page = await leaves().get(config(leaves(), filter="certificateStatus eq 'active'", select=select, top=5))
        truths = [leaf for leaf in run.truth().leaves(ids["ca"]) if leaf["certificateStatus"] == "active"][:5]
        return page_problems(page, run.body(), truths, select)

    async def count_leaves() -> list[str]:
        builder = leaves().count
        total = await builder.get(config(builder, EVENTUAL))
        revoked = await builder.get(config(builder, EVENTUAL, filter="certificateStatus eq 'revoked'"))
        truths = run.truth().leaves(ids["ca"])
        expected = (len(truths), sum(leaf["certificateStatus"] == "revoked" for leaf in truths))
        return [] if (total, revoked) == expected else [f"counts {(total, revoked)}, state {expected}"]

    async def get_leaf() -> list[str]:
        model = await leaves().by_cloud_certification_authority_leaf_certificate_id(ids["leaf"]).get()
        return await entity(model, lambda t: t.leaf(ids["leaf"]))

    async def get_leaf_select() -> list[str]:
        item = leaves().by_cloud_certification_authority_leaf_certificate_id(ids["leaf"])
        select = ["id", "serialNumber", "subjectName"]
        return await entity(await item.get(config(item, select=select)), lambda t: t.leaf(ids["leaf"]), select)

    async def get_all_leaves_action() -> list[str]:
        mark = run.wire.mark()
        first = await run.ca().get_all_cloud_certification_authority_leaf_certificates.post()
        problems = page_problems(first, run.body(), run.truth().leaves(ids["ca"])[:PAGE_SIZE])
        items = await iterate(run.client, first)
        return problems + items_problems(items, run.truth().leaves(ids["ca"]), run.wire, mark, -(-CERTS // PAGE_SIZE))

    async def search_by_serial() -> list[str]:
        body = SearchBySerialBody(certificate_serial_number=ids["serial"])
        model = await run.ca().search_cloud_certification_authority_leaf_certificate_by_serial_number.post(body)
        return await entity(model, lambda t: t.leaf(ids["serial_leaf"]))

    def revoked(model: Any) -> list[str]:
        status = getattr(getattr(model, "certificate_status", None), "value", None)
        when = getattr(model, "revocation_date_time", None)
        return ([] if status == "revoked" else [f"certificateStatus {status!r}"]) + (
            [] if isinstance(when, datetime.datetime) else [f"revocationDateTime {when!r}"]
        )

    async def revoke_leaf() -> list[str]:
        model = await run.ca().revoke_leaf_certificate.post(RevokeLeafBody(leaf_certificate_id=ids["leaf"]))
        return await entity(model, lambda t: t.leaf(ids["leaf"])) + revoked(model)

    async def revoke_by_serial() -> list[str]:
        body = RevokeBySerialBody(certificate_serial_number=ids["serial"])
        model = await run.ca().revoke_leaf_certificate_by_serial_number.post(body)
        return await entity(model, lambda t: t.leaf(ids["serial_leaf"])) + revoked(model)

    # -- the CA actions that write
    async def change_status() -> list[str]:
        problems = []
        for status in (CaStatus.Paused, CaStatus.Active):
            body = ChangeStatusBody(
                certification_authority_status=status, certification_authority_version=ids["version"]
            )
            model = await run.ca().change_cloud_certification_authority_status.post(body)
            problems += await entity(model, lambda t: t.ca(ids["ca"]))
            answered = getattr(model, "certification_authority_status", None)
            if answered is not status:
                problems.append(f"status {short(answered)}, asked {status.value}")
        return problems

    async def renew() -> list[str]:
        before = len(run.truth().versions(ids["ca"]))
        answer = await run.ca().renew.post()
        versions = run.truth().versions(ids["ca"])
        problems = [] if answer is None else [f"answer {short(answer)}, expected no content"]
        last = versions[-1]["certificationAuthorityVersionStatus"]
        if len(versions) != before + 1 or last != "staged":
            problems.append(f"state: {len(versions)} versions (was {before}), the last one {last!r}")
        ids["staged"] = versions[-1]["versionNumber"]
        return problems

    async def activate() -> list[str]:
        model = await run.ca().activate.post(ActivateBody(certification_authority_version=ids["staged"]))
        problems = await entity(model, lambda t: t.ca(ids["ca"]))
        truth = run.truth().ca(ids["ca"])
        numbers = (truth["versionNumber"], (truth.get("activeVersion") or {}).get("versionNumber"))
        if numbers != (ids["staged"], ids["staged"]):
            problems.append(f"state: versionNumber and activeVersion's {numbers}, expected {ids['staged']}")
        return problems

    # -- bring your own root: create, upload, revoke the CA certificate, delete
    async def create_ca(key: str, name: str) -> list[str]:
        body = CloudCertificationAuthority(
            display_name=name,
            description="made by msgraph-beta-sdk",
            cloud_certification_authority_type=CaType.IssuingCertificationAuthorityWithExternalRoot,
            validity_period_in_years=2,
            role_scope_tag_ids=["0"],
        )
        model = await run.cas.post(body)
        answer = run.body() or {}
        ids[key] = getattr(model, "id", None) or answer.get("id") or (answer.get("value") or {}).get("id")
        problems = [] if run.wire.last().status == 201 else [f"status {run.wire.last().status}, expected 201"]
        problems += await entity(model, lambda t: t.ca(ids[key]))
        status = getattr(model, "certification_authority_status", None)
        csr = getattr(model, "certificate_signing_request", None)
        if status is not CaStatus.SigningPending or not csr:
            problems.append(f"status {short(status)} and CSR {short(csr)}, expected signingPending and a CSR")
        return problems

    async def upload_refused() -> list[str]:
        body = UploadBody(
            signed_certificate=base64.b64encode(b"not a certificate").decode(),
            trust_chain_certificates=[],
            certification_authority_version=1,
        )
        upload = run.ca("bogus").upload_externally_signed_certification_authority_certificate
        return await expect_error(upload.post(body), 400)

    async def upload_signed() -> list[str]:
        csr_text = (run.truth().ca(ids["byor"]) or {}).get("certificateSigningRequest") or ""
        signed, chain, problems = sign_csr(csr_text)
        body = UploadBody(
            signed_certificate=signed,
            trust_chain_certificates=[TrustChainCertificate(certificate=chain, display_name="SDK test root")],
            certification_authority_version=1,
        )
        model = await run.ca("byor").upload_externally_signed_certification_authority_certificate.post(body)
        problems += await entity(model, lambda t: t.ca(ids["byor"]))
        truth = run.truth().ca(ids["byor"]) or {}
        url = truth.get("certificateDownloadUrl") or ""
        if truth.get("certificationAuthorityStatus") != "active":
            problems.append(f"state: status {truth.get('certificationAuthorityStatus')!r}, expected active")
        if base64.b64decode(url.partition("base64,")[2] or "") != base64.b64decode(signed):
            problems.append("state: certificateDownloadUrl is not the uploaded certificate")
        thumbprint = hashlib.sha1(base64.b64decode(signed)).hexdigest().upper()
        if (truth.get("thumbprint") or "").upper() != thumbprint:
            problems.append(f"state: thumbprint {truth.get('thumbprint')!r}, the certificate's SHA-1 is {thumbprint}")
        return problems

    async def revoke_ca_certificate() -> list[str]:
        body = RevokeCaCertificateBody(certification_authority_version=1)
        model = await run.ca("byor").revoke_cloud_certification_authority_certificate.post(body)
        problems = await entity(model, lambda t: t.ca(ids["byor"]))
        status = getattr(model, "certification_authority_status", None)
        return problems + ([] if status is CaStatus.Revoked else [f"status {short(status)}, expected revoked"])

    async def delete_ca() -> list[str]:
        answer = await run.ca("bogus").delete()
        problems = [] if answer is None else [f"answer {short(answer)}"]
        if run.truth().ca(ids["bogus"]) is not None:
            problems.append("still in the state")
        return problems + await expect_error(run.ca("bogus").get(), 404)

    # -- the tenant-wide leaf collection
    async def tenant_list_paged() -> list[str]:
        mark = run.wire.mark()
        first = await run.tenant_leaves.get()
        truths = run.truth().leaves()
        problems = page_problems(first, run.body(), [run.truth().leaf(item.id) for item in (first.value or [])])
        items = await iterate(run.client, first)
        return problems + items_problems(items, truths, run.wire, mark, -(-len(truths) // PAGE_SIZE))

    async def tenant_list_query() -> list[str]:
        select = ["id", "serialNumber", "certificateStatus", "issuerId"]
        builder = run.tenant_leaves
        page = await builder.get(config(builder, filter="certificateStatus eq 'revoked'", select=select, top=3))
        truth = run.truth()
        items = page.value or []
        problems = page_problems(page, run.body(), [truth.leaf(item.id) for item in items], select)
        expected = min(3, sum(leaf["certificateStatus"] == "revoked" for leaf in truth.leaves()))
        if len(items) != expected or any(getattr(item.certificate_status, "value", None) != "revoked" for item in items):
            problems.append(f"{len(items)} items, expected {expected} revoked ones")
        return problems

    async def tenant_count() -> list[str]:
        builder = run.tenant_leaves.count
        total = await builder.get(config(builder, EVENTUAL))
        expected = len(run.truth().leaves())
        return [] if total == expected else [f"count {total!r}, state {expected}"]

    def tenant_leaf(key: str = "leaf2") -> Any:
        return run.tenant_leaves.by_cloud_certification_authority_leaf_certificate_id(ids[key])

    async def tenant_get() -> list[str]:
        return await entity(await tenant_leaf().get(), lambda t: t.leaf(ids["leaf2"]))

    async def tenant_leaf_version() -> list[str]:
        model = await tenant_leaf().cloud_certification_authority_version.get()
        truth = run.truth()
        leaf = truth.leaf(ids["leaf2"])
        versions = truth.versions(leaf["issuerId"])
        same = [v for v in versions if v["versionNumber"] == leaf["certificationAuthorityVersionNumber"]]
        problems = await entity(model, lambda t: t.version(leaf["issuerId"], getattr(model, "id", None) or ""))
        if same and getattr(model, "id", None) != same[0]["id"]:
            problems.append(f"version {short(getattr(model, 'id', None))}, the leaf names {same[0]['id']}")
        return problems

    async def tenant_create() -> list[str]:
        body = CloudCertificationAuthorityLeafCertificate(
            issuer_id=ids["ca"],
            subject_name="CN=created-by-msgraph-beta-sdk",
            device_name="sdk-device",
            device_platform="windows",
            user_principal_name="sdk@contoso.example",
        )
        model = await run.tenant_leaves.post(body)
        ids["created_leaf"] = getattr(model, "id", None) or ids["created_leaf"]
        problems = [] if run.wire.last().status == 201 else [f"status {run.wire.last().status}, expected 201"]
        return problems + await entity(model, lambda t: t.leaf(ids["created_leaf"]))

    async def tenant_patch() -> list[str]:
        body = CloudCertificationAuthorityLeafCertificate(device_name="sdk-renamed")
        answer = await tenant_leaf("created_leaf").patch(body)
        truth = run.truth().leaf(ids["created_leaf"]) or {}
        problems = [] if truth.get("deviceName") == body.device_name else [f"state: deviceName {truth.get('deviceName')!r}"]
        return problems + ([] if answer is None else entity_problems(answer, run.body(), truth))

    async def tenant_delete() -> list[str]:
        answer = await tenant_leaf("created_leaf").delete()
        problems = [] if answer is None else [f"answer {short(answer)}"]
        if run.truth().leaf(ids["created_leaf"]) is not None:
            problems.append("still in the state")
        return problems + await expect_error(tenant_leaf("created_leaf").get(), 404)

    return [
        ("list CAs (GET cloudCertificationAuthority)", list_cas),
        ("list CAs with $filter, $select, $top", list_cas_query),
        ("count CAs (GET cloudCertificationAuthority/$count, with $filter)", count_cas),
        ("get a CA (GET .../{id}), activeVersion filled", get_ca),
        ("get a CA with $select", get_ca_select),
        ("list versions (GET .../{id}/versions)", list_versions),
        ("count versions (GET .../{id}/versions/$count)", count_versions),
        ("get a version (GET .../{id}/versions/{versionId})", get_version),
        ("activeVersion (GET .../{id}/activeVersion)", active_version),
        ("getCloudCertificationAuthorityVersion", get_version_action),
        ("getCloudCertificationAuthorityVersions", get_versions_action),
        ("getCloudCertificationAuthority", get_ca_action),
        ("getAllCloudCertificationAuthority", get_all_cas_action),
        ("postCloudCertificationAuthority", post_ca_action),
        ("patchCloudCertificationAuthority", patch_ca_action),
        ("list leaf certificates across pages with PageIterator", list_leaves_paged),
        ("list leaf certificates with Prefer: odata.maxpagesize=4", list_leaves_prefer),
        ("list leaf certificates with $filter, $select, $top", list_leaves_query),
        ("count leaf certificates (.../cloudCertificationAuthorityLeafCertificate/$count, with $filter)", count_leaves),
        ("get a leaf certificate", get_leaf),
        ("get a leaf certificate with $select", get_leaf_select),
        ("getAllCloudCertificationAuthorityLeafCertificates across pages", get_all_leaves_action),
        ("searchCloudCertificationAuthorityLeafCertificateBySerialNumber", search_by_serial),
        ("revokeLeafCertificate", revoke_leaf),
        ("revokeLeafCertificateBySerialNumber", revoke_by_serial),
        ("changeCloudCertificationAuthorityStatus (paused, then active)", change_status),
        ("renew (no content, a staged version)", renew),
        ("activate the staged version", activate),
        ("update a CA (PATCH .../{id})", patch_ca),
        ("create a CA with an external root (POST cloudCertificationAuthority)", lambda: create_ca("byor", "SDK root")),
        ("create a second one", lambda: create_ca("bogus", "SDK CA to delete")),
        ("uploadExternallySignedCertificationAuthorityCertificate refuses a non-certificate (APIError 400)", upload_refused),
        ("uploadExternallySignedCertificationAuthorityCertificate with the CSR signed", upload_signed),
        ("revokeCloudCertificationAuthorityCertificate", revoke_ca_certificate),
        ("delete a CA (DELETE .../{id}), then get: APIError 404", delete_ca),
        ("tenant leaf certificates across pages (GET cloudCertificationAuthorityLeafCertificate)", tenant_list_paged),
        ("tenant leaf certificates with $filter, $select, $top", tenant_list_query),
        ("count tenant leaf certificates (GET cloudCertificationAuthorityLeafCertificate/$count)", tenant_count),
        ("get a tenant leaf certificate", tenant_get),
        ("a leaf certificate's version (GET .../{leafId}/cloudCertificationAuthorityVersion)", tenant_leaf_version),
        ("create a leaf certificate (POST cloudCertificationAuthorityLeafCertificate)", tenant_create),
        ("update a leaf certificate (PATCH cloudCertificationAuthorityLeafCertificate/{id})", tenant_patch),
        ("delete a leaf certificate (DELETE cloudCertificationAuthorityLeafCertificate/{id}), then get: 404", tenant_delete),
    ]


def sign_csr(csr_text: str) -> tuple[str, str, list[str]]:
    """Signs the CA's PKCS#10 request with a throwaway root: (certificate, root, problems), both
    base64 DER. When the request does not parse, a certificate for a key of our own is made so the
    upload still goes through the SDK, and the problem is reported."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    problems = []
    try:
        text = csr_text.strip()
        if text.startswith("-----"):
            csr = x509.load_pem_x509_csr(text.encode())
        else:
            csr = x509.load_der_x509_csr(base64.b64decode(text))
        if not csr.is_signature_valid:
            problems.append("the CSR's signature does not verify")
        subject, public_key = csr.subject, csr.public_key()
    except ValueError as error:
        problems.append(f"certificateSigningRequest is not a PKCS#10 request ({str(error)[:60]})")
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SDK external root CA")])
        public_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "msgraph-beta-sdk test root")])
    now = datetime.datetime.now(datetime.timezone.utc)

    def certificate(name: x509.Name, key: Any, path_length: int | None) -> x509.Certificate:
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(root_name)
            .public_key(key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256())
        )

    der = lambda cert: base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()  # noqa: E731
    return der(certificate(subject, public_key, 0)), der(certificate(root_name, root_key.public_key(), None)), problems


# --- the runs ------------------------------------------------------------------------------------


def seed_ids(run: Run) -> None:
    """The first issuing CA, one of its active leaf certificates, another one's serial number, and
    a leaf certificate of the second issuing CA for the tenant-wide checks."""
    truth = run.truth()
    issuing = [ca for ca in truth.cas() if ca["cloudCertificationAuthorityType"] == "issuingCertificationAuthority"]
    first, second = issuing[0]["id"], issuing[-1]["id"]
    active = [leaf for leaf in truth.leaves(first) if leaf["certificateStatus"] == "active"]
    run.ids.update(
        ca=first,
        version=issuing[0]["versionNumber"],
        leaf=active[0]["id"],
        serial_leaf=active[1]["id"],
        serial=active[1]["serialNumber"],
        leaf2=truth.leaves(second)[0]["id"],
        # replaced by the leaf certificate the SDK creates; an existing one if that fails, so that
        # PATCH and DELETE are still sent
        created_leaf=truth.leaves(second)[-1]["id"],
    )


async def with_fake(
    binary: str, args: list[str], report: Report, wire: Wire, body: Callable[[Run], Awaitable[None]]
) -> None:
    fake = Fake(binary, *args)
    http = None
    try:
        client, http = graph_client(fake, wire)
        run = Run(fake, client, wire, report)
        await body(run)
    finally:
        if http is not None:
            await http.aclose()
        fake.stop()


async def main_run(run: Run) -> None:
    seed_ids(run)
    for name, check in checks_main(run):
        await run.check(name, check)


async def default_run(run: Run) -> None:
    """Without --tenant-leaves the top-level collection answers 404, as the live service does."""
    leaves = run.tenant_leaves
    some_leaf = run.truth().leaves()[0]["id"]
    item = leaves.by_cloud_certification_authority_leaf_certificate_id(some_leaf)
    for name, call in (("", leaves.get), ("/{id}", item.get), ("/$count", leaves.count.get)):
        route = f"GET cloudCertificationAuthorityLeafCertificate{name}"
        await run.check(f"without --tenant-leaves: {route} raises APIError 404", lambda call=call: expect_error(call(), 404))


async def main(binary: str, report: Report) -> None:
    wire = Wire()
    operations = sdk_operations()
    report.record(f"the SDK has {len(operations)} operations under the namespace", [] if len(operations) == 35 else ["35?"])
    seeded = ["--seed", "7", "--cas", "2", "--certs", str(CERTS), "--page-size", str(PAGE_SIZE)]
    try:
        await with_fake(binary, [*seeded, "--tenant-leaves"], report, wire, main_run)
    except FakeRefused as refused:
        report.record("the fake starts with --tenant-leaves", [str(refused)])
        await with_fake(binary, seeded, report, wire, main_run)
    await with_fake(binary, seeded, report, wire, default_run)
    sent = {(exchange.method, exchange.path.removeprefix("/beta")) for exchange in wire.exchanges}
    unsent = [op for op in operations if not any(op.matches(*pair) for pair in sent)]
    report.record("every SDK operation of the namespace was sent", [f"not sent: {op.method} {op.template}" for op in unsent])


class RunTimeout(BaseException):
    """The whole run took too long (a BaseException, so that no check swallows it)."""


def on_alarm(*_: Any) -> None:
    raise RunTimeout(f"the whole run took more than {RUN_TIMEOUT} s")


if __name__ == "__main__":
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(RUN_TIMEOUT)
    report = Report()
    try:
        asyncio.run(main(sys.argv[1], report))
    except (Exception, RunTimeout) as error:  # noqa: BLE001 - the fakes are stopped by then (finally)
        report.record("the run", [f"{type(error).__name__}: {error}"])
    signal.alarm(0)
    print(f"msgraph-beta-sdk: {report.passed} passed, {report.failed} failed")
    sys.exit(1 if report.failed else 0)
