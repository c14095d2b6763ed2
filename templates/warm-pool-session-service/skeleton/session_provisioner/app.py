"""The provisioner's HTTP API and its background replenisher.

    POST   /session        201 with the session's pod (warm), or 202 while an on-demand pod starts
    GET    /session/<id>   200 ready, 202 pending, 404 unknown
    DELETE /session/<id>   204, or 404
    GET    /health         liveness: the process and its replenisher thread are alive
    GET    /ready          readiness: the pool was reconciled recently
    GET    /metrics        Prometheus text format
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from session_common.jsonlog import configure_logging

from .config import ConfigError, Settings
from .kube import KubernetesError, RestKubernetesApi
from .pool import PoolExhausted, WarmPool

log = logging.getLogger("session_provisioner")

SESSION_PATH = re.compile(r"^/session/([0-9a-f]{32})$")
MAX_BODY_BYTES = 4096


class Replenisher(threading.Thread):
    """Reconciles the pool every interval, and at once when a warm pod was taken."""

    def __init__(self, pool: WarmPool) -> None:
        super().__init__(name="replenisher", daemon=True)
        self.pool = pool
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            self.pool.wakeup.clear()
            try:
                self.pool.reconcile()
            except KubernetesError as error:
                log.error("reconcile failed", extra={"fields": {"error": str(error)}})
            self.pool.wakeup.wait(self.pool.settings.replenish_interval_seconds)

    def stop(self) -> None:
        self._stopping.set()
        self.pool.wakeup.set()


class ProvisionerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: WarmPool, replenisher: Replenisher | None = None) -> None:
        super().__init__(address, ProvisionerHandler)
        self.pool = pool
        self.replenisher = replenisher

    def is_ready(self) -> bool:
        last = self.pool.last_reconciled_at
        interval = self.pool.settings.replenish_interval_seconds
        return last is not None and self.pool.clock() - last <= max(3 * interval, 30.0)


class ProvisionerHandler(BaseHTTPRequestHandler):
    server: ProvisionerServer
    protocol_version = "HTTP/1.1"
    server_version = "session-provisioner"

    # --- routes -------------------------------------------------------------------------------------

    def do_POST(self) -> None:
        if self.path.split("?", 1)[0] != "/session":
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no route POST {self.path}"})
            return
        if not self._read_body():
            return
        pool = self.server.pool
        try:
            session = pool.assign()
            source = session.source
            if not session.ready and pool.settings.on_demand_wait_seconds > 0:
                session = pool.wait_ready(session.session_id, pool.settings.on_demand_wait_seconds) or session
        except PoolExhausted as error:
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(error)}, {"Retry-After": "10"})
            return
        except KubernetesError as error:
            self._kubernetes_failed(error)
            return
        body = session.to_json(pool.settings)
        body["source"] = source
        if session.ready:
            self._json(HTTPStatus.CREATED, body, {"Location": f"/session/{session.session_id}"})
        else:
            self._json(HTTPStatus.ACCEPTED, body, {"Location": f"/session/{session.session_id}", "Retry-After": "2"})

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            alive = self.server.replenisher is None or self.server.replenisher.is_alive()
            status = HTTPStatus.OK if alive else HTTPStatus.SERVICE_UNAVAILABLE
            self._json(status, {"status": "ok" if alive else "replenisher stopped"})
            return
        if path == "/ready":
            ready = self.server.is_ready()
            self._json(HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE, {"ready": ready})
            return
        if path == "/metrics":
            self._send(HTTPStatus.OK, metrics_text(self.server.pool).encode("utf-8"), "text/plain; version=0.0.4")
            return
        match = SESSION_PATH.match(path)
        if not match:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no route GET {path}"})
            return
        try:
            session = self.server.pool.find(match.group(1))
        except KubernetesError as error:
            self._kubernetes_failed(error)
            return
        if session is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no session {match.group(1)}"})
        else:
            status = HTTPStatus.OK if session.ready else HTTPStatus.ACCEPTED
            self._json(status, session.to_json(self.server.pool.settings))

    def do_DELETE(self) -> None:
        match = SESSION_PATH.match(self.path.split("?", 1)[0])
        if not match:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no route DELETE {self.path}"})
            return
        try:
            ended = self.server.pool.end(match.group(1))
        except KubernetesError as error:
            self._kubernetes_failed(error)
            return
        if ended:
            self._send(HTTPStatus.NO_CONTENT, b"", None)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no session {match.group(1)}"})

    # --- helpers ------------------------------------------------------------------------------------

    def _read_body(self) -> bool:
        """Reads (and checks) the optional JSON body; answers 400/413 and returns False when it is bad."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._json(HTTPStatus.BAD_REQUEST, {"error": "Content-Length must be a number"})
            return False
        if length > MAX_BODY_BYTES:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"body over {MAX_BODY_BYTES} bytes"})
            return False
        raw = self.rfile.read(length) if length > 0 else b""
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                self._json(HTTPStatus.BAD_REQUEST, {"error": "body must be JSON"})
                return False
            if not isinstance(body, dict):
                self._json(HTTPStatus.BAD_REQUEST, {"error": "body must be a JSON object"})
                return False
        return True

    def _kubernetes_failed(self, error: KubernetesError) -> None:
        log.error("kubernetes call failed", extra={"fields": {"error": str(error), "path": self.path}})
        self._json(HTTPStatus.BAD_GATEWAY, {"error": "the Kubernetes API refused the request; try again"})

    def _json(self, status: HTTPStatus, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(body).encode("utf-8"), "application/json", headers)

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str | None, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
        log.debug("request", extra={"fields": {"line": format % args}})


