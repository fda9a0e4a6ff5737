"""The floor: hand-written nodestash clients that answer each workload directly.

Each client fetches what its workload's document asks for with the fewest
REST calls on the shortest critical path nodestash allows, and builds the very
JSON the gateway answers (``{"data": ...}``). What the gateway costs beyond
these clients is its own overhead.

Every client takes an ``httpx.AsyncClient`` whose base URL is nodestash's
``/v1`` and which already sends the caller's ``Authorization`` header.
"""

from __future__ import annotations

import asyncio
import datetime
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import httpx
import orjson

__all__ = ["FLOOR_CLIENTS", "FloorClient"]

JSON = dict[str, Any]
FloorClient = Callable[[httpx.AsyncClient, Mapping[str, Any]], Awaitable[JSON]]

_TEXT_TYPES = frozenset({"text", "url", "email", "phone", "select"})


async def _get(http: httpx.AsyncClient, path: str, **params: str) -> Any:
    response = await http.get(path, params=params or None)
    response.raise_for_status()
    return orjson.loads(response.content)


async def _get_or_none(http: httpx.AsyncClient, path: str, **params: str) -> Any:
    response = await http.get(path, params=params or None)
    if response.status_code == 404:
        return None
    response.raise_for_status()
    return orjson.loads(response.content)["data"]["attributes"]


def _records(body: Any) -> list[JSON]:
    return [item["attributes"] for item in body["data"]]


# W1 flat ------------------------------------------------------------------


def _flat_contact(record: JSON) -> JSON:
    return {
        "id": record["id"],
        "email": record.get("email"),
        "firstName": record.get("first_name"),
        "lastName": record.get("last_name"),
        "phone": record.get("phone"),
        "title": record.get("title"),
        "source": record.get("source"),
        "companyId": record.get("company_id"),
        "createdAt": record["created_at"],
        "updatedAt": record["updated_at"],
    }


async def flat(http: httpx.AsyncClient, variables: Mapping[str, Any]) -> JSON:
    """W1: one list call."""
    body = await _get(http, "/contacts", limit="100")
    records = _records(body)
    has_next = body["meta"]["pagination"]["has_more"] and len(records) >= 100
    connection = {
        "nodes": [_flat_contact(record) for record in records],
        "pageInfo": {"hasNextPage": has_next},
    }
    return {"data": {"contacts": connection}}


# W2 nested ----------------------------------------------------------------


async def _definitions(http: httpx.AsyncClient, entity_type: str) -> list[JSON]:
    definitions: list[JSON] = []
    params = {"entity_type": entity_type, "limit": "100"}
    while True:
        body = await _get(http, "/custom-fields", **params)
        definitions.extend(_records(body))
        cursor = body["meta"]["pagination"]["next_cursor"]
        if cursor is None:
            return definitions
        params["cursor"] = cursor


def _typed_value(slug: str, raw: Any, definition: JSON | None) -> JSON:
    """One value as the W2 selection shows it: ``slug`` plus an aliased value."""
    kind = definition["field_type"] if definition is not None else None
    if kind in _TEXT_TYPES and isinstance(raw, str):
        return {"slug": slug, "text": raw}
    if kind == "number" and _is_number(raw):
        return {"slug": slug, "number": float(raw)}
    if kind == "boolean" and isinstance(raw, bool):
        return {"slug": slug, "flag": raw}
    if kind == "date" and _is_date(raw):
        return {"slug": slug, "date": raw}
    if kind == "multi_select" and _is_string_list(raw):
        return {"slug": slug, "options": raw}
    return {"slug": slug, "raw": raw}


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _custom_fields(
    values: Mapping[str, Any], by_slug: Mapping[str, JSON]
) -> list[JSON]:
    # Definitions' display order first, then values without one, by slug.
    def order(slug: str) -> tuple[int, int, str]:
        definition = by_slug.get(slug)
        if definition is None:
            return (1, 0, slug)
        return (0, definition.get("display_order") or 0, slug)

    return [
        _typed_value(slug, values[slug], by_slug.get(slug))
        for slug in sorted(values, key=order)
    ]


