"""Operations checked before they run: parsed, measured against the limits,
validated, and cached by their text so a repeated operation costs nothing.

Measuring walks each fragment once and remembers its totals, so a small
document whose fragments spread each other many times is measured in time
proportional to its length, not to its expansion (graphql-core's own depth
and alias rules walk every spread again).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from gateway.errors import GatewayError
from gateway.settings import Limits

__all__ = [
    "OperationLimitExceeded",
    "Prepared",
    "Preparer",
    "UsePreparedDocument",
]

_CACHE_SIZE = 512

# Fields whose resolution costs nodestash calls (design.md §6): lists cost one
# call and multiply what is under them by ``first``; lookups cost one call.
_LIST_FIELDS = frozenset({"contacts", "companies", "customFieldDefinitions"})
_LOOKUP_FIELDS = frozenset({"contact", "company", "customFieldDefinition", "node"})
_DEFINITION_FIELDS = frozenset({"customFields", "customField"})
_WRITE_COST = 2
_DEFAULT_FIRST = 20


class OperationLimitExceeded(GatewayError):
    """An operation is larger than the gateway is configured to run."""

    code = "OPERATION_LIMIT_EXCEEDED"

    def __init__(self, limit: str, maximum: int, actual: int | None = None) -> None:
        found = f" ({actual})" if actual is not None else ""
        super().__init__(
            f"The operation exceeds the {limit} limit of {maximum}{found}."
        )
        self.limit = limit
        self.maximum = maximum

    @property
    def extensions(self) -> dict[str, Any]:
        return {"code": self.code, "limit": self.limit, "maximum": self.maximum}


@dataclass(frozen=True, slots=True)
class _Size:
    depth: int = 0
    aliases: int = 0
    selections: int = 0
    width: int = 0  # fields directly in the selection set, fragments expanded


@dataclass(frozen=True, slots=True)
class Prepared:
    """A parsed document, and what checking it found.

    ``errors`` holds parse, limit and validation errors; when it is empty the
    document is valid and may run.
    """

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    fragments: Mapping[str, FragmentDefinitionNode]

    def operation(self, name: str | None) -> OperationDefinitionNode | None:
        """The operation to run, as graphql-core would pick it (or None)."""
        assert self.document is not None
        operations = [
            d
            for d in self.document.definitions
            if isinstance(d, OperationDefinitionNode)
        ]
        if name is None:
            return operations[0] if len(operations) == 1 else None
        return next((o for o in operations if o.name and o.name.value == name), None)


class Preparer:
    """Parses, measures and validates operations, caching results by text."""

    def __init__(
        self, schema: GraphQLSchema, limits: Limits, *, introspection: bool = True
    ) -> None:
        self.schema = schema
        self.limits = limits
        self.rules = tuple(specified_rules)
        if not introspection:
            self.rules += (NoSchemaIntrospectionCustomRule,)
        self.prepare = lru_cache(maxsize=_CACHE_SIZE)(self._prepare)

    def _prepare(self, query: str) -> Prepared:
        try:
            document = parse(query, max_tokens=self.limits.tokens)
        except GraphQLSyntaxError as error:
            if "tokens" in error.message and "Parsing aborted" in error.message:
                too_long = OperationLimitExceeded("tokens", self.limits.tokens)
                return Prepared(None, (_as_graphql_error(too_long),), {})
            return Prepared(None, (error,), {})
        fragments = {
            d.name.value: d
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        refused = self._measure(document, fragments)
        if refused is not None:
            return Prepared(document, (_as_graphql_error(refused),), fragments)
        errors = tuple(validate(self.schema, document, self.rules))
        return Prepared(document, errors, fragments)

    def _measure(
        self,
        document: DocumentNode,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> OperationLimitExceeded | None:
        walker = _SizeWalker(fragments)
        limits = self.limits
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            selection_set = definition.selection_set
            size = walker.measure(selection_set)
            for limit, maximum, actual in (
                ("depth", limits.depth, size.depth),
                ("aliases", limits.aliases, size.aliases),
                ("selections", limits.selections, size.selections),
                ("rootFields", limits.root_fields, size.width),
            ):
                if actual > maximum:
                    return OperationLimitExceeded(limit, maximum, actual)
        return None

    def check_cost(
        self,
        prepared: Prepared,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any] | None,
    ) -> None:
        """Refuse an operation whose planned upstream calls exceed the budget.

        Raises:
            OperationLimitExceeded: with the limit ``upstreamCalls``.
        """
        walker = _CostWalker(prepared.fragments, variables or {})
        cost = walker.cost(operation.selection_set)
        if operation.operation is OperationType.MUTATION:
            cost += _WRITE_COST * len(operation.selection_set.selections)
        cost += walker.definition_sets
        if cost > self.limits.upstream_calls:
            raise OperationLimitExceeded(
                "upstreamCalls", self.limits.upstream_calls, cost
            )


def _as_graphql_error(error: OperationLimitExceeded) -> GraphQLError:
    return GraphQLError(error.message, original_error=error)


class _SizeWalker:
    """Depth, aliases and expanded selections, each fragment measured once."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.memo: dict[str, _Size] = {}

    def measure(self, selection_set: SelectionSetNode) -> _Size:
        depth = aliases = selections = width = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                child = (
                    self.measure(selection.selection_set)
                    if selection.selection_set
                    else _Size()
                )
                # Introspection nests ofType deeply by design; GraphiQL needs it.
                if not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + child.depth)
                aliases += child.aliases + (selection.alias is not None)
                selections += 1 + child.selections
                width += 1
                continue
            child = self._fragment(selection)
            depth = max(depth, child.depth)
            aliases += child.aliases
            selections += child.selections
            width += child.width
        return _Size(depth, aliases, selections, width)

    def _fragment(self, selection: Any) -> _Size:
        if isinstance(selection, InlineFragmentNode):
            return self.measure(selection.selection_set)
        assert isinstance(selection, FragmentSpreadNode)
        name = selection.name.value
        if name not in self.memo:
            fragment = self.fragments.get(name)
            # A cycle or an unknown fragment measures as empty here;
            # validation reports it.
            self.memo[name] = _Size()
            if fragment is not None:
                self.memo[name] = self.measure(fragment.selection_set)
        return self.memo[name]