def metrics_text(pool: WarmPool) -> str:
    labels = f'pool="{pool.settings.pool_name}",namespace="{pool.settings.namespace}"'
    c, s = pool.counters, pool.status
    lines = [
        "# HELP warm_pool_sessions_total Sessions handed out, by where their pod came from.",
        "# TYPE warm_pool_sessions_total counter",
        f'warm_pool_sessions_total{{{labels},source="warm"}} {c.sessions_warm}',
        f'warm_pool_sessions_total{{{labels},source="on-demand"}} {c.sessions_on_demand}',
        "# HELP warm_pool_empty_total Session requests that found no ready warm pod.",
        "# TYPE warm_pool_empty_total counter",
        f"warm_pool_empty_total{{{labels}}} {c.pool_empty}",
        "# HELP warm_pool_pods_created_total Session Jobs created (warm and on demand).",
        "# TYPE warm_pool_pods_created_total counter",
        f"warm_pool_pods_created_total{{{labels}}} {c.pods_created}",
        "# HELP warm_pool_reconcile_errors_total Reconcile passes the Kubernetes API failed.",
        "# TYPE warm_pool_reconcile_errors_total counter",
        f"warm_pool_reconcile_errors_total{{{labels}}} {c.reconcile_errors}",
        "# HELP warm_pool_target_pods The warm pods the pool keeps.",
        "# TYPE warm_pool_target_pods gauge",
        f"warm_pool_target_pods{{{labels}}} {pool.settings.pool_size}",
        "# HELP warm_pool_pods Pods of the pool at the last reconcile, by state.",
        "# TYPE warm_pool_pods gauge",
        f'warm_pool_pods{{{labels},state="warm-ready"}} {s.warm_ready}',
        f'warm_pool_pods{{{labels},state="warm-pending"}} {s.warm_pending}',
        f'warm_pool_pods{{{labels},state="assigned"}} {s.assigned}',
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    configure_logging()
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        log.error("bad configuration", extra={"fields": {"error": str(error)}})
        sys.exit(2)
    pool = WarmPool(RestKubernetesApi.in_cluster(), settings)
    replenisher = Replenisher(pool)
    server = ProvisionerServer(("0.0.0.0", settings.port), pool, replenisher)

    def stop(signum: int, _frame: Any) -> None:
        log.info("stopping", extra={"fields": {"signal": signal.Signals(signum).name}})
        replenisher.stop()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    replenisher.start()
    log.info(
        "listening",
        extra={"fields": {"port": settings.port, "pool": settings.pool_name, "size": settings.pool_size}},
    )
    server.serve_forever()
    server.server_close()
