"""Gateway settings: read once from ``GATEWAY_*`` variables and passed where needed."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["GatewaySettings", "Limits"]

NODESTASH_API_URL = "https://api.nodestash.io/v1"


@dataclass(frozen=True, slots=True)
class Limits:
    """How large an operation may be before any of it runs."""

    tokens: int
    depth: int
    aliases: int
    root_fields: int
    selections: int
    upstream_calls: int


class GatewaySettings(BaseSettings):
    """Everything the gateway can be told, with production-safe defaults.

    Each field is read from the environment variable of the same name, upper
    case, prefixed ``GATEWAY_`` (``upstream_url`` from ``GATEWAY_UPSTREAM_URL``).
    """

    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", extra="ignore", populate_by_name=True
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    upstream_url: str = NODESTASH_API_URL
    upstream_timeout: float = Field(default=10.0, gt=0)
    upstream_connect_timeout: float = Field(default=3.0, gt=0)
    upstream_max_connections: int = Field(default=100, ge=1)
    upstream_concurrency: int = Field(default=50, ge=1)
    upstream_retries: int = Field(default=2, ge=0, le=10)
    upstream_retry_base_delay: float = Field(default=0.1, ge=0)
    upstream_retry_max_delay: float = Field(default=2.0, ge=0)
    upstream_max_retry_after: float = Field(default=5.0, ge=0)
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_cooldown: float = Field(default=10.0, gt=0)
    operation_timeout: float = Field(default=30.0, gt=0)
    definitions_ttl: float = Field(default=30.0, ge=0)
    redis_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("GATEWAY_REDIS_URL", "REDIS_URL"),
    )
    trusted_documents: Path | None = None
    server_api_key: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    production: bool = False
    graphiql: bool = True
    graphiql_api_key: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    ready_timeout: float = Field(default=2.0, gt=0)
    metrics: bool = True
    prometheus_multiproc_dir: str | None = Field(
        default=None, validation_alias=AliasChoices("PROMETHEUS_MULTIPROC_DIR")
    )
    tracing: bool = False
    otel_traces_exporter: Literal["otlp", "console", "none"] = Field(
        default="otlp", validation_alias=AliasChoices("OTEL_TRACES_EXPORTER")
    )
    max_body_bytes: int = Field(default=2_000_000, ge=1024)
    max_tokens: int = Field(default=10_000, ge=100)
    max_depth: int = Field(default=15, ge=2)
    max_aliases: int = Field(default=50, ge=0)
    max_root_fields: int = Field(default=50, ge=1)
    max_selections: int = Field(default=5_000, ge=10)
    max_upstream_calls: int = Field(default=250, ge=1)

    @property
    def limits(self) -> Limits:
        return Limits(
            tokens=self.max_tokens,
            depth=self.max_depth,
            aliases=self.max_aliases,
            root_fields=self.max_root_fields,
            selections=self.max_selections,
            upstream_calls=self.max_upstream_calls,
        )

    @property
    def serves_graphiql(self) -> bool:
        return self.graphiql and not self.production

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("tracing")
    @classmethod
    def _tracing_needs_extra(cls, value: bool) -> bool:
        if value and importlib.util.find_spec("opentelemetry.sdk") is None:
            raise ValueError(
                "needs the tracing extra: pip install 'nodestash-gateway[tracing]'"
            )
        return value

    @field_validator("upstream_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")
