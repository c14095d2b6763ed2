"""The frontend against a backend played by httpx's MockTransport (real HTTP semantics, no network)."""
import json
import unittest

import httpx

from app.backend_client import BackendClient, BackendUnavailable
from app.web import create_app


class FakeBackend:
    """Answers like the backend's API; `failures` makes the next calls answer 503."""

    def __init__(self):
        self.items = []
        self.failures = 0
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.failures > 0:
            self.failures -= 1
            return httpx.Response(503, json={"detail": "database unavailable"})
        if request.method == "GET" and request.url.path == "/api/items":
            return httpx.Response(200, json=self.items)
        if request.method == "POST" and request.url.path == "/api/items":
            body = json.loads(request.content)
            if not body.get("name"):
                return httpx.Response(422, json={"detail": "name required"})
            item = {"id": len(self.items) + 1, **body}
            self.items.append(item)
            return httpx.Response(201, json=item)
        return httpx.Response(404)


class FrontendTest(unittest.TestCase):
    def setUp(self):
        self.backend = FakeBackend()
        self.sleeps = []
        client = BackendClient("http://backend", transport=httpx.MockTransport(self.backend),
                               sleep=self.sleeps.append)
        self.app = create_app(client).test_client()

    def test_lists_the_backend_items(self):
        self.backend.items = [{"id": 1, "name": "first", "description": "one"}]
        page = self.app.get("/")
        self.assertEqual(page.status_code, 200)
        self.assertIn(b"first", page.data)

    def test_adds_an_item_and_redirects(self):
        response = self.app.post("/items", data={"name": "new", "description": "made in a test"})
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.backend.items[0]["name"], "new")

    def test_refuses_an_empty_name_without_calling_the_backend(self):
        self.assertEqual(self.app.post("/items", data={"name": " "}).status_code, 400)
        self.assertEqual(self.backend.calls, 0)

    def test_retries_with_backoff_then_recovers(self):
        self.backend.failures = 2
        self.assertEqual(self.app.get("/").status_code, 200)
        self.assertEqual(self.sleeps, [0.2, 0.4])

    def test_shows_a_503_page_when_the_backend_stays_down(self):
        self.backend.failures = 10
        page = self.app.get("/")
        self.assertEqual(page.status_code, 503)
        self.assertIn(b"unavailable", page.data)

    def test_health_and_metrics(self):
        self.assertEqual(self.app.get("/healthz").status_code, 200)
        self.assertEqual(self.app.get("/readyz").status_code, 200)
        self.app.get("/")
        metrics = self.app.get("/metrics").data.decode()
        self.assertIn('http_requests_total{method="GET",route="/",status="200"} 1.0', metrics)


class BackendClientTest(unittest.TestCase):
    def test_gives_up_after_the_attempts(self):
        def refuse(request):
            raise httpx.ConnectError("refused", request=request)

        client = BackendClient("http://backend", attempts=3, transport=httpx.MockTransport(refuse),
                               sleep=lambda _s: None)
        with self.assertRaises(BackendUnavailable):
            client.list_items()


if __name__ == "__main__":
    unittest.main()
