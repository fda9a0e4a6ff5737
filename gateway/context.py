"""The per-request context every resolver receives."""

from __future__ import annotations

from strawberry.fastapi import BaseContext

from gateway.loaders import Loaders
from gateway.nodestash import NodestashAPI
from gateway.upstream import Caller, UpstreamClient

__all__ = ["GatewayContext"]


class GatewayContext(BaseContext):
    """One operation's caller, its nodestash calls and its DataLoaders.

    Build it inside the running event loop, once per request: the loaders it
    holds cache records for this caller only.
    """

    def __init__(self, *, client: UpstreamClient, caller: Caller) -> None:
        super().__init__()
        self.caller = caller
        self.api = NodestashAPI(client, caller)
        self.loaders = Loaders(self.api)

    @classmethod
    def for_request(
        cls,
        *,
        client: UpstreamClient,
        authorization: str | None,
        request_id: str,
    ) -> GatewayContext:
        return cls(client=client, caller=Caller(authorization, request_id))