class _CostWalker:
    """An upper bound of the nodestash calls an operation can make.

    Cost is linear in how many times a selection runs, so each fragment is
    costed once, for one run, and scaled where it is spread.
    """

    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.fragments = fragments
        self.variables = variables
        self.memo: dict[str, int] = {}
        self.definition_sets = 0

    def cost(self, selection_set: SelectionSetNode) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection)
            elif isinstance(selection, InlineFragmentNode):
                total += self.cost(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection.name.value)
        return total

    def _field(self, field: FieldNode) -> int:
        name = field.name.value
        below = self.cost(field.selection_set) if field.selection_set else 0
        if name in _DEFINITION_FIELDS:
            self.definition_sets = 2  # at most one list per entity type
        if name in _LIST_FIELDS:
            return 1 + self._first(field) * below
        if name in _LOOKUP_FIELDS:
            return 1 + below
        if name == "nodes" and self._argument(field, "ids") is not None:
            return self._length(field, "ids") * (1 + below)
        return below

    def _spread(self, name: str) -> int:
        if name not in self.memo:
            self.memo[name] = 0
            fragment = self.fragments.get(name)
            if fragment is not None:
                self.memo[name] = self.cost(fragment.selection_set)
        return self.memo[name]

    def _argument(self, field: FieldNode, name: str) -> Any:
        for argument in field.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                return self.variables.get(value.name.value)
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, ListValueNode):
                return value.values
        return None

    def _first(self, field: FieldNode) -> int:
        first = self._argument(field, "first")
        return first if isinstance(first, int) and first > 0 else _DEFAULT_FIRST

    def _length(self, field: FieldNode, name: str) -> int:
        """How many distinct ids a list argument names (repeats cost nothing)."""
        value = self._argument(field, name)
        if not isinstance(value, list | tuple):
            return 1
        # Literal list items are AST nodes; variable items are plain values.
        return len({str(getattr(item, "value", item)) for item in value})


class UsePreparedDocument(SchemaExtension):
    """Hands Strawberry the document the HTTP layer already parsed and
    validated, so neither step runs twice."""

    def on_parse(self) -> Iterator[None]:
        document = getattr(self.execution_context.context, "document", None)
        if document is not None:
            self.execution_context.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        document = getattr(self.execution_context.context, "document", None)
        if document is not None:
            self.execution_context.pre_execution_errors = []
        yield
