"""Configuration of the sandbox server, read from `SANDBOX_*` variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sandbox.fault_rules import FaultConfig

__all__ = ["SandboxSettings"]


class SandboxSettings(BaseSettings):
    """Where the sandbox listens, where it keeps its data and how it behaves.

    `database` is a SQLite path; `":memory:"` keeps everything in the process
    and a file path persists between runs. `seed` loads the demo data when the
    store holds no records yet (the workspaces and their API keys are always
    present). `admin_token` enables the `/_admin` routes; without it they
    answer 404. `default_limit` is the page size when a list request sends no
    `limit` (20 on the reference pages, 25 on the Pagination page).
    `rate_limits` refuses requests over the workspace plan's limits with 429;
    when false, usage is still counted and reported in the `X-RateLimit-*`
    headers. `idempotency_ttl_seconds` is how long an `Idempotency-Key` is
    remembered. `faults` holds the fault rules in force at start-up, as JSON
    of the same `{"rules": [...]}` shape `PUT /_admin/faults` takes.
    """

    model_config = SettingsConfigDict(env_prefix="SANDBOX_")

    host: str = "127.0.0.1"
    port: int = Field(default=8001, ge=0, le=65535)
    database: str = ":memory:"
    seed: bool = True
    admin_token: str | None = None
    default_limit: int = Field(default=20, ge=1, le=100)
    rate_limits: bool = True
    idempotency_ttl_seconds: float = Field(default=86400.0, gt=0.0)
    faults: FaultConfig = Field(default_factory=FaultConfig)

    @property
    def base_url(self) -> str:
        """The API base URL, shaped like `https://api.nodestash.io/v1`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"
