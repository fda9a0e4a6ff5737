"""The demo seed: two workspaces, their API keys and deterministic demo data.

The demo workspace (`DEMO_API_KEY`) holds 240 contacts (or as many as asked
for), 24 companies, one contact custom field of each of the nine types and
two company custom fields. Besides its full-access key it has a read-only
key (`READ_ONLY_API_KEY`: every `:read` scope) and a contacts-only key
(`CONTACTS_ONLY_API_KEY`: `contacts:read`, `contacts:write`). The second
workspace (`OTHER_API_KEY`) holds a handful of records, some with the same
emails as demo contacts, to show that workspaces are isolated. A fixed
random seed, fixed ids and fixed timestamps (contacts one minute apart, back
from `SEED_EPOCH`) give the same data on every run, so the records are
generated once per process (and size) and reused for every store.
"""

from __future__ import annotations

import functools
import random
import unicodedata
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime, timedelta

import orjson

from sandbox import demo_data
from sandbox.database import Store, fold, transaction
from sandbox.demo_data import CompanySpec, DefinitionSpec
from sandbox.identifiers import ALPHABET, ID_LENGTH, format_timestamp
from sandbox.scopes import ALL_SCOPES, READ_SCOPES
from sandbox.tables import (
    COMPANIES,
    CONTACTS,
    DEFINITIONS,
    Table,
    Workspace,
)
from sandbox.types import JsonObject

__all__ = [
    "CONTACTS_ONLY_API_KEY",
    "DEMO_API_KEY",
    "DEMO_CONTACTS",
    "DEMO_WORKSPACE_ID",
    "OTHER_API_KEY",
    "OTHER_WORKSPACE_ID",
    "READ_ONLY_API_KEY",
    "SEED_EPOCH",
    "SeedRecord",
    "generate_records",
    "prepare_store",
    "seed_store",
]

DEMO_API_KEY = "nds_test_demo4Kq8Zr2Lw6Xv1Nb5Tj9Hs3Pa"
OTHER_API_KEY = "nds_test_othr7Yc3Mf8Qe2Ud6Wg1Ko5Rn4Lz"
READ_ONLY_API_KEY = "nds_test_read2Hx7Pm4Vc9Qs1Lt6Wd3Ny8Bf"
CONTACTS_ONLY_API_KEY = "nds_test_cont5Rj1Ga8Tw3Ke6Yb2Zu9Mx4Dh"
DEMO_WORKSPACE_ID = "ws_demo000000000000000001"
OTHER_WORKSPACE_ID = "ws_other00000000000000002"
SEED_EPOCH = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
DEMO_CONTACTS = 240

SeedRecord = tuple[str, Table, JsonObject]
"""A seeded row: workspace id, table and column values."""

_WORKSPACES = (
    (DEMO_WORKSPACE_ID, "Demo workspace"),
    (OTHER_WORKSPACE_ID, "Second workspace"),
)
_API_KEYS = (
    (DEMO_API_KEY, DEMO_WORKSPACE_ID, ALL_SCOPES),
    (OTHER_API_KEY, OTHER_WORKSPACE_ID, ALL_SCOPES),
    (READ_ONLY_API_KEY, DEMO_WORKSPACE_ID, READ_SCOPES),
    (CONTACTS_ONLY_API_KEY, DEMO_WORKSPACE_ID, ("contacts:read", "contacts:write")),
)


def prepare_store(store: Store, *, seed: bool) -> None:
    """Ensure both workspaces exist; load the demo data into an empty store."""
    if seed and not store.holds_records():
        seed_store(store)
    else:
        with transaction(store.connection):
            _install_workspaces(store)


def seed_store(store: Store, *, contacts: int = DEMO_CONTACTS) -> None:
    """Load both workspaces, their keys and all demo records."""
    with transaction(store.connection):
        _install_workspaces(store)
        for workspace_id, table, row in _records(contacts):
            table.insert(Workspace(store.connection, workspace_id), row)