async def _companies_by_id(
    http: httpx.AsyncClient, ids: Iterable[str]
) -> dict[str, JSON | None]:
    distinct = list(dict.fromkeys(ids))
    found = await asyncio.gather(
        *(_get_or_none(http, f"/companies/{company_id}") for company_id in distinct)
    )
    return dict(zip(distinct, found, strict=True))


async def nested(http: httpx.AsyncClient, variables: Mapping[str, Any]) -> JSON:
    """W2: the list and the definitions together, then each distinct company."""
    body, definitions = await asyncio.gather(
        _get(http, "/contacts", limit="50"), _definitions(http, "contact")
    )
    records = _records(body)
    company_ids = [r["company_id"] for r in records if r.get("company_id")]
    companies = await _companies_by_id(http, company_ids)
    by_slug = {definition["slug"]: definition for definition in definitions}

    def node(record: JSON) -> JSON:
        company = companies.get(record.get("company_id") or "")
        return {
            "id": record["id"],
            "firstName": record.get("first_name"),
            "lastName": record.get("last_name"),
            "company": (
                {"name": company["name"], "domain": company.get("domain")}
                if company
                else None
            ),
            "customFields": _custom_fields(record.get("custom_fields") or {}, by_slug),
        }

    return {"data": {"contacts": {"nodes": [node(record) for record in records]}}}


# W3 lookups ---------------------------------------------------------------


def _looked_up(record: JSON | None) -> JSON | None:
    if record is None:
        return None
    company = record.get("company")
    return {
        "id": record["id"],
        "firstName": record.get("first_name"),
        "lastName": record.get("last_name"),
        "email": record.get("email"),
        "company": {"name": company["name"]} if company else None,
    }


async def lookups(http: httpx.AsyncClient, variables: Mapping[str, Any]) -> JSON:
    """W3: one ``include=company`` read per distinct id, all together."""
    distinct = list(dict.fromkeys(variables.values()))
    records = await asyncio.gather(
        *(
            _get_or_none(http, f"/contacts/{contact_id}", include="company")
            for contact_id in distinct
        )
    )
    by_id = dict(zip(distinct, records, strict=True))
    data = {alias: _looked_up(by_id[cid]) for alias, cid in variables.items()}
    return {"data": data}


# W4 fan-in ----------------------------------------------------------------


def _member(record: JSON) -> JSON:
    return {
        "id": record["id"],
        "firstName": record.get("first_name"),
        "lastName": record.get("last_name"),
        "email": record.get("email"),
    }


async def fan_in(http: httpx.AsyncClient, variables: Mapping[str, Any]) -> JSON:
    """W4: the company list, then each company's contact list, all together."""
    companies = _records(await _get(http, "/companies", limit="20"))
    pages = await asyncio.gather(
        *(
            _get(http, "/contacts", company_id=company["id"], limit="10")
            for company in companies
        )
    )
    nodes = [
        {
            "id": company["id"],
            "name": company["name"],
            "domain": company.get("domain"),
            "contacts": {"nodes": [_member(r) for r in _records(page)]},
        }
        for company, page in zip(companies, pages, strict=True)
    ]
    return {"data": {"companies": {"nodes": nodes}}}


# W5 write -----------------------------------------------------------------


async def write(http: httpx.AsyncClient, variables: Mapping[str, Any]) -> JSON:
    """W5: one PATCH."""
    contact_id = variables["id"]
    response = await http.patch(
        f"/contacts/{contact_id}",
        content=orjson.dumps({"title": variables["title"]}),
        headers={"Content-Type": "application/json"},
    )
    response.raise_for_status()
    record = orjson.loads(response.content)["data"]["attributes"]
    contact = {
        "id": record["id"],
        "firstName": record.get("first_name"),
        "lastName": record.get("last_name"),
        "title": record.get("title"),
        "updatedAt": record["updated_at"],
    }
    return {"data": {"updateContact": {"contact": contact}}}


FLOOR_CLIENTS: dict[str, FloorClient] = {
    "W1": flat,
    "W2": nested,
    "W3": lookups,
    "W4": fan_in,
    "W5": write,
}
