"""The shape of a fault rule, as the admin API and `SANDBOX_FAULTS` take it.

A rule names a route by its request-counter key (`"GET /v1/contacts/{id}"`)
or, with `route` absent or `null`, matches every `/v1` route. The four
fractions (`reset_rate`, `error_rate`, `rate_limit_rate`, `malformed_rate`)
are disjoint shares of the matching requests, so together they may not
exceed 1. `count` limits the rule to that many matching requests.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandbox.types import FieldError

__all__ = ["FaultConfig", "FaultRule", "route_problems"]

_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def _fraction() -> float:
    """A share of the matching requests, from 0 (none) to 1 (all)."""
    share: float = Field(default=0.0, ge=0.0, le=1.0)
    return share


class FaultRule(BaseModel):
    """What happens to the requests one rule matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    route: str | None = None
    latency_ms: float = Field(default=0.0, ge=0.0)
    jitter_ms: float = Field(default=0.0, ge=0.0)
    error_rate: float = _fraction()
    rate_limit_rate: float = _fraction()
    retry_after: int = Field(default=1, ge=0)
    hang_seconds: float = Field(default=0.0, ge=0.0)
    drip_bytes_per_second: int | None = Field(default=None, gt=0)
    malformed_rate: float = _fraction()
    reset_rate: float = _fraction()
    count: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _shares_fit(self) -> Self:
        if self.failure_share > 1.0 + 1e-9:
            raise ValueError(
                "reset_rate, error_rate, rate_limit_rate and malformed_rate"
                " together may not exceed 1"
            )
        return self

    @property
    def failure_share(self) -> float:
        """The fraction of matching requests this rule answers with a failure."""
        return (
            self.reset_rate
            + self.error_rate
            + self.rate_limit_rate
            + self.malformed_rate
        )


class FaultConfig(BaseModel):
    """The whole rule list: the body of `PUT /_admin/faults`."""

    model_config = ConfigDict(extra="forbid")

    rules: list[FaultRule] = Field(default_factory=list)


def route_problems(config: FaultConfig, *, known: Collection[str]) -> list[FieldError]:
    """A field error for each rule whose `route` names no route of the API.

    A route is `<METHOD> <path template>` with a template of `known` keys, or
    `/v1/*` for requests that match no route.
    """
    templates = {key.partition(" ")[2] for key in known} | {"/v1/*"}
    problems = []
    for index, rule in enumerate(config.rules):
        if rule.route is None:
            continue
        method, _, template = rule.route.partition(" ")
        if method not in _METHODS or template not in templates:
            problems.append(
                FieldError(
                    f"rules.{index}.route",
                    f"Unknown route '{rule.route}'; expected a method and a path"
                    " template, such as 'GET /v1/contacts/{id}'",
                )
            )
    return problems
