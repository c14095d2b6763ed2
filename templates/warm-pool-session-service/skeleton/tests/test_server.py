import asyncio
import json
import unittest

from session_server.protocol import OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_PING, OP_PONG, OP_TEXT, close_payload
from session_server.server import IDLE_REASON, SessionServer

from .wsclient import Client, http_get


class SessionServerTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.server = SessionServer(pod_name="chat-sessions-session-abc12", max_message_bytes=1024, clock=lambda: 1.5)
        self.port = await self.server.start("127.0.0.1", 0)

    async def asyncTearDown(self) -> None:
        await self.server.shutdown("test over")

    async def test_health_answers_ok_with_the_pod_name(self):
        status, headers, body = await http_get(self.port, "/health")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(json.loads(body), {"status": "ok", "pod": "chat-sessions-session-abc12", "connections": 0})

    async def test_unknown_paths_are_404_and_plain_gets_of_the_socket_path_426(self):
        self.assertEqual((await http_get(self.port, "/nope"))[0], 404)
        self.assertEqual((await http_get(self.port, "/ws"))[0], 426)

    async def test_a_bad_upgrade_is_a_400_naming_the_problem(self):
        status, _, body = await http_get(
            self.port,
            "/ws",
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: eA==\r\nSec-WebSocket-Version: 13\r\n",
        )
        self.assertEqual(status, 400)
        self.assertIn("Sec-WebSocket-Key", json.loads(body)["error"])

    async def test_a_json_ping_gets_a_pong_with_its_id_and_send_time(self):
        client = await Client.connect(self.port)
        self.assertIn("101 Switching Protocols", client.response_head)
        await client.send_text(json.dumps({"type": "ping", "id": 7, "sentAt": 1234}))
        frame = await client.receive()
        self.assertEqual(frame.opcode, OP_TEXT)
        self.assertEqual(
            json.loads(frame.payload),
            {"type": "pong", "id": 7, "sentAt": 1234, "serverTime": 1500, "pod": "chat-sessions-session-abc12"},
        )
        await client.close()

    async def test_a_plain_ping_gets_a_plain_pong(self):
        client = await Client.connect(self.port)
        await client.send_text("ping")
        self.assertEqual((await client.receive()).payload, b"pong")
        await client.close()

    async def test_a_fragmented_ping_is_reassembled(self):
        client = await Client.connect(self.port)
        await client.send(OP_TEXT, b'{"type": "pi', fin=False)
        await client.send(OP_PING, b"keepalive")
        await client.send(OP_CONTINUATION, b'ng", "id": "a"}')
        self.assertEqual(((await client.receive()).opcode, (await client.receive()).opcode), (OP_PONG, OP_TEXT))
        await client.close()

    async def test_control_pings_get_control_pongs_with_the_same_payload(self):
        client = await Client.connect(self.port)
        await client.send(OP_PING, b"hello")
        frame = await client.receive()
        self.assertEqual((frame.opcode, frame.payload), (OP_PONG, b"hello"))
        await client.close()

    async def test_messages_that_are_not_pings_get_an_error_message_and_the_socket_stays_open(self):
        client = await Client.connect(self.port)
        await client.send_text("{not json")
        self.assertEqual(json.loads((await client.receive()).payload)["type"], "error")
        await client.send_text(json.dumps({"type": "hello"}))
        self.assertEqual(json.loads((await client.receive()).payload)["type"], "error")
        await client.send_text("ping")
        self.assertEqual((await client.receive()).payload, b"pong")
        await client.close()

    async def test_binary_messages_close_the_socket_with_1003(self):
        client = await Client.connect(self.port)
        await client.send(OP_BINARY, b"\x00\x01")
        frame = await client.receive()
        self.assertEqual(frame.opcode, OP_CLOSE)
        self.assertEqual(int.from_bytes(frame.payload[:2], "big"), 1003)
        await client.close()

    async def test_a_close_from_the_client_is_echoed(self):
        client = await Client.connect(self.port)
        await client.send(OP_CLOSE, close_payload(1000, "bye"))
        frame = await client.receive()
        self.assertEqual((frame.opcode, int.from_bytes(frame.payload[:2], "big")), (OP_CLOSE, 1000))
        await client.close()

    async def test_shutdown_tells_clients_the_server_is_going_away_and_health_turns_503(self):
        client = await Client.connect(self.port)
        await client.send_text("ping")
        await client.receive()
        await self.server.shutdown("SIGTERM")
        frame = await client.receive()
        self.assertEqual((frame.opcode, int.from_bytes(frame.payload[:2], "big")), (OP_CLOSE, 1001))
        self.assertTrue(self.server.draining)
        await client.close()


class IdleExitTest(unittest.IsolatedAsyncioTestCase):
    async def test_the_server_stops_once_the_sessions_last_client_has_left(self):
        server = SessionServer(idle_exit_seconds=0.01)
        port = await server.start("127.0.0.1", 0)
        client = await Client.connect(port)
        await client.send_text("ping")
        await client.receive()
        await client.send(OP_CLOSE, close_payload(1000))
        await client.receive()
        await client.close()
        await asyncio.wait_for(server.wait_stopped(), 5)
        self.assertEqual(server.stop_reason, IDLE_REASON)

    async def test_a_warm_pod_that_never_had_a_client_keeps_running(self):
        server = SessionServer(idle_exit_seconds=0.01)
        port = await server.start("127.0.0.1", 0)
        status, _, _ = await http_get(port, "/health")
        self.assertEqual(status, 200)
        await asyncio.sleep(0.05)
        self.assertFalse(server.draining)
        await server.shutdown("test over")


if __name__ == "__main__":
    unittest.main()
