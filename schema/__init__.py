"""The GraphQL surface of the gateway: types, inputs, queries and mutations."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.context import GatewayContext
from gateway.documents import UsePreparedDocument
from gateway.graphql_errors import classify
from gateway.observability import OperationLog
from schema.custom_fields import (
    BooleanCustomFieldValue,
    DateCustomFieldValue,
    MultiSelectCustomFieldValue,
    NumberCustomFieldValue,
    TextCustomFieldValue,
    UntypedCustomFieldValue,
)
from schema.mutations import Mutation
from schema.queries import Query
from schema.scalars import SCALARS

__all__ = ["GatewaySchema", "build_schema"]


class GatewaySchema(strawberry.Schema):
    """Strawberry's schema, with error codes and logging done our way."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        context: Any = execution_context.context if execution_context else None
        request_id = (
            context.caller.request_id if isinstance(context, GatewayContext) else None
        )
        classify(errors, request_id=request_id)


def build_schema() -> GatewaySchema:
    """The gateway's schema, ready to execute."""
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        extensions=[UsePreparedDocument, OperationLog],
        config=StrawberryConfig(scalar_map=SCALARS),
        types=[
            TextCustomFieldValue,
            NumberCustomFieldValue,
            BooleanCustomFieldValue,
            DateCustomFieldValue,
            MultiSelectCustomFieldValue,
            UntypedCustomFieldValue,
        ],
    )
