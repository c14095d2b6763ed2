"""The backend's API against the in-memory repository (same behaviour as PostgreSQL's)."""
import unittest

from fastapi.testclient import TestClient

from app.main import create_app
from app.repository import InMemoryItemRepository
from app.settings import load_settings


class ApiTest(unittest.TestCase):
    def setUp(self):
        self.repository = InMemoryItemRepository()
        self.client = TestClient(create_app(self.repository, load_settings({})))

    def test_liveness_does_not_depend_on_the_database(self):
        self.repository.available = False
        self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_readiness_follows_the_database(self):
        self.assertEqual(self.client.get("/readyz").json(), {"status": "ready"})
        self.repository.available = False
        self.assertEqual(self.client.get("/readyz").status_code, 503)

    def test_creates_lists_gets_and_deletes_items(self):
        created = self.client.post("/api/items", json={"name": "first", "description": "one"})
        self.assertEqual(created.status_code, 201)
        item = created.json()
        self.assertEqual(item, {"id": 1, "name": "first", "description": "one"})
        self.assertEqual(self.client.get("/api/items").json(), [item])
        self.assertEqual(self.client.get("/api/items/1").json(), item)
        self.assertEqual(self.client.delete("/api/items/1").status_code, 204)
        self.assertEqual(self.client.get("/api/items/1").status_code, 404)
        self.assertEqual(self.client.delete("/api/items/1").status_code, 404)

    def test_pages_through_items(self):
        for i in range(5):
            self.client.post("/api/items", json={"name": f"item-{i}"})
        page = self.client.get("/api/items", params={"limit": 2, "offset": 2}).json()
        self.assertEqual([i["name"] for i in page], ["item-2", "item-3"])
        self.assertEqual(self.client.get("/api/items", params={"limit": 0}).status_code, 422)

    def test_refuses_invalid_items(self):
        self.assertEqual(self.client.post("/api/items", json={"name": ""}).status_code, 422)
        self.assertEqual(self.client.post("/api/items", json={"description": "no name"}).status_code, 422)
        self.assertEqual(self.client.post("/api/items", json={"name": "x" * 121}).status_code, 422)

    def test_answers_503_with_retry_after_when_the_database_is_down(self):
        self.repository.available = False
        response = self.client.get("/api/items")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.headers["retry-after"], "5")

    def test_counts_requests_for_prometheus(self):
        self.client.get("/api/items")
        self.client.get("/api/items/42")
        metrics = self.client.get("/metrics").text
        self.assertIn('http_requests_total{method="GET",route="/api/items",status="200"} 1.0', metrics)
        self.assertIn('http_requests_total{method="GET",route="/api/items/{item_id}",status="404"} 1.0', metrics)
        self.assertIn("http_request_duration_seconds_bucket", metrics)


class SettingsTest(unittest.TestCase):
    def test_reads_the_database_settings_from_the_environment(self):
        settings = load_settings({"DATABASE_HOST": "db", "DATABASE_PASSWORD": "s3cret", "DATABASE_POOL_MAX": "4"})
        self.assertEqual(settings.pool_max, 4)
        self.assertIn("host=db", settings.database_dsn)
        self.assertIn("statement_timeout=5000", settings.database_dsn)


if __name__ == "__main__":
    unittest.main()
