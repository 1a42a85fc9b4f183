#!/usr/bin/env python3
"""The listing benchmark's competitor: Microsoft's generated Graph SDK (msgraph-beta-sdk) lists
every leaf certificate of one CA with its own PageIterator, as a team on the SDK would.

    python benchmarks/list_msgraph.py BASE_URL TOKEN CA_ID [PAGE_SIZE [MAX]]

BASE_URL and TOKEN are the two lines cloudpki-fake prints; PAGE_SIZE (default 500, the CLI's) is
sent as `Prefer: odata.maxpagesize`; with MAX, the iteration stops after MAX certificates (the SDK
parses about 100 certificates a second: `Entity.get_field_deserializers` runs some 4,900
function-level imports for every item). Prints the number of certificates listed. Run by
`CASES=list bash benchmarks/cli.sh` in the msgraph-venv of consumers/env.sh.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph_core.tasks.page_iterator import PageIterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "consumers" / "msgraph"))
from fake_graph import sdk_client  # noqa: E402 (consumers/msgraph/fake_graph.py)


async def main(base_url: str, token: str, ca_id: str, page_size: int, most: int | None) -> int:
    client, http = sdk_client(base_url, token, httpx.AsyncClient(timeout=60))
    prefer = f"odata.maxpagesize={page_size}"
    leaves = client.device_management.cloud_certification_authority.by_cloud_certification_authority_id(
        ca_id
    ).cloud_certification_authority_leaf_certificate
    configuration = RequestConfiguration()
    configuration.headers.add("Prefer", prefer)
    first = await leaves.get(configuration)
    count = 0

    def seen(_item: object) -> bool:
        nonlocal count
        count += 1
        return most is None or count < most

    iterator = PageIterator(first, client.request_adapter)
    iterator.headers.add("Prefer", prefer)  # not set_headers: see consumers/msgraph/test_msgraph_sdk.py
    await iterator.iterate(seen)
    await http.aclose()
    return count


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5, 6):
        sys.exit(__doc__)
    page_size = int(sys.argv[4]) if len(sys.argv) > 4 else 500
    most = int(sys.argv[5]) if len(sys.argv) > 5 else None
    print(asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], page_size, most)))
