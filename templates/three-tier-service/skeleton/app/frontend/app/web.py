"""The Flask app: the items page, a form to add one, health endpoints for the probes, Prometheus metrics."""
import json
import logging
import os
import sys
import time
from typing import Optional

from flask import Flask, Response, g, redirect, render_template, request, url_for
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from .backend_client import BackendClient, BackendUnavailable


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for key in ("method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        return json.dumps(entry)


def _configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().handlers[:] = [handler]
    logging.getLogger().setLevel(level)


def create_app(backend: Optional[BackendClient] = None) -> Flask:
    _configure_logging(os.environ.get("LOG_LEVEL", "INFO"))
    app = Flask(__name__, template_folder="../templates")
    app.config["SERVICE_TITLE"] = os.environ.get("SERVICE_TITLE", "${{ values.name }}")
    client = backend or BackendClient(os.environ.get("BACKEND_URL", "http://${{ values.name }}-backend:8000"))
    logger = logging.getLogger("${{ values.name }}.frontend")

    registry = CollectorRegistry()
    requests_total = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry)
    request_seconds = Histogram("http_request_duration_seconds", "HTTP request duration", ["method", "route"],
                                registry=registry)

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def observe(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        if route not in ("/healthz", "/readyz", "/metrics"):
            elapsed = time.perf_counter() - g.get("started", time.perf_counter())
            requests_total.labels(request.method, route, str(response.status_code)).inc()
            request_seconds.labels(request.method, route).observe(elapsed)
            logger.info("request", extra={"method": request.method, "path": route, "status": response.status_code,
                                          "duration_ms": round(elapsed * 1000, 1)})
        return response

    @app.get("/")
    def index():
        try:
            items = client.list_items()
        except BackendUnavailable:
            return render_template("index.html", title=app.config["SERVICE_TITLE"], items=[],
                                   error="The backend is unavailable right now; please try again shortly."), 503
        return render_template("index.html", title=app.config["SERVICE_TITLE"], items=items, error=None)

    @app.post("/items")
    def add_item():
        name = (request.form.get("name") or "").strip()
        description = (request.form.get("description") or "").strip()
        if not name or len(name) > 120:
            return render_template("index.html", title=app.config["SERVICE_TITLE"], items=[],
                                   error="A name of 1 to 120 characters is required."), 400
        try:
            client.create_item(name, description)
        except ValueError:
            return render_template("index.html", title=app.config["SERVICE_TITLE"], items=[],
                                   error="The backend refused that item."), 400
        except BackendUnavailable:
            return render_template("index.html", title=app.config["SERVICE_TITLE"], items=[],
                                   error="The backend is unavailable right now; please try again shortly."), 503
        return redirect(url_for("index"), code=303)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        # Ready while the process serves; a backend outage shows as a 503 page, not as pods leaving the Service.
        return {"status": "ready"}

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        # Imported only when tracing is on: the packages are in requirements.txt for the image.
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.flask import FlaskInstrumentor
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": "${{ values.name }}-frontend"}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(timeout=5)))
        trace.set_tracer_provider(provider)
        FlaskInstrumentor().instrument_app(app, excluded_urls="healthz,readyz,metrics")
        HTTPXClientInstrumentor().instrument()

    return app