def generate_records(contacts: int = DEMO_CONTACTS) -> tuple[SeedRecord, ...]:
    """Every seeded record of both workspaces, freshly generated."""
    rng = random.Random(20260115)
    demo = _demo_records(rng, contacts=contacts)
    emails = [
        row["email"]
        for table, row in demo
        if table is CONTACTS and isinstance(row["email"], str)
    ]
    other = _other_records(rng, emails)
    return (
        *((DEMO_WORKSPACE_ID, table, row) for table, row in demo),
        *((OTHER_WORKSPACE_ID, table, row) for table, row in other),
    )


_records = functools.cache(generate_records)


def _install_workspaces(store: Store) -> None:
    store.connection.executemany(
        "INSERT OR IGNORE INTO workspaces (id, name) VALUES (?, ?)", _WORKSPACES
    )
    store.connection.executemany(
        "INSERT OR IGNORE INTO api_keys (key, workspace_id, scopes) VALUES (?, ?, ?)",
        [
            (api_key, workspace_id, orjson.dumps(scopes).decode())
            for api_key, workspace_id, scopes in _API_KEYS
        ],
    )


def _seed_id(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice(ALPHABET) for _ in range(ID_LENGTH))


def _at(minutes_before_epoch: int) -> str:
    return format_timestamp(SEED_EPOCH - timedelta(minutes=minutes_before_epoch))


def _later(rng: random.Random, created_minutes: int) -> str:
    """An `updated_at` at or after the creation time, often equal to it."""
    if rng.random() < 0.4:
        return _at(created_minutes)
    return _at(created_minutes - rng.randint(1, 5000))


def _demo_records(
    rng: random.Random, *, contacts: int
) -> list[tuple[Table, JsonObject]]:
    definitions = [
        *_definition_rows(rng, "contact", specs=demo_data.CONTACT_DEFINITIONS),
        *_definition_rows(rng, "company", specs=demo_data.COMPANY_DEFINITIONS),
    ]
    companies = _company_rows(rng, demo_data.COMPANIES, values=_company_values)
    people = _contact_rows(rng, companies, count=contacts)
    return [
        *((DEFINITIONS, row) for row in definitions),
        *((COMPANIES, row) for row in companies),
        *((CONTACTS, row) for row in people),
    ]


def _definition_rows(
    rng: random.Random, entity_type: str, *, specs: Sequence[DefinitionSpec]
) -> list[JsonObject]:
    rows = []
    for index, spec in enumerate(specs):
        minutes = 4000 - index - (100 if entity_type == "company" else 0)
        rows.append(
            spec._asdict()
            | {
                "id": _seed_id(rng, "cf_"),
                "entity_type": entity_type,
                "is_required": False,
                "display_order": (index + 1) * 10,
                "created_at": _at(minutes),
                "updated_at": _at(minutes),
            }
        )
    return rows


def _company_rows(
    rng: random.Random,
    specs: Sequence[CompanySpec],
    *,
    values: Callable[[random.Random, int], JsonObject],
) -> list[JsonObject]:
    rows = []
    for index, spec in enumerate(specs):
        minutes = 3000 - 7 * index
        tags = rng.sample(demo_data.COMPANY_TAGS, k=rng.choice((0, 1, 1, 2)))
        rows.append(
            spec._asdict()
            | {
                "id": _seed_id(rng, "co_"),
                "domain_key": fold(spec.domain),
                "custom_fields": values(rng, index),
                "tags": tags,
                "created_at": _at(minutes),
                "updated_at": _later(rng, minutes),
            }
        )
    return rows


def _company_values(rng: random.Random, index: int) -> JsonObject:
    if index % 5 == 4:
        return {}
    return {
        "segment": rng.choice(("smb", "mid_market", "enterprise")),
        "annual_revenue": rng.randrange(100_000, 90_000_000, 1000),
    }


def _region_value(rng: random.Random, index: int) -> JsonObject:
    return {"region": rng.choice(("North", "South", "East", "West"))}


def _contact_rows(
    rng: random.Random, companies: Sequence[JsonObject], *, count: int
) -> list[JsonObject]:
    rows: list[JsonObject] = []
    taken: set[str] = set()
    for index in range(count):
        row = _contact_row(rng, index, companies, taken=taken)
        if isinstance(row["email_key"], str):
            taken.add(row["email_key"])
        rows.append(row)
    return rows


