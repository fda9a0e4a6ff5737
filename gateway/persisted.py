"""Persisted operations: automatic persisted queries, and trusted documents.

Automatic persisted queries (the protocol Apollo Client and others speak): a
client sends only ``extensions.persistedQuery.sha256Hash``; an unknown hash
answers ``PERSISTED_QUERY_NOT_FOUND``, and the client sends the text with the
hash once, which registers it. Registered documents live in the shared state
(Redis when configured), so every worker and replica knows them.

Trusted documents: with a manifest configured, only the operations in it run,
whether a client names one by hash (``persistedQuery.sha256Hash`` or
``documentId: "sha256:<hex>"``) or sends its exact text. The manifest is
Apollo's persisted query manifest (``{"format":
"apollo-persisted-query-manifest", "operations": [{"id", "body", ...}]}``) or a
plain ``{"<sha256>": "<document>"}`` object.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import orjson

from gateway.errors import GatewayError
from gateway.shared import SharedState

__all__ = ["PersistedDocuments", "PersistedQueryError", "load_manifest"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PersistedQueryError(GatewayError):
    """A persisted-operation request that cannot be served as sent."""

    code: ClassVar[str] = "PERSISTED_QUERY_NOT_FOUND"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.error_code = code or self.code

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.error_code}


def digest(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """Read a trusted documents manifest; every id must be its body's hash.

    Raises:
        ValueError: the file is not a manifest, or an id does not match.
    """
    data = orjson.loads(path.read_bytes())
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        pairs = [(op.get("id"), op.get("body")) for op in data["operations"]]
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ValueError(f"{path} is not a persisted documents manifest")
    documents: dict[str, str] = {}
    for key, body in pairs:
        key = str(key).removeprefix("sha256:")
        if not isinstance(body, str) or digest(body) != key:
            raise ValueError(f"{path}: the document {key!r} does not match its hash")
        documents[key] = body
    return documents


class PersistedDocuments:
    """Turns a request's query text and extensions into the text to run."""

    def __init__(
        self, state: SharedState, trusted: Mapping[str, str] | None = None
    ) -> None:
        self.state = state
        self.trusted = trusted
        self.to_register: str | None = None
        self.query: str | None = None

    async def resolve(
        self,
        query: str | None,
        extensions: Mapping[str, Any] | None,
        document_id: str | None = None,
    ) -> str:
        """The operation text to run.

        Raises:
            PersistedQueryError: unknown hash, mismatching text, or (trusted
                mode) a document not in the manifest.
        """
        self.query = query
        wanted = _requested_hash(extensions, document_id)
        if self.trusted is not None:
            return self._trusted(query, wanted)
        if wanted is None:
            if query is None:
                raise PersistedQueryError(
                    "Send the operation as query, or its hash in "
                    "extensions.persistedQuery.",
                    "BAD_REQUEST",
                )
            return query
        if query is None:
            found = await self.state.document(wanted)
            if found is None:
                raise PersistedQueryError("PersistedQueryNotFound")
            return found
        if digest(query) != wanted:
            raise PersistedQueryError(
                "provided sha does not match query", "BAD_REQUEST"
            )
        self.to_register = wanted
        return query

    async def register(self) -> None:
        """Remember the text just resolved under its hash, once it proved valid.

        Only automatic persisted queries register; trusted documents come from
        their manifest alone.
        """
        if self.to_register is not None and self.query is not None:
            await self.state.register_document(self.to_register, self.query)

    def _trusted(self, query: str | None, wanted: str | None) -> str:
        assert self.trusted is not None
        key = wanted if wanted is not None else digest(query or "")
        found = self.trusted.get(key)
        if found is None:
            if wanted is not None and query is None:
                raise PersistedQueryError("PersistedQueryNotFound")
            raise PersistedQueryError(
                "Only the operations of this gateway's trusted documents may run.",
                "TRUSTED_DOCUMENT_REQUIRED",
            )
        if query is not None and query != found:
            raise PersistedQueryError(
                "provided sha does not match query", "BAD_REQUEST"
            )
        return found


def _requested_hash(
    extensions: Mapping[str, Any] | None, document_id: str | None
) -> str | None:
    if document_id is not None:
        if not isinstance(document_id, str) or not document_id.startswith("sha256:"):
            raise PersistedQueryError(
                'documentId must look like "sha256:<hex>".', "BAD_REQUEST"
            )
        return _checked_hash(document_id.removeprefix("sha256:"))
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryError(
            "extensions.persistedQuery must be {version: 1, sha256Hash}.",
            "PERSISTED_QUERY_NOT_SUPPORTED",
        )
    return _checked_hash(persisted.get("sha256Hash"))


def _checked_hash(value: object) -> str:
    if not isinstance(value, str) or not _SHA256.match(value):
        raise PersistedQueryError(
            "A persisted query hash is 64 lowercase hex digits.", "BAD_REQUEST"
        )
    return value
