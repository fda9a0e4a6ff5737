"""The Relay ``Node`` interface: nodestash's prefixed ids are global already."""

from __future__ import annotations

import strawberry

__all__ = ["Node"]


@strawberry.interface(description="An object with a globally unique id.")
class Node:
    id: strawberry.ID