def _contact_row(
    rng: random.Random,
    index: int,
    companies: Sequence[JsonObject],
    *,
    taken: Collection[str],
) -> JsonObject:
    first = rng.choice(demo_data.FIRST_NAMES)
    last = rng.choice(demo_data.LAST_NAMES)
    company = rng.choice(companies) if index % 6 != 5 else {"id": None, "domain": None}
    domain = company["domain"] if isinstance(company["domain"], str) else "mail.test"
    address = _email(first, last, domain, index=index, taken=taken)
    return {
        "id": _seed_id(rng, "ct_"),
        "email": address,
        "email_key": fold(address),
        "first_name": None if index % 23 == 7 else first,
        "last_name": None if index % 11 == 3 else last,
        "phone": f"+1-555-01{rng.randrange(100):02d}" if rng.random() < 0.7 else None,
        "company_id": company["id"],
        "title": rng.choice((*demo_data.TITLES, None)),
        "source": rng.choice((*demo_data.SOURCES, None)),
        "custom_fields": _contact_values(rng, index, first=first, last=last),
        "tags": rng.sample(demo_data.CONTACT_TAGS, k=rng.choice((0, 0, 1, 1, 2, 3))),
        "created_at": _at(index),
        "updated_at": _later(rng, index),
    }


def _handle(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
    return "".join(ch for ch in ascii_name.decode().lower() if ch.isalnum())


def _email(
    first: str, last: str, domain: str, *, index: int, taken: Collection[str]
) -> str | None:
    if index % 31 == 13:
        return None
    local = f"{_handle(first)}.{_handle(last)}"
    if f"{local}@{domain}" in taken:
        local += str(index)
    # Some addresses keep capitals, to exercise case-insensitive matching.
    return f"{local.title() if index % 17 == 0 else local}@{domain}"


def _contact_values(
    rng: random.Random, index: int, *, first: str, last: str
) -> JsonObject:
    if index % 10 == 9:
        return {}
    handle = f"{_handle(first)}-{_handle(last)}"
    candidates: JsonObject = {
        "nickname": rng.choice(demo_data.NICKNAMES),
        "lead_score": rng.randint(0, 100),
        "newsletter_opt_in": rng.random() < 0.5,
        "last_contacted": (
            date(2025, 1, 1) + timedelta(rng.randrange(380))
        ).isoformat(),
        "tier": rng.choice(("bronze", "silver", "gold", "platinum")),
        "interests": rng.sample(demo_data.INTERESTS, k=rng.randint(1, 3)),
        "linkedin": f"https://www.linkedin.test/in/{handle}",
        "assistant_email": f"assistant.{handle}@mail.test",
        "mobile": f"+44 7700 900{rng.randrange(1000):03d}",
    }
    values = {slug: value for slug, value in candidates.items() if rng.random() < 0.7}
    if index % 40 == 0:
        values["legacy_id"] = f"L-{index:05d}"  # a key with no definition
    return values


def _other_records(
    rng: random.Random, demo_emails: Sequence[str]
) -> list[tuple[Table, JsonObject]]:
    """A few records; the first three contacts reuse demo contacts' emails."""
    definitions = [
        *_definition_rows(rng, "contact", specs=demo_data.OTHER_CONTACT_DEFINITIONS),
        *_definition_rows(rng, "company", specs=demo_data.OTHER_COMPANY_DEFINITIONS),
    ]
    companies = _company_rows(rng, demo_data.OTHER_COMPANIES, values=_region_value)
    contacts = [_contact_row(rng, index, companies, taken=set()) for index in range(6)]
    for index, contact in enumerate(contacts):
        if index < 3:
            contact["email"] = demo_emails[index]
            contact["email_key"] = fold(demo_emails[index])
        contact["custom_fields"] = {"tier": rng.choice(("free", "paid"))}
    return [
        *((DEFINITIONS, row) for row in definitions),
        *((COMPANIES, row) for row in companies),
        *((CONTACTS, row) for row in contacts),
    ]
