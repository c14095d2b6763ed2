import unittest

from session_provisioner.config import Resources
from session_provisioner.jobs import session_job

from .fakes import settings


class SessionJobTest(unittest.TestCase):
    def setUp(self) -> None:
        self.settings = settings(session_resources=Resources("100m", "500m", "96Mi", "192Mi"))

    def container(self, job):
        [container] = job["spec"]["template"]["spec"]["containers"]
        return container

    def test_warm_jobs_carry_the_pool_labels_the_dashboard_reads(self):
        labels = session_job(self.settings)["spec"]["template"]["metadata"]["labels"]
        self.assertEqual((labels["pool"], labels["assigned"]), ("warm", "false"))
        self.assertNotIn("session-id", labels)
        self.assertEqual(labels["backstage.io/kubernetes-id"], "chat-sessions")

    def test_on_demand_jobs_start_out_assigned_to_their_session(self):
        labels = session_job(self.settings, "a" * 32)["spec"]["template"]["metadata"]["labels"]
        self.assertEqual((labels["assigned"], labels["session-id"]), ("true", "a" * 32))

    def test_session_pods_meet_the_production_rules(self):
        job = session_job(self.settings)
        pod = job["spec"]["template"]["spec"]
        container = self.container(job)
        self.assertTrue(pod["securityContext"]["runAsNonRoot"])
        self.assertEqual(pod["securityContext"]["seccompProfile"], {"type": "RuntimeDefault"})
        self.assertFalse(pod["automountServiceAccountToken"])
        context = container["securityContext"]
        self.assertTrue(context["readOnlyRootFilesystem"])
        self.assertFalse(context["allowPrivilegeEscalation"])
        self.assertEqual(context["capabilities"], {"drop": ["ALL"]})
        self.assertEqual(
            container["resources"],
            {"requests": {"cpu": "100m", "memory": "96Mi"}, "limits": {"cpu": "500m", "memory": "192Mi"}},
        )
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            self.assertEqual(container[probe]["httpGet"], {"path": "/health", "port": "ws"}, probe)
        self.assertEqual(container["image"], "registry.example.com/chat-sessions/session-server:1.0.0")
        self.assertEqual(pod["volumes"], [{"name": "tmp", "emptyDir": {"sizeLimit": "16Mi"}}])

    def test_deleted_pods_are_replaced_and_evictions_do_not_use_up_retries(self):
        spec = session_job(self.settings)["spec"]
        self.assertEqual(spec["template"]["spec"]["restartPolicy"], "Never")
        self.assertGreater(spec["backoffLimit"], 0)
        self.assertEqual(
            spec["podFailurePolicy"]["rules"],
            [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}],
        )
        self.assertEqual(spec["activeDeadlineSeconds"], self.settings.pod_max_lifetime_seconds)

    def test_job_names_are_generated_by_the_api_server(self):
        metadata = session_job(self.settings)["metadata"]
        self.assertEqual(metadata["generateName"], "chat-sessions-session-")
        self.assertNotIn("name", metadata)


if __name__ == "__main__":
    unittest.main()
