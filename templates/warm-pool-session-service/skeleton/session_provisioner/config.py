"""Everything the provisioner reads from its environment, read and checked in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
LABEL_KEY = re.compile(r"^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
TAG = re.compile(r"^[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|k|M|G)?$")


def is_pinned_image(image: str) -> bool:
    """A digest, or a tag other than `latest`: what the session Jobs may run."""
    if DIGEST.search(image):
        return True
    _name, sep, tag = image.rsplit("/", 1)[-1].partition(":")
    return bool(sep) and bool(TAG.match(tag)) and tag != "latest" and not any(c.isspace() for c in image)


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names the environment variable."""


@dataclass(frozen=True)
class Resources:
    cpu_request: str = "50m"
    cpu_limit: str = "250m"
    memory_request: str = "64Mi"
    memory_limit: str = "128Mi"


@dataclass(frozen=True)
class Settings:
    namespace: str
    app_name: str
    session_image: str
    pool_name: str = "warm"
    pool_size: int = 4
    max_sessions: int = 50
    session_port: int = 8080
    session_service_account: str = ""
    session_max_seconds: int = 3600
    pod_max_lifetime_seconds: int = 86400
    session_idle_exit_seconds: int = 300
    session_ttl_after_finished_seconds: int = 300
    replenish_interval_seconds: float = 5.0
    on_demand_wait_seconds: float = 90.0
    max_creates_per_round: int = 10
    session_url_template: str = "ws://{pod_ip}:{port}/ws"
    pool_label: str = "pool"
    assigned_label: str = "assigned"
    session_label: str = "session-id"
    session_resources: Resources = field(default_factory=Resources)
    port: int = 8081

    @property
    def pool_selector(self) -> str:
        return f"{self.pool_label}={self.pool_name}"

    @property
    def target_annotation(self) -> str:
        """The value of `fleetdeck.io/warm-pool-target` that states this pool's size to the dashboard."""
        return f"{self.pool_name}={self.pool_size}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        def text(name: str, default: str | None = None) -> str:
            value = env.get(name, "").strip()
            if value:
                return value
            if default is None:
                raise ConfigError(f"{name} is required")
            return default

        def integer(name: str, default: int, minimum: int, maximum: int) -> int:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
            if not minimum <= value <= maximum:
                raise ConfigError(f"{name} must be between {minimum} and {maximum}, got {value}")
            return value

        def seconds(name: str, default: float, minimum: float) -> float:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
            if value < minimum:
                raise ConfigError(f"{name} must be at least {minimum}, got {value}")
            return value

        def dns_label(name: str, default: str | None = None) -> str:
            value = text(name, default)
            if not DNS_LABEL.match(value):
                raise ConfigError(f"{name} must be a DNS label (lower-case letters, digits, '-'), got {value!r}")
            return value

        def label_key(name: str, default: str) -> str:
            value = text(name, default)
            if not LABEL_KEY.match(value):
                raise ConfigError(f"{name} must be a Kubernetes label key, got {value!r}")
            return value

        def quantity(name: str, default: str) -> str:
            value = text(name, default)
            if not QUANTITY.match(value):
                raise ConfigError(f"{name} must be a Kubernetes quantity such as 250m or 128Mi, got {value!r}")
            return value

        image = text("SESSION_IMAGE")
        if not is_pinned_image(image):
            raise ConfigError(f"SESSION_IMAGE must name a pinned tag or digest, not {image!r}")
        url_template = text("SESSION_URL_TEMPLATE", cls.session_url_template)
        try:
            url_template.format(pod_ip="10.0.0.1", pod="p", port=1, session_id="s", namespace="n")
        except (KeyError, IndexError, ValueError) as error:
            raise ConfigError(
                "SESSION_URL_TEMPLATE may use {pod_ip}, {pod}, {port}, {session_id} and {namespace} only"
            ) from error
        pool_size = integer("POOL_SIZE", 4, 0, 500)
        return cls(
            namespace=dns_label("POD_NAMESPACE"),
            app_name=dns_label("APP_NAME"),
            session_image=image,
            pool_name=dns_label("POOL_NAME", "warm"),
            pool_size=pool_size,
            max_sessions=integer("MAX_SESSIONS", 50, 1, 10000),
            session_port=integer("SESSION_PORT", 8080, 1, 65535),
            session_service_account=text("SESSION_SERVICE_ACCOUNT", ""),
            session_max_seconds=integer("SESSION_MAX_SECONDS", 3600, 60, 7 * 24 * 3600),
            pod_max_lifetime_seconds=integer("POD_MAX_LIFETIME_SECONDS", 86400, 600, 30 * 24 * 3600),
            session_idle_exit_seconds=integer("SESSION_IDLE_EXIT_SECONDS", 300, 0, 24 * 3600),
            session_ttl_after_finished_seconds=integer("SESSION_TTL_AFTER_FINISHED_SECONDS", 300, 0, 7 * 24 * 3600),
            replenish_interval_seconds=seconds("REPLENISH_INTERVAL_SECONDS", 5.0, 0.5),
            on_demand_wait_seconds=seconds("ON_DEMAND_WAIT_SECONDS", 90.0, 0.0),
            max_creates_per_round=integer("MAX_CREATES_PER_ROUND", 10, 1, 500),
            session_url_template=url_template,
            pool_label=label_key("POOL_LABEL", "pool"),
            assigned_label=label_key("ASSIGNED_LABEL", "assigned"),
            session_label=label_key("SESSION_LABEL", "session-id"),
            session_resources=Resources(
                cpu_request=quantity("SESSION_CPU_REQUEST", "50m"),
                cpu_limit=quantity("SESSION_CPU_LIMIT", "250m"),
                memory_request=quantity("SESSION_MEMORY_REQUEST", "64Mi"),
                memory_limit=quantity("SESSION_MEMORY_LIMIT", "128Mi"),
            ),
            port=integer("PORT", 8081, 1, 65535),
        )
