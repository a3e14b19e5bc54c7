"""The gateway's configuration: `GatewayConfig` and reading it from a JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from edgecloud.errors import ParamsError
from edgecloud.params import DEFAULT_SYSTEM_PROMPT

GATEWAY_LOGGER = "edgecloud.serve.gateway"  # every gateway module logs under this name
GATEWAY_MODEL = "edge-gateway"
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class GatewayConfig(BaseModel):
    """Everything the gateway needs; secrets are referenced by environment-variable NAME only.

    Keeping keys out of the config means the config file can be committed, logged and copied into
    a run's outputs without leaking anything.
    """

    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="loopback by default: exposing the gateway is a deliberate choice")
    port: int = Field(8100, ge=1, le=65535)
    edge_base_url: str | None = Field(
        "http://127.0.0.1:8000/v1", description="OpenAI base URL of `swift deploy` (with /v1); or edge_base_urls"
    )
    edge_base_urls: list[str] | None = Field(
        None,
        description="several edge servers serving the same model (replicas, e.g. one swift deploy per GPU or "
        "per box), instead of edge_base_url: each request goes to the one in service with the fewest outstanding "
        "requests (edge_replicas.py)",
    )
    edge_probe_interval_s: float = Field(
        2.0,
        gt=0,
        description="how often an edge replica out of service is probed (GET {base}/models) to take it back in",
    )
    edge_model: str = Field("smollm2-135m-instruct", min_length=1, description="model name the edge server serves")
    edge_system_prompt: str | None = Field(
        DEFAULT_SYSTEM_PROMPT,
        description="sent to the edge as the system message when the client sends none, so the edge model "
        "sees the prompt it was fine-tuned with (set it to params data.system_prompt); never sent to the cloud",
    )
    cloud_base_url: str | None = Field(None, description="OpenAI base URL of the cloud tier; None = edge only")
    cloud_model: str | None = None
    cloud_api_key_env: str | None = Field(None, pattern=_ENV_NAME, description="NAME of the env var with the cloud key")
    cloud_label: str = Field("cloud LLM", description="what the cloud tier is, e.g. 'local stand-in for the cloud LLM'")
    edge_timeout_s: float = Field(30.0, gt=0)
    cloud_timeout_s: float = Field(120.0, gt=0)
    health_timeout_s: float = Field(2.0, gt=0, description="per-tier timeout of GET /healthz probes")
    connect_retries: int = Field(1, ge=0, le=5, description="retries on connection errors only (nothing was sent)")
    upstream_connections: int = Field(
        512,
        ge=1,
        le=65536,
        description="connections to each tier at most, all kept alive for reuse (httpx's default "
        "keeps 20 alive: under more concurrent requests each one opened and closed a connection), in shards of 16 "
        "(upstream_pool.py)",
    )
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    max_prompt_chars: int = Field(4000, ge=1, description="limit on the characters of all messages together")
    api_keys_env: str | None = Field(
        None, pattern=_ENV_NAME, description="NAME of the env var with comma-separated client keys; None = no auth"
    )
    debug_log_prompts: bool = Field(False, description="log prompt and reply text (never keys); off in production")
    max_tokens_default: int = Field(256, ge=1, description="max_tokens when the client does not send one")
    max_tokens_limit: int = Field(
        2048,
        ge=1,
        description="largest max_tokens (or max_completion_tokens) a client "
        "may ask for; more is refused with 400 max_tokens_too_large",
    )
    routing_threshold: float | None = Field(
        None,
        description="calibrated threshold on the edge's routing score (reports/routing_calibration_<run>.json); "
        "the edge server must then answer with the forward token suppressed as first token (stack.edge_model_dir); "
        "None: the edge's reply alone decides",
    )
    forward_token: str = Field("[", min_length=1, description="first token of the forward reply (the decision token)")
    stream_routing: Literal["probe", "first_chunk"] = Field(
        "probe",
        description="how a streamed request gets its routing score when routing_threshold is set: 'probe' "
        "asks the edge for one non-streamed token with top_logprobs first (swift deploy streams the first position's "
        "log-probabilities after begin_suppress_tokens, without the forward token), then streams the answer; "
        "'first_chunk' reads the score from the stream's first chunk (the package's edge server, which streams the "
        "raw distribution)",
    )

    @field_validator("edge_base_url", "cloud_base_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        return _base_url(v)

    @field_validator("edge_base_urls")
    @classmethod
    def _http_urls(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        urls = [_base_url(u) for u in v]
        if len(set(urls)) != len(urls):
            raise ValueError(
                f"lists a URL twice ({', '.join(sorted({u for u in urls if urls.count(u) > 1}))}): "
                "each replica is one server, listed once"
            )
        return urls

    @model_validator(mode="after")
    def _one_edge_setting(self) -> "GatewayConfig":
        if (
            self.edge_base_urls is not None
            and "edge_base_url" in self.model_fields_set
            and self.edge_base_url is not None
        ):
            raise ValueError(
                "both edge_base_url and edge_base_urls are set: give one edge as edge_base_url or "
                "the replicas as edge_base_urls, not both"
            )
        if (self.edge_base_urls is None and self.edge_base_url is None) or self.edge_base_urls == []:
            raise ValueError(
                "no edge server: set edge_base_url (one edge) or edge_base_urls (a non-empty list of replicas)"
            )
        if self.edge_base_urls is not None:
            self.edge_base_url = None  # not the default single URL, which is not one of the replicas
        return self

    @property
    def edge_urls(self) -> list[str]:
        """The edge servers: the replicas, or the one edge_base_url."""
        return list(self.edge_base_urls) if self.edge_base_urls is not None else [self.edge_base_url or ""]

    @model_validator(mode="after")
    def _cloud_complete(self) -> "GatewayConfig":
        if self.cloud_base_url and not self.cloud_model:
            raise ValueError("cloud_base_url is set but cloud_model is not: name the cloud model to ask")
        if self.max_tokens_default > self.max_tokens_limit:
            raise ValueError(
                f"max_tokens_default ({self.max_tokens_default}) is above max_tokens_limit "
                f"({self.max_tokens_limit}): raise the limit or lower the default"
            )
        return self

    @property
    def cloud_configured(self) -> bool:
        return bool(self.cloud_base_url)

    def served_models(self) -> list[str]:
        """Model names a client may ask for: every request goes through the same edge-first routing."""
        return [GATEWAY_MODEL] if self.edge_model == GATEWAY_MODEL else [GATEWAY_MODEL, self.edge_model]


def _base_url(v: str) -> str:
    if not v.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https:// (the OpenAI base URL, e.g. http://127.0.0.1:8000/v1)")
    return v.rstrip("/")


def load_config(path: str | Path) -> GatewayConfig:
    """Read a GatewayConfig from a JSON file; errors name the file and the key."""
    p = Path(path)
    if not p.is_file():
        raise ParamsError(f"Gateway config not found: {p}")
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ParamsError(f"{p} line {exc.lineno}: not valid JSON: {exc.msg}") from None
    try:
        return GatewayConfig.model_validate(doc)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(x) for x in err["loc"]) or "(top level)"
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
            lines.append(f"  - key '{key}': {msg}")
        raise ParamsError(f"Invalid gateway config in {p}:\n" + "\n".join(lines)) from None
