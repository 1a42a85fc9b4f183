"""Microsoft's msgraph-beta-sdk pointed at cloudpki-fake: a bearer token given to the loopback host
only, and a GraphServiceClient on the fake's base URL with the SDK's default middleware. Shared by
consumers/msgraph/test_msgraph_sdk.py and benchmarks/list_msgraph.py.
"""

from __future__ import annotations

import httpx
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator
from kiota_abstractions.authentication import BaseBearerTokenAuthenticationProvider
from msgraph_beta import GraphServiceClient
from msgraph_beta.graph_request_adapter import GraphRequestAdapter
from msgraph_beta.graph_request_adapter import options as graph_options
from msgraph_core import APIVersion, GraphClientFactory


class FakeToken(AccessTokenProvider):
    """The fake's bearer token, for the loopback host only."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.hosts = AllowedHostsValidator(["127.0.0.1"])

    async def get_authorization_token(self, uri: str, additional_authentication_context: dict = {}) -> str:
        return self.token if self.hosts.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self.hosts


def sdk_client(base_url: str, token: str, http: httpx.AsyncClient) -> tuple[GraphServiceClient, httpx.AsyncClient]:
    """The SDK's client on `base_url` over `http` (given the SDK's default middleware), and that
    HTTP client (to close)."""
    http = GraphClientFactory.create_with_default_middleware(api_version=APIVersion.beta, client=http, options=graph_options)
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(FakeToken(token)), client=http)
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter), http
