"""The per-session WebSocket server: answers `/health` and replies to every ping with a pong.

One pod serves one browser session. When the session's last client has been gone for IDLE_EXIT_SECONDS the
server exits 0, so the pod's Job completes and Kubernetes cleans it up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import time
from typing import Callable

from session_common.jsonlog import configure_logging

from .protocol import (
    CLOSE_GOING_AWAY,
    CLOSE_INVALID_PAYLOAD,
    CLOSE_NORMAL,
    CLOSE_PROTOCOL_ERROR,
    CLOSE_TOO_BIG,
    CLOSE_UNSUPPORTED_DATA,
    MAX_REQUEST_HEAD_BYTES,
    OP_BINARY,
    OP_CLOSE,
    OP_CONTINUATION,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    BadRequest,
    ProtocolError,
    close_payload,
    encode_frame,
    handshake_response,
    http_response,
    parse_request,
    read_frame,
)

log = logging.getLogger("session_server")

WEBSOCKET_PATH = "/ws"
REQUEST_HEAD_TIMEOUT_SECONDS = 10.0
IDLE_REASON = "session idle"


class Connection:
    """One upgraded client; writes go through a lock because shutdown writes from another task."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self._lock = asyncio.Lock()
        self.closed = False

    async def send(self, opcode: int, payload: bytes) -> None:
        async with self._lock:
            if self.closed:
                return
            self.writer.write(encode_frame(opcode, payload))
            await self.writer.drain()

    async def close(self, code: int, reason: str = "") -> None:
        try:
            await self.send(OP_CLOSE, close_payload(code, reason))
        except (ConnectionError, RuntimeError):
            pass
        self.closed = True


