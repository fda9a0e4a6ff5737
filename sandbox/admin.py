"""The admin API: request statistics, fault rules and workspace plans.

Admin routes need `X-Admin-Token: <SANDBOX_ADMIN_TOKEN>`; a missing or wrong
token is 401 `INVALID_ADMIN_TOKEN`. Without a configured token the routes
answer 404 as if they did not exist. Admin requests are not counted, rate
limited or faulted.

- `GET /_admin/stats`, `POST /_admin/stats/reset`: requests by route key.
- `GET`/`PUT`/`DELETE /_admin/faults`: the fault rules, `{"rules": [...]}`;
  PUT replaces them all (and reseeds their random draws) and answers the
  rules now in force; DELETE clears them.
- `GET`/`PUT /_admin/workspaces/{api_key}/plan`: the plan of the key's
  workspace, `{"plan", "daily_limit", "burst_limit"}`; PUT takes a plan name
  and optional limit overrides and starts the workspace's usage afresh.
Bad admin bodies are 400 `VALIDATION_ERROR` with `details`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Annotated, TypeVar

import orjson
import pydantic
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sandbox.context import SandboxState, sandbox_state
from sandbox.database import ApiKey
from sandbox.errors import InvalidAdminToken, NotFound, ValidationFailed
from sandbox.fault_rules import FaultConfig, route_problems
from sandbox.plans import PLANS, read_plan, write_plan
from sandbox.routes import router as api_router
from sandbox.routing import api_route_keys
from sandbox.types import FieldError
from sandbox.validation import parse_body

__all__ = ["router"]

router = APIRouter(prefix="/_admin")

Model = TypeVar("Model", bound=pydantic.BaseModel)


class PlanChoice(pydantic.BaseModel):
    """The body of `PUT /_admin/workspaces/{api_key}/plan`."""

    model_config = pydantic.ConfigDict(extra="forbid")

    plan: str
    daily_limit: int | None = pydantic.Field(default=None, ge=1)
    burst_limit: int | None = pydantic.Field(default=None, ge=1)

    @pydantic.field_validator("plan")
    @classmethod
    def _known_plan(cls, name: str) -> str:
        if name not in PLANS:
            raise ValueError(f"Expected one of {', '.join(PLANS)}")
        return name


async def _admin_state(request: Request) -> SandboxState:
    state = sandbox_state(request)
    expected = state.settings.admin_token
    if expected is None:
        raise NotFound("Route not found")
    given = request.headers.get("x-admin-token", "")
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise InvalidAdminToken()
    return state


AdminState = Annotated[SandboxState, Depends(_admin_state)]


def _json(body: object) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


def _read(model: type[Model], raw_body: bytes) -> Model:
    try:
        return model.model_validate(parse_body(raw_body))
    except pydantic.ValidationError as exc:
        details = [_field_error(error["loc"], error["msg"]) for error in exc.errors()]
        raise ValidationFailed(details=details) from None


def _field_error(location: Sequence[int | str], message: str) -> FieldError:
    return FieldError(".".join(str(part) for part in location) or "body", message)


@router.get("/stats")
async def get_stats(state: AdminState) -> Response:
    """Requests counted since start-up or the last reset, by route."""
    return _json(state.counter.snapshot().as_json())


@router.post("/stats/reset")
async def reset_stats(state: AdminState) -> Response:
    state.counter.reset()
    return Response(status_code=204)


def _faults_json(state: SandboxState) -> Response:
    return _json({"rules": [rule.model_dump() for rule in state.faults.rules()]})


@router.get("/faults")
async def get_faults(state: AdminState) -> Response:
    return _faults_json(state)


@router.put("/faults")
async def put_faults(request: Request, state: AdminState) -> Response:
    config = _read(FaultConfig, await request.body())
    problems = route_problems(config, known=api_route_keys(api_router.routes))
    if problems:
        raise ValidationFailed(details=problems)
    state.faults.replace(config.rules)
    return _faults_json(state)


@router.delete("/faults")
async def delete_faults(state: AdminState) -> Response:
    state.faults.replace([])
    return Response(status_code=204)


def _granted(state: SandboxState, api_key: str) -> ApiKey:
    granted = state.store.api_key(api_key)
    if granted is None:
        raise NotFound("API key not found")
    return granted


@router.get("/workspaces/{api_key}/plan")
async def get_plan(state: AdminState, api_key: str) -> Response:
    granted = _granted(state, api_key)
    return _json(read_plan(state.store, granted.workspace_id).as_json())


@router.put("/workspaces/{api_key}/plan")
async def put_plan(request: Request, state: AdminState, api_key: str) -> Response:
    granted = _granted(state, api_key)
    choice = _read(PlanChoice, await request.body())
    plan = write_plan(
        state.store,
        granted.workspace_id,
        name=choice.plan,
        daily_limit=choice.daily_limit,
        burst_limit=choice.burst_limit,
    )
    state.limiter.forget(granted.workspace_id)
    return _json(plan.as_json())
