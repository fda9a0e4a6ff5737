"""List contacts with their company and custom fields, using the gql client.

    pip install 'gql[httpx]'
    python examples/python_gql.py                       # the demo of `make run`
    python examples/python_gql.py --tag vip --limit 25  # filter and page
    python examples/python_gql.py --url https://gateway.example/graphql \\
        --key nds_live_...                              # a deployed gateway

The URL and key can also come from NODESTASH_GATEWAY_URL and NODESTASH_API_KEY;
both default to the demo. `--json` prints the contacts as JSON instead.
Exits with status 1 when the gateway answers with GraphQL errors, 2 when it
cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import httpx
from gql import Client, GraphQLRequest
from gql.client import SyncClientSession
from gql.transport.exceptions import TransportError, TransportQueryError
from gql.transport.httpx import HTTPXTransport

DEMO_URL = "http://127.0.0.1:8000/graphql"
DEMO_KEY = "nds_test_demo4Kq8Zr2Lw6Xv1Nb5Tj9Hs3Pa"

CONTACTS = GraphQLRequest(
    """
    query ExampleContacts($first: Int!, $after: String, $filter: ContactFilter) {
      contacts(
        first: $first
        after: $after
        filter: $filter
        orderBy: [{field: LAST_NAME}, {field: FIRST_NAME}]
      ) {
        nodes {
          id
          firstName
          lastName
          email
          tags
          company {
            name
            domain
          }
          customFields {
            slug
            rawValue
            definition {
              name
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
    """,
    operation_name="ExampleContacts",
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    transport = HTTPXTransport(
        url=args.url,
        headers={"Authorization": f"Bearer {args.key}"},
        timeout=args.timeout,
    )
    client = Client(transport=transport, execute_timeout=args.timeout)
    try:
        with client as session:
            contacts = list(_contacts(session, args.limit, args.page_size, args.tag))
    except TransportQueryError as error:
        for item in error.errors or [{"message": str(error)}]:
            code = item.get("extensions", {}).get("code", "ERROR")
            _fail(f"{code}: {item.get('message')}")
        return 1
    except (TransportError, httpx.HTTPError) as error:
        _fail(f"cannot reach {args.url}: {error}")
        return 2

    if args.json:
        sys.stdout.write(json.dumps(contacts, indent=2) + "\n")
    else:
        sys.stdout.write("".join(_describe(contact) for contact in contacts))
    return 0


def _contacts(
    session: SyncClientSession, limit: int, page_size: int, tags: list[str]
) -> Iterator[dict[str, Any]]:
    """Contacts page by page, following `endCursor`, until `limit` of them."""
    after: str | None = None
    remaining = limit
    while remaining > 0:
        variables = {
            "first": min(remaining, page_size),
            "after": after,
            "filter": {"tags": tags} if tags else None,
        }
        result = session.execute(GraphQLRequest(CONTACTS, variable_values=variables))
        page = result["contacts"]
        yield from page["nodes"]
        remaining -= len(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def _describe(contact: dict[str, Any]) -> str:
    name = " ".join(filter(None, [contact["firstName"], contact["lastName"]]))
    lines = [f"{name or '(no name)'} <{contact['email'] or '-'}>  {contact['id']}"]
    if company := contact["company"]:
        domain = f" ({company['domain']})" if company["domain"] else ""
        lines.append(f"  company: {company['name']}{domain}")
    if contact["tags"]:
        lines.append(f"  tags: {', '.join(contact['tags'])}")
    for field in contact["customFields"]:
        label = field["definition"]["name"] if field["definition"] else field["slug"]
        lines.append(f"  {label}: {json.dumps(field['rawValue'])}")
    return "\n".join(lines) + "\n"


def _fail(message: str) -> None:
    sys.stderr.write(message + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="List contacts through the nodestash GraphQL gateway."
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("NODESTASH_GATEWAY_URL", DEMO_URL),
        help="the gateway's GraphQL endpoint (env NODESTASH_GATEWAY_URL)",
    )
    parser.add_argument(
        "--key",
        default=os.environ.get("NODESTASH_API_KEY", DEMO_KEY),
        help="a nodestash API key (env NODESTASH_API_KEY)",
    )
    parser.add_argument("--limit", type=int, default=10, help="contacts to list")
    parser.add_argument(
        "--page-size", type=int, default=50, help="contacts per request (1-100)"
    )
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        help="only contacts with this tag (repeatable: all must match)",
    )
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


if __name__ == "__main__":
    sys.exit(main())
