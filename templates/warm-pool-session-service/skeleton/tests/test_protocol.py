import asyncio
import unittest

from session_server.protocol import (
    CLOSE_TOO_BIG,
    OP_PING,
    OP_TEXT,
    BadRequest,
    ProtocolError,
    accept_key,
    encode_frame,
    handshake_response,
    parse_request,
    read_frame,
)


def reader_of(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    return reader


class HandshakeTest(unittest.TestCase):
    def test_accept_key_matches_the_example_of_rfc_6455(self):
        self.assertEqual(accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")

    def test_a_valid_upgrade_is_answered_with_101_and_the_accept_key(self):
        request = parse_request(
            b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13"
        )
        self.assertTrue(request.wants_websocket())
        response = handshake_response(request).decode("ascii")
        self.assertTrue(response.startswith("HTTP/1.1 101 "))
        self.assertIn("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", response)

    def test_upgrades_with_a_wrong_version_or_key_are_bad_requests(self):
        base = b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        with self.assertRaisesRegex(BadRequest, "Version must be 13"):
            handshake_response(parse_request(base + b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8"))
        with self.assertRaisesRegex(BadRequest, "16 bytes"):
            handshake_response(parse_request(base + b"Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13"))

    def test_malformed_request_lines_and_headers_are_bad_requests(self):
        with self.assertRaises(BadRequest):
            parse_request(b"GARBAGE")
        with self.assertRaises(BadRequest):
            parse_request(b"GET / HTTP/1.1\r\nno colon here")


class FramingTest(unittest.IsolatedAsyncioTestCase):
    async def test_masked_frames_of_every_length_encoding_read_back(self):
        for size in (0, 5, 125, 126, 65535, 65536):
            payload = bytes(i % 251 for i in range(size))
            frame = await read_frame(reader_of(encode_frame(OP_TEXT, payload, mask=b"\x01\x02\x03\x04")), 1 << 20)
            self.assertEqual((frame.fin, frame.opcode, frame.payload), (True, OP_TEXT, payload), size)

    async def test_unmasked_client_frames_are_a_protocol_error(self):
        with self.assertRaisesRegex(ProtocolError, "must be masked"):
            await read_frame(reader_of(encode_frame(OP_TEXT, b"hi")), 1024)

    async def test_frames_over_the_limit_close_with_1009(self):
        with self.assertRaises(ProtocolError) as caught:
            await read_frame(reader_of(encode_frame(OP_TEXT, b"x" * 2000, mask=b"abcd")), 1024)
        self.assertEqual(caught.exception.close_code, CLOSE_TOO_BIG)

    async def test_oversized_or_fragmented_control_frames_are_rejected(self):
        with self.assertRaises(ValueError):
            encode_frame(OP_PING, b"x" * 126)
        forged = bytes([0x89, 0x80 | 126]) + (200).to_bytes(2, "big") + b"mask" + b"x" * 200
        with self.assertRaisesRegex(ProtocolError, "control frames"):
            await read_frame(reader_of(forged), 1024)

    async def test_reserved_bits_and_unknown_opcodes_are_rejected(self):
        with self.assertRaisesRegex(ProtocolError, "reserved"):
            await read_frame(reader_of(bytes([0xC1, 0x80]) + b"mask"), 1024)
        with self.assertRaisesRegex(ProtocolError, "opcode"):
            await read_frame(reader_of(bytes([0x83, 0x80]) + b"mask"), 1024)


if __name__ == "__main__":
    unittest.main()