class SessionServer:
    def __init__(
        self,
        *,
        pod_name: str = "local",
        max_message_bytes: int = 64 * 1024,
        idle_exit_seconds: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.pod_name = pod_name
        self.max_message_bytes = max_message_bytes
        self.idle_exit_seconds = idle_exit_seconds
        self.clock = clock
        self.connections: set[Connection] = set()
        self.draining = False
        self.stop_reason: str | None = None
        self._had_client = False
        self._idle_timer: asyncio.TimerHandle | None = None
        self._server: asyncio.base_events.Server | None = None
        self._stopped: asyncio.Event | None = None

    async def start(self, host: str = "0.0.0.0", port: int = 8080) -> int:
        """Starts listening; returns the bound port (useful with port 0)."""
        self._stopped = asyncio.Event()
        self._server = await asyncio.start_server(self._handle, host, port, limit=MAX_REQUEST_HEAD_BYTES)
        bound = self._server.sockets[0].getsockname()[1]
        log.info("listening", extra={"fields": {"port": bound, "pod": self.pod_name}})
        return bound

    async def wait_stopped(self) -> None:
        assert self._stopped is not None, "start() first"
        await self._stopped.wait()

    async def shutdown(self, reason: str = "shutdown") -> None:
        """Stops accepting, tells every client the server is going away, and marks the server stopped."""
        if self.draining:
            return
        self.draining = True
        self.stop_reason = reason
        log.info("draining", extra={"fields": {"reason": reason, "connections": len(self.connections)}})
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._server is not None:
            self._server.close()
        await asyncio.gather(
            *(c.close(CLOSE_GOING_AWAY, "server shutting down") for c in list(self.connections)),
            return_exceptions=True,
        )
        for c in list(self.connections):
            c.writer.close()
        if self._server is not None:
            await self._server.wait_closed()
        assert self._stopped is not None
        self._stopped.set()

    # --- connections -------------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), REQUEST_HEAD_TIMEOUT_SECONDS)
                request = parse_request(head[:-4])
            except asyncio.LimitOverrunError:
                await self._respond(writer, 431, "Request Header Fields Too Large", {"error": "request head too large"})
                return
            except BadRequest as error:
                await self._respond(writer, 400, "Bad Request", {"error": str(error)})
                return
            except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
                return
            await self._route(request, reader, writer)
        finally:
            writer.close()

    async def _route(self, request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if request.path == "/health":
            if request.method != "GET":
                await self._respond(writer, 405, "Method Not Allowed", {"error": "use GET"})
            elif self.draining:
                await self._respond(writer, 503, "Service Unavailable", {"status": "draining", "pod": self.pod_name})
            else:
                await self._respond(
                    writer,
                    200,
                    "OK",
                    {"status": "ok", "pod": self.pod_name, "connections": len(self.connections)},
                )
            return
        if request.path != WEBSOCKET_PATH:
            await self._respond(writer, 404, "Not Found", {"error": f"no route {request.path}"})
            return
        if self.draining:
            await self._respond(writer, 503, "Service Unavailable", {"error": "server is shutting down"})
            return
        if not request.wants_websocket():
            await self._respond(writer, 426, "Upgrade Required", {"error": "connect with a WebSocket"})
            return
        try:
            response = handshake_response(request)
        except BadRequest as error:
            await self._respond(writer, 400, "Bad Request", {"error": str(error)})
            return
        writer.write(response)
        await writer.drain()
        await self._websocket(reader, writer)

    async def _respond(self, writer: asyncio.StreamWriter, status: int, reason: str, body: dict) -> None:
        try:
            writer.write(http_response(status, reason, json.dumps(body).encode("utf-8")))
            await writer.drain()
        except ConnectionError:
            pass

    async def _websocket(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = Connection(writer)
        self.connections.add(connection)
        self._had_client = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        log.info("client connected", extra={"fields": {"connections": len(self.connections)}})
        try:
            await self._receive(connection, reader)
        except ProtocolError as error:
            log.warning("protocol error", extra={"fields": {"error": str(error)}})
            await connection.close(error.close_code, str(error)[:100])
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            connection.closed = True
            self.connections.discard(connection)
            log.info("client left", extra={"fields": {"connections": len(self.connections)}})
            self._arm_idle_timer()

    async def _receive(self, connection: Connection, reader: asyncio.StreamReader) -> None:
        parts: list[bytes] = []
        message_opcode: int | None = None
        size = 0
        while True:
            frame = await read_frame(reader, self.max_message_bytes)
            if frame.opcode == OP_PING:
                await connection.send(OP_PONG, frame.payload)
                continue
            if frame.opcode == OP_PONG:
                continue
            if frame.opcode == OP_CLOSE:
                code = int.from_bytes(frame.payload[:2], "big") if len(frame.payload) >= 2 else CLOSE_NORMAL
                await connection.close(code if 1000 <= code < 5000 else CLOSE_PROTOCOL_ERROR)
                return
            if frame.opcode == OP_CONTINUATION:
                if message_opcode is None:
                    raise ProtocolError("continuation frame without a message to continue")
            else:
                if message_opcode is not None:
                    raise ProtocolError("new message started before the last one ended")
                message_opcode = frame.opcode
            size += len(frame.payload)
            if size > self.max_message_bytes:
                raise ProtocolError(f"message exceeds {self.max_message_bytes} bytes", CLOSE_TOO_BIG)
            parts.append(frame.payload)
            if frame.fin:
                payload = b"".join(parts)
                opcode = message_opcode
                parts, message_opcode, size = [], None, 0
                await self._on_message(connection, opcode, payload)

    async def _on_message(self, connection: Connection, opcode: int, payload: bytes) -> None:
        if opcode == OP_BINARY:
            raise ProtocolError("this server speaks text messages only", CLOSE_UNSUPPORTED_DATA)
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError("text message is not UTF-8", CLOSE_INVALID_PAYLOAD) from error
        reply = self.reply_to(text)
        await connection.send(OP_TEXT, reply.encode("utf-8"))

    def reply_to(self, text: str) -> str:
        """What the server answers to one text message: `ping` → `pong`, JSON pings → JSON pongs."""
        if text.strip().lower() == "ping":
            return "pong"
        try:
            message = json.loads(text)
        except ValueError:
            return json.dumps({"type": "error", "error": "expected 'ping' or a JSON object"})
        if not isinstance(message, dict) or message.get("type") != "ping":
            return json.dumps({"type": "error", "error": "expected a message of type 'ping'"})
        return json.dumps(
            {
                "type": "pong",
                "id": message.get("id"),
                "sentAt": message.get("sentAt"),
                "serverTime": int(self.clock() * 1000),
                "pod": self.pod_name,
            }
        )

    def _arm_idle_timer(self) -> None:
        if self.connections or not self._had_client or self.idle_exit_seconds <= 0 or self.draining:
            return
        loop = asyncio.get_running_loop()
        self._idle_timer = loop.call_later(
            self.idle_exit_seconds, lambda: loop.create_task(self.shutdown(IDLE_REASON))
        )


def _env_number(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise SystemExit(f"{name} must not be negative, got {raw!r}")
    return value


async def run(env: dict[str, str]) -> str:
    server = SessionServer(
        pod_name=env.get("POD_NAME", "local"),
        max_message_bytes=int(_env_number(env, "MAX_MESSAGE_BYTES", 64 * 1024)),
        idle_exit_seconds=_env_number(env, "IDLE_EXIT_SECONDS", 300),
    )
    await server.start("0.0.0.0", int(_env_number(env, "PORT", 8080)))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda s=sig: loop.create_task(server.shutdown(signal.Signals(s).name)))
    await server.wait_stopped()
    return server.stop_reason or "stopped"


def main() -> None:
    configure_logging()
    reason = asyncio.run(run(dict(os.environ)))
    log.info("stopped", extra={"fields": {"reason": reason}})
    # Only a session that ended completes its Job; a pod stopped from outside (deleted, evicted) exits non-zero,
    # so the Job starts a replacement pod for the same session.
    sys.exit(0 if reason == IDLE_REASON else 143)


if __name__ == "__main__":
    main()
