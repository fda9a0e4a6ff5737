"""Questions about what an operation selects, asked before fetching anything."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from strawberry.types.nodes import (
    FragmentSpread,
    InlineFragment,
    SelectedField,
    Selection,
)

__all__ = ["selects"]


def selects(
    selections: Sequence[Selection],
    names: frozenset[str],
    *,
    under: Sequence[Sequence[str]] = ((),),
) -> bool:
    """Whether any of ``names`` is selected at one of the ``under`` paths.

    Args:
        selections: the resolver's ``info.selected_fields``.
        names: GraphQL field names to look for, e.g. ``{"customFields"}``.
        under: paths of field names below the resolver's field, e.g.
            ``(("nodes",), ("edges", "node"))`` for a connection's nodes.
    """
    return any(
        isinstance(field, SelectedField) and field.name in names
        for path in under
        for field in _descend(_fields(_children(selections)), path)
    )


def _descend(fields: Iterable[Selection], path: Sequence[str]) -> Iterator[Selection]:
    if not path:
        yield from fields
        return
    head, rest = path[0], path[1:]
    for field in fields:
        if isinstance(field, SelectedField) and field.name == head:
            yield from _descend(_fields(field.selections), rest)


def _children(selections: Sequence[Selection]) -> list[Selection]:
    # The resolver's own field: what we want are the fields under it.
    return [child for field in selections for child in field.selections]


def _fields(selections: Iterable[Selection]) -> Iterator[Selection]:
    for selection in selections:
        if isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)
        else:
            yield selection
