"""A minimal WebSocket client for the server's tests (masks its frames, as RFC 6455 requires of clients)."""

from __future__ import annotations

import asyncio
import base64
import os

from session_server.protocol import OP_TEXT, Frame, encode_frame, read_frame

KEY = base64.b64encode(b"0123456789abcdef").decode("ascii")


async def http_get(port: int, path: str, extra_headers: str = "") -> tuple[int, dict[str, str], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra_headers}\r\n".encode("ascii"))
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split(" ")[1]), headers, body


class Client:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, response_head: str) -> None:
        self.reader = reader
        self.writer = writer
        self.response_head = response_head

    @classmethod
    async def connect(cls, port: int, path: str = "/ws") -> "Client":
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode("ascii")
        )
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        return cls(reader, writer, head.decode("ascii"))

    async def send(self, opcode: int, payload: bytes, fin: bool = True) -> None:
        self.writer.write(encode_frame(opcode, payload, fin=fin, mask=os.urandom(4)))
        await self.writer.drain()

    async def send_text(self, text: str) -> None:
        await self.send(OP_TEXT, text.encode("utf-8"))

    async def receive(self) -> Frame:
        return await asyncio.wait_for(read_frame(self.reader, 1 << 20, require_mask=False), 5)

    async def close(self) -> None:
        self.writer.close()
