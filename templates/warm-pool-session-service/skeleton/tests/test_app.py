import http.client
import json
import threading
import unittest

from session_provisioner.app import ProvisionerServer
from session_provisioner.kube import KubernetesError
from session_provisioner.pool import WarmPool

from .fakes import FakeKubernetes, settings


class ProvisionerApiTest(unittest.TestCase):
    def setUp(self) -> None:
        self.kube = FakeKubernetes()
        self.pool = WarmPool(self.kube, settings(pool_size=2, max_sessions=2, on_demand_wait_seconds=0.0))
        self.server = ProvisionerServer(("127.0.0.1", 0), self.pool)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def tearDown(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def request(self, method: str, path: str, body: bytes | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.server.server_port, timeout=10)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        parsed = json.loads(raw) if raw and response.getheader("Content-Type") == "application/json" else raw
        return response.status, dict(response.getheaders()), parsed

    def fill_pool(self) -> None:
        self.pool.reconcile()
        self.kube.make_all_ready()

    def test_readiness_waits_for_the_first_reconcile(self):
        self.assertEqual(self.request("GET", "/ready")[0], 503)
        self.pool.reconcile()
        self.assertEqual(self.request("GET", "/ready")[0], 200)
        self.assertEqual(self.request("GET", "/health")[0], 200)

    def test_post_session_hands_out_a_warm_pod_with_its_websocket_url(self):
        self.fill_pool()
        status, headers, body = self.request("POST", "/session")
        self.assertEqual(status, 201)
        self.assertEqual(body["source"], "warm")
        self.assertEqual(body["status"], "ready")
        pod = self.kube.pods[body["pod"]]
        self.assertEqual(body["websocketUrl"], f"ws://{pod['status']['podIP']}:8080/ws")
        self.assertEqual(pod["metadata"]["labels"]["session-id"], body["sessionId"])
        self.assertEqual(headers["Location"], f"/session/{body['sessionId']}")

    def test_an_empty_pool_answers_202_until_the_on_demand_pod_is_ready(self):
        status, headers, body = self.request("POST", "/session", b"{}")
        self.assertEqual((status, body["source"], body["status"]), (202, "on-demand", "pending"))
        self.assertEqual(headers["Retry-After"], "2")
        location = headers["Location"]
        self.assertEqual(self.request("GET", location)[0], 202)

        [pod] = self.kube.pods_labelled(f"session-id={body['sessionId']}")
        self.kube.make_ready(pod["metadata"]["name"])

        status, _, body = self.request("GET", location)
        self.assertEqual((status, body["status"]), (200, "ready"))
        self.assertIn("websocketUrl", body)

    def test_delete_ends_the_session_and_a_second_delete_is_404(self):
        self.fill_pool()
        session = self.request("POST", "/session")[2]
        self.assertEqual(self.request("DELETE", f"/session/{session['sessionId']}")[0], 204)
        self.assertEqual(self.kube.pods_labelled(f"session-id={session['sessionId']}"), [])
        self.assertEqual(self.request("DELETE", f"/session/{session['sessionId']}")[0], 404)
        self.assertEqual(self.request("GET", f"/session/{session['sessionId']}")[0], 404)

    def test_a_body_that_is_not_a_json_object_is_400_and_assigns_nothing(self):
        self.fill_pool()
        for body, message in ((b"{nope", "body must be JSON"), (b"[1]", "body must be a JSON object")):
            status, _, answer = self.request("POST", "/session", body)
            self.assertEqual((status, answer["error"]), (400, message))
        self.assertEqual(self.kube.pods_labelled("assigned=true"), [])

    def test_unknown_routes_and_malformed_session_ids_are_404(self):
        self.assertEqual(self.request("GET", "/nope")[0], 404)
        self.assertEqual(self.request("GET", "/session/not-an-id")[0], 404)
        self.assertEqual(self.request("POST", "/sessions")[0], 404)

    def test_a_full_service_answers_503_with_retry_after(self):
        self.request("POST", "/session")
        self.request("POST", "/session")
        status, headers, body = self.request("POST", "/session")
        self.assertEqual(status, 503)
        self.assertEqual(headers["Retry-After"], "10")
        self.assertIn("sessions are in use", body["error"])

    def test_a_failing_kubernetes_api_is_a_502_without_its_details(self):
        self.kube.fail_with = KubernetesError(500, "etcdserver: leader changed")
        status, _, body = self.request("POST", "/session")
        self.assertEqual(status, 502)
        self.assertNotIn("etcd", body["error"])

    def test_metrics_count_sessions_by_source_and_pods_by_state(self):
        self.fill_pool()
        self.request("POST", "/session")
        self.pool.reconcile()
        status, headers, body = self.request("GET", "/metrics")
        self.assertEqual(status, 200)
        text = body.decode()
        self.assertIn('warm_pool_sessions_total{pool="warm",namespace="sessions",source="warm"} 1', text)
        self.assertIn('warm_pool_pods{pool="warm",namespace="sessions",state="assigned"} 1', text)
        self.assertIn('warm_pool_target_pods{pool="warm",namespace="sessions"} 2', text)


if __name__ == "__main__":
    unittest.main()
