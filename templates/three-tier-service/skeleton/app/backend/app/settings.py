"""Configuration from the environment (ConfigMap and Secret in Kubernetes); nothing secret has a default."""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    service_name: str
    database_host: str
    database_port: int
    database_name: str
    database_user: str
    database_password: str
    pool_min: int
    pool_max: int
    connect_timeout_seconds: int
    statement_timeout_ms: int
    log_level: str

    @property
    def database_dsn(self) -> str:
        return (
            f"host={self.database_host} port={self.database_port} dbname={self.database_name} "
            f"user={self.database_user} password={self.database_password} "
            f"connect_timeout={self.connect_timeout_seconds} "
            f"options='-c statement_timeout={self.statement_timeout_ms}' application_name={self.service_name}"
        )


def load_settings(env=None) -> Settings:
    env = os.environ if env is None else env
    return Settings(
        service_name=env.get("SERVICE_NAME", "${{ values.name }}-backend"),
        database_host=env.get("DATABASE_HOST", "localhost"),
        database_port=int(env.get("DATABASE_PORT", "5432")),
        database_name=env.get("DATABASE_NAME", "${{ values.name | replace('-', '_') }}"),
        database_user=env.get("DATABASE_USER", "${{ values.name | replace('-', '_') }}_app"),
        database_password=env.get("DATABASE_PASSWORD", ""),
        pool_min=int(env.get("DATABASE_POOL_MIN", "1")),
        pool_max=int(env.get("DATABASE_POOL_MAX", "10")),
        connect_timeout_seconds=int(env.get("DATABASE_CONNECT_TIMEOUT_SECONDS", "3")),
        statement_timeout_ms=int(env.get("DATABASE_STATEMENT_TIMEOUT_MS", "5000")),
        log_level=env.get("LOG_LEVEL", "INFO"),
    )
