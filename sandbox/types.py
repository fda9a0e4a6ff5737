"""Shared type aliases and small value types of the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FieldError", "JsonObject"]

# Attribute maps and request bodies: JSON objects whose values are checked with
# isinstance where they matter.
JsonObject = dict[str, object]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One entry of a validation error's `details` list (nodestash-api.md §6.2)."""

    field: str
    message: str

    def as_json(self) -> JsonObject:
        return {"field": self.field, "message": self.message}
