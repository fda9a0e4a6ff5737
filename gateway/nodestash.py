"""Typed calls to nodestash's REST resources, for one caller."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from gateway.errors import UpstreamNotFound
from gateway.records import (
    COMPANY,
    CONTACT,
    DEFINITION,
    Page,
    Record,
    Shape,
    unwrap_one,
    unwrap_page,
    unwrap_values,
)
from gateway.upstream import Caller, UpstreamClient

__all__ = ["RESOURCES", "NodestashAPI", "Resource", "is_id"]

# nodestash ids are a type prefix and opaque alphanumerics (nodestash-api.md
# §2.4). Anything else can never name a record, and must never reach a URL.
_ID_BODY = re.compile(r"[A-Za-z0-9_-]{1,128}")


def is_id(value: str, prefix: str) -> bool:
    """Whether ``value`` is shaped like a nodestash id with ``prefix``."""
    return (
        value.startswith(prefix) and _ID_BODY.fullmatch(value, len(prefix)) is not None
    )


def _segment(value: str) -> str:
    # Ids are checked before they get here; quoting keeps any slip inert.
    return quote(value, safe="")


class Resource:
    """A nodestash collection: its path, the shape of its records, its id prefix."""

    __slots__ = ("path", "shape")

    def __init__(self, path: str, shape: Shape) -> None:
        self.path = path
        self.shape = shape

    def owns(self, record_id: str) -> bool:
        """Whether ``record_id`` can name a record of this collection."""
        return is_id(record_id, self.shape.prefix)


CONTACTS = Resource("/contacts", CONTACT)
COMPANIES = Resource("/companies", COMPANY)
DEFINITIONS = Resource("/custom-fields", DEFINITION)
RESOURCES = {"contacts": CONTACTS, "companies": COMPANIES, "definitions": DEFINITIONS}


class NodestashAPI:
    """nodestash's endpoints as methods, all sent with one caller's credential.

    Reads of a missing record answer None (nodestash's 404); every other
    failure raises the ``UpstreamError`` subclass the client chose.
    """

    __slots__ = ("caller", "client")

    contacts = CONTACTS
    companies = COMPANIES
    definitions = DEFINITIONS

    def __init__(self, client: UpstreamClient, caller: Caller) -> None:
        self.client = client
        self.caller = caller

    async def get(
        self, resource: Resource, record_id: str, *, include: str | None = None
    ) -> Record | None:
        """Fetch one record, or None when nodestash has no such id."""
        if not resource.owns(record_id):
            return None
        path = f"{resource.path}/{_segment(record_id)}"
        params = {"include": include} if include else None
        try:
            body = await self.client.request(self.caller, "GET", path, params=params)
        except UpstreamNotFound:
            return None
        return unwrap_one(body, resource.shape, method="GET", path=path)

    async def page(self, resource: Resource, params: Mapping[str, str]) -> Page:
        body = await self.client.request(
            self.caller, "GET", resource.path, params=params
        )
        return unwrap_page(body, resource.shape, method="GET", path=resource.path)

    async def create(self, resource: Resource, body: dict[str, Any]) -> Record:
        answer = await self._write("POST", resource.path, body)
        return unwrap_one(answer, resource.shape, method="POST", path=resource.path)

    async def update(
        self, resource: Resource, record_id: str, body: dict[str, Any]
    ) -> Record:
        path = f"{resource.path}/{_segment(record_id)}"
        answer = await self._write("PATCH", path, body)
        return unwrap_one(answer, resource.shape, method="PATCH", path=path)

    async def delete(self, resource: Resource, record_id: str) -> None:
        await self.client.request(
            self.caller, "DELETE", f"{resource.path}/{_segment(record_id)}"
        )

    async def set_values(
        self, entity_path: str, entity_id: str, fields: dict[str, Any]
    ) -> list[Record]:
        """Merge custom field values into one entity; answer all of its values."""
        path = f"/{entity_path}/{_segment(entity_id)}/custom-fields"
        answer = await self._write("PUT", path, {"fields": fields})
        return unwrap_values(answer, method="PUT", path=path)

    async def _write(self, method: str, path: str, body: dict[str, Any]) -> object:
        # A fresh key per mutation lets a retried write be recognised upstream
        # instead of applied twice (nodestash-api.md §9).
        return await self.client.request(
            self.caller,
            method,
            path,
            body=body,
            idempotency_key=str(uuid.uuid4()),
        )
