"""Gateway settings: read once from ``GATEWAY_*`` variables and passed where needed."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["GatewaySettings"]

NODESTASH_API_URL = "https://api.nodestash.io/v1"


class GatewaySettings(BaseSettings):
    """Everything the gateway can be told, with production-safe defaults.

    Each field is read from the environment variable of the same name, upper
    case, prefixed ``GATEWAY_`` (``upstream_url`` from ``GATEWAY_UPSTREAM_URL``).
    """

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    upstream_url: str = NODESTASH_API_URL
    upstream_timeout: float = Field(default=10.0, gt=0)
    upstream_connect_timeout: float = Field(default=3.0, gt=0)
    upstream_max_connections: int = Field(default=100, ge=1)
    upstream_concurrency: int = Field(default=50, ge=1)
    graphiql: bool = True
    graphiql_api_key: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("upstream_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")
