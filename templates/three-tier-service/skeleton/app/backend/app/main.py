"""HTTP API of ${{ values.name }}: items CRUD, health endpoints for the probes, Prometheus metrics."""
import logging
import time
from typing import List, Optional

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel, Field

from .logging_setup import configure_logging
from .repository import ItemRepository, Unavailable
from .settings import Settings, load_settings
from .telemetry import configure_tracing

logger = logging.getLogger("${{ values.name }}.backend")


class ItemIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = Field("", max_length=2000)


class Item(BaseModel):
    id: int
    name: str
    description: str


def create_app(repository: Optional[ItemRepository] = None, settings: Optional[Settings] = None) -> FastAPI:
    """Builds the app; without a repository it connects to PostgreSQL on first use (so startup never blocks)."""
    settings = settings or load_settings()
    configure_logging(settings.log_level)
    app = FastAPI(title="${{ values.name }} backend", version="${{ values.appVersion }}")
    state = {"repository": repository}

    registry = CollectorRegistry()
    requests_total = Counter(
        "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
    )
    request_seconds = Histogram(
        "http_request_duration_seconds", "HTTP request duration", ["method", "route"], registry=registry
    )

    def get_repository() -> ItemRepository:
        if state["repository"] is None:
            from .repository import PostgresItemRepository

            state["repository"] = PostgresItemRepository(settings.database_dsn, settings.pool_min, settings.pool_max)
        return state["repository"]

    @app.middleware("http")
    async def observe(request: Request, call_next):
        started = time.perf_counter()
        route = request.url.path
        try:
            response = await call_next(request)
        except Exception:
            logger.exception("unhandled error", extra={"method": request.method, "path": route})
            response = JSONResponse({"detail": "internal error"}, status_code=500)
        matched = request.scope.get("route")
        route = getattr(matched, "path", route)
        elapsed = time.perf_counter() - started
        if route not in ("/healthz", "/readyz", "/metrics"):
            requests_total.labels(request.method, route, str(response.status_code)).inc()
            request_seconds.labels(request.method, route).observe(elapsed)
            logger.info(
                "request",
                extra={"method": request.method, "path": route, "status": response.status_code,
                       "duration_ms": round(elapsed * 1000, 1)},
            )
        return response

    @app.exception_handler(Unavailable)
    async def unavailable(_request: Request, error: Unavailable):
        logger.warning("database unavailable: %s", error)
        return JSONResponse({"detail": "database unavailable, try again shortly"}, status_code=503,
                            headers={"Retry-After": "5"})

    @app.get("/healthz")
    def healthz():
        """Liveness: the process serves HTTP. Never checks the database, so a database outage restarts nothing."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        """Readiness: only take traffic while the database answers."""
        try:
            get_repository().ping()
        except Unavailable:
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return {"status": "ready"}

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/api/items", response_model=List[Item])
    def list_items(limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0),
                   repo: ItemRepository = Depends(get_repository)):
        return repo.list_items(limit, offset)

    @app.get("/api/items/{item_id}", response_model=Item)
    def get_item(item_id: int, repo: ItemRepository = Depends(get_repository)):
        item = repo.get_item(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail=f"item {item_id} not found")
        return item

    @app.post("/api/items", response_model=Item, status_code=201)
    def create_item(item: ItemIn, repo: ItemRepository = Depends(get_repository)):
        return repo.create_item(item.name, item.description)

    @app.delete("/api/items/{item_id}", status_code=204)
    def delete_item(item_id: int, repo: ItemRepository = Depends(get_repository)):
        if not repo.delete_item(item_id):
            raise HTTPException(status_code=404, detail=f"item {item_id} not found")
        return Response(status_code=204)

    configure_tracing(app, settings.service_name)
    return app
