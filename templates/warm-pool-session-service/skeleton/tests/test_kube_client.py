import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

from session_provisioner.kube import ConflictError, KubernetesError, NotFoundError, RestKubernetesApi


class RecordingApiServer(HTTPServer):
    """Answers with queued (status, body) pairs and records every request it got."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.responses: list[tuple[int, dict]] = []


class Handler(BaseHTTPRequestHandler):
    server: RecordingApiServer

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append(
            {
                "method": self.command,
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "contentType": self.headers.get("Content-Type"),
                "body": json.loads(body) if body else None,
            }
        )
        status, payload = self.server.responses.pop(0) if self.server.responses else (200, {})
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle

    def log_message(self, *args) -> None:
        pass


class RestKubernetesApiTest(unittest.TestCase):
    def setUp(self) -> None:
        self.server = RecordingApiServer()
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.tokens = iter(["token-1", "token-2", "token-3", "token-4"])
        self.api = RestKubernetesApi(f"http://127.0.0.1:{self.server.server_port}", lambda: next(self.tokens))

    def tearDown(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def test_lists_follow_continue_tokens_and_read_the_token_for_every_request(self):
        self.server.responses = [
            (200, {"items": [{"metadata": {"name": "a"}}], "metadata": {"continue": "next-page"}}),
            (200, {"items": [{"metadata": {"name": "b"}}], "metadata": {}}),
        ]
        pods = self.api.list_pods("sessions", "pool=warm,assigned=false")
        self.assertEqual([p["metadata"]["name"] for p in pods], ["a", "b"])
        first, second = self.server.requests
        self.assertEqual(first["path"], "/api/v1/namespaces/sessions/pods?labelSelector=pool%3Dwarm%2Cassigned%3Dfalse&limit=500")
        self.assertTrue(second["path"].endswith("&continue=next-page"))
        self.assertEqual([first["authorization"], second["authorization"]], ["Bearer token-1", "Bearer token-2"])

    def test_patches_are_json_merge_patches(self):
        patch = {"metadata": {"resourceVersion": "42", "labels": {"assigned": "true"}}}
        self.api.patch_pod("sessions", "pod-1", patch)
        [request] = self.server.requests
        self.assertEqual(
            (request["method"], request["path"], request["contentType"], request["body"]),
            ("PATCH", "/api/v1/namespaces/sessions/pods/pod-1", "application/merge-patch+json", patch),
        )

    def test_jobs_are_created_in_the_batch_api_and_deleted_with_their_pods(self):
        self.api.create_job("sessions", {"kind": "Job"})
        self.api.delete_job("sessions", "job-1")
        create, delete = self.server.requests
        self.assertEqual((create["method"], create["path"]), ("POST", "/apis/batch/v1/namespaces/sessions/jobs"))
        self.assertEqual(create["contentType"], "application/json")
        self.assertEqual(delete["path"], "/apis/batch/v1/namespaces/sessions/jobs/job-1")
        self.assertEqual(delete["body"]["propagationPolicy"], "Background")

    def test_api_errors_map_to_conflict_not_found_and_the_status_message(self):
        self.server.responses = [
            (409, {"kind": "Status", "message": "the object has been modified"}),
            (404, {"kind": "Status", "message": 'pods "x" not found'}),
            (403, {"kind": "Status", "message": "pods is forbidden"}),
        ]
        with self.assertRaisesRegex(ConflictError, "has been modified"):
            self.api.patch_pod("sessions", "x", {})
        with self.assertRaises(NotFoundError):
            self.api.delete_pod("sessions", "x")
        with self.assertRaises(KubernetesError) as caught:
            self.api.list_jobs("sessions", "pool=warm")
        self.assertEqual(caught.exception.status, 403)
        self.assertIn("forbidden", str(caught.exception))

    def test_an_unreachable_api_server_is_a_kubernetes_error_with_status_0(self):
        api = RestKubernetesApi("http://127.0.0.1:1", lambda: "t", timeout_seconds=2)
        with self.assertRaises(KubernetesError) as caught:
            api.list_pods("sessions", "pool=warm")
        self.assertEqual(caught.exception.status, 0)


if __name__ == "__main__":
    unittest.main()
