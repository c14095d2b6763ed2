"""The parts of HTTP/1.1 and WebSocket (RFC 6455) the session server speaks, with the standard library only.

Kept apart from the server so that framing and the handshake are tested without sockets.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from dataclasses import dataclass, field

# RFC 6455 section 1.3: the GUID appended to the client's key.
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

OP_CONTINUATION = 0x0
OP_TEXT = 0x1
OP_BINARY = 0x2
OP_CLOSE = 0x8
OP_PING = 0x9
OP_PONG = 0xA
CONTROL_OPCODES = frozenset({OP_CLOSE, OP_PING, OP_PONG})
DATA_OPCODES = frozenset({OP_CONTINUATION, OP_TEXT, OP_BINARY})

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001
CLOSE_PROTOCOL_ERROR = 1002
CLOSE_UNSUPPORTED_DATA = 1003
CLOSE_INVALID_PAYLOAD = 1007
CLOSE_TOO_BIG = 1009

MAX_REQUEST_HEAD_BYTES = 8192


class ProtocolError(Exception):
    """The peer broke the protocol; the connection closes with `close_code`."""

    def __init__(self, message: str, close_code: int = CLOSE_PROTOCOL_ERROR) -> None:
        super().__init__(message)
        self.close_code = close_code


class BadRequest(Exception):
    """An HTTP request the server answers with 400."""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def wants_websocket(self) -> bool:
        connection = {t.strip().lower() for t in self.header("connection").split(",")}
        return self.header("upgrade").lower() == "websocket" and "upgrade" in connection


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: int
    payload: bytes


def accept_key(client_key: str) -> str:
    """The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`."""
    digest = hashlib.sha1((client_key + WEBSOCKET_GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def parse_request(head: bytes) -> Request:
    """Parses a request line and headers (without the body)."""
    try:
        text = head.decode("iso-8859-1")
    except UnicodeDecodeError as error:  # pragma: no cover - iso-8859-1 decodes every byte
        raise BadRequest("request head is not text") from error
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"malformed request line: {lines[0][:80]!r}")
    method, target, _version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(f"malformed header line: {line[:80]!r}")
        headers[name.lower()] = value.strip()
    path = target.split("?", 1)[0]
    return Request(method=method, path=path, headers=headers)


def handshake_response(request: Request) -> bytes:
    """The 101 response that accepts a WebSocket upgrade; raises BadRequest when the request is not one."""
    if request.method != "GET":
        raise BadRequest("a WebSocket upgrade must be a GET")
    if request.header("sec-websocket-version") != "13":
        raise BadRequest("Sec-WebSocket-Version must be 13")
    key = request.header("sec-websocket-key")
    try:
        if len(base64.b64decode(key, validate=True)) != 16:
            raise ValueError("not 16 bytes")
    except ValueError as error:
        raise BadRequest("Sec-WebSocket-Key must be 16 bytes, base64-encoded") from error
    return (
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept_key(key)}\r\n"
        "\r\n"
    ).encode("ascii")


def http_response(status: int, reason: str, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


def encode_frame(opcode: int, payload: bytes = b"", *, fin: bool = True, mask: bytes | None = None) -> bytes:
    """One frame. Servers send unmasked frames; clients (and the tests acting as one) pass a 4-byte mask."""
    if opcode in CONTROL_OPCODES and (len(payload) > 125 or not fin):
        raise ValueError("control frames carry at most 125 bytes and are never fragmented")
    first = (0x80 if fin else 0) | opcode
    mask_bit = 0x80 if mask is not None else 0
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", first, mask_bit | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", first, mask_bit | 126, length)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, length)
    if mask is None:
        return header + payload
    if len(mask) != 4:
        raise ValueError("a mask is 4 bytes")
    return header + mask + apply_mask(payload, mask)


def apply_mask(payload: bytes, mask: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def close_payload(code: int, reason: str = "") -> bytes:
    return struct.pack("!H", code) + reason.encode("utf-8")[:123]


async def read_frame(reader: asyncio.StreamReader, max_payload: int, *, require_mask: bool = True) -> Frame:
    """Reads one frame from a client; raises ProtocolError for anything RFC 6455 forbids."""
    first, second = await reader.readexactly(2)
    if first & 0x70:
        raise ProtocolError("reserved bits set without a negotiated extension")
    fin = bool(first & 0x80)
    opcode = first & 0x0F
    if opcode not in CONTROL_OPCODES and opcode not in DATA_OPCODES:
        raise ProtocolError(f"unknown opcode {opcode:#x}")
    masked = bool(second & 0x80)
    if require_mask and not masked:
        raise ProtocolError("client frames must be masked")
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    if opcode in CONTROL_OPCODES and (length > 125 or not fin):
        raise ProtocolError("control frames carry at most 125 bytes and are never fragmented")
    if length > max_payload:
        raise ProtocolError(f"frame of {length} bytes exceeds {max_payload}", CLOSE_TOO_BIG)
    mask = await reader.readexactly(4) if masked else None
    payload = await reader.readexactly(length)
    if mask is not None:
        payload = apply_mask(payload, mask)
    return Frame(fin=fin, opcode=opcode, payload=payload)
