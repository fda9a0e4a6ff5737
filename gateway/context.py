"""The per-request context every resolver receives."""

from __future__ import annotations

from graphql import DocumentNode
from strawberry.fastapi import BaseContext

from gateway.loaders import Loaders
from gateway.nodestash import NodestashAPI
from gateway.shared import SharedState
from gateway.upstream import Caller, UpstreamClient

__all__ = ["GatewayContext"]


class GatewayContext(BaseContext):
    """One operation's caller, its nodestash calls and its DataLoaders.

    Build it inside the running event loop, once per request: the loaders it
    holds cache records for this caller only.
    """

    def __init__(
        self,
        *,
        client: UpstreamClient,
        caller: Caller,
        document: DocumentNode | None = None,
        state: SharedState | None = None,
    ) -> None:
        super().__init__()
        self.caller = caller
        self.document = document
        self.api = NodestashAPI(client, caller)
        self.loaders = Loaders(self.api, state)

    @classmethod
    def for_request(
        cls,
        *,
        client: UpstreamClient,
        authorization: str | None,
        request_id: str,
        deadline: float | None = None,
        document: DocumentNode | None = None,
        state: SharedState | None = None,
    ) -> GatewayContext:
        """A context for one request.

        Args:
            client: the process's upstream client.
            authorization: the ``Authorization`` header to forward, if any.
            request_id: the request's id, sent upstream and logged.
            deadline: ``time.monotonic()`` by which every upstream call ends.
            document: the operation, already parsed and validated.
            state: what the process shares between requests, if anything.
        """
        caller = Caller(authorization, request_id, deadline=deadline)
        return cls(
            client=client,
            caller=caller,
            document=document,
            state=state,
        )
