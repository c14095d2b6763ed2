import unittest

from session_provisioner.kube import KubernetesError
from session_provisioner.pool import ASSIGNED_AT_ANNOTATION, PoolExhausted, WarmPool

from .fakes import FakeKubernetes, settings


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def session_ids():
    n = 0

    def next_id() -> str:
        nonlocal n
        n += 1
        return f"{n:032x}"

    return next_id


class WarmPoolTest(unittest.TestCase):
    def setUp(self) -> None:
        self.kube = FakeKubernetes()
        self.clock = Clock()
        self.settings = settings(pool_size=3, max_sessions=4)
        self.pool = WarmPool(self.kube, self.settings, clock=self.clock, new_session_id=session_ids())

    def warm_pods(self):
        return self.kube.pods_labelled("pool=warm,assigned=false")

    def test_first_reconcile_creates_a_job_per_missing_warm_pod_labelled_for_the_pool(self):
        result = self.pool.reconcile()
        self.assertEqual(len(result.created), 3)
        self.assertEqual(len(self.kube.jobs), 3)
        self.assertEqual(len(self.warm_pods()), 3)
        self.assertEqual(result.status.warm_pending, 3)
        for job in self.kube.jobs.values():
            self.assertEqual(job["metadata"]["labels"]["pool"], "warm")
            self.assertEqual(job["metadata"]["labels"]["assigned"], "false")
            self.assertNotIn("session-id", job["metadata"]["labels"])

    def test_reconcile_creates_nothing_once_the_pool_is_full(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        result = self.pool.reconcile()
        self.assertEqual(result.created, [])
        self.assertEqual(result.status.warm_ready, 3)

    def test_a_session_gets_the_oldest_ready_warm_pod_relabelled_with_its_session_id(self):
        self.pool.reconcile()
        names = sorted(self.kube.pods)
        self.kube.make_ready(names[1])
        self.kube.make_ready(names[2])

        session = self.pool.assign()

        self.assertEqual(session.source, "warm")
        self.assertTrue(session.ready)
        self.assertEqual(session.pod, names[1])
        pod = self.kube.pods[names[1]]
        self.assertEqual(pod["metadata"]["labels"]["assigned"], "true")
        self.assertEqual(pod["metadata"]["labels"]["session-id"], session.session_id)
        self.assertEqual(pod["metadata"]["labels"]["pool"], "warm")
        job = self.kube.jobs[session.job]
        self.assertEqual(job["metadata"]["labels"]["session-id"], session.session_id)
        self.assertEqual(job["metadata"]["annotations"][ASSIGNED_AT_ANNOTATION], str(int(self.clock.now)))
        self.assertEqual(
            session.to_json(self.settings)["websocketUrl"], f"ws://{pod['status']['podIP']}:8080/ws"
        )
        self.assertTrue(self.pool.wakeup.is_set())

    def test_a_pod_another_writer_took_first_is_skipped_for_the_next_one(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        first, second = sorted(self.kube.pods)[:2]
        self.kube.conflict_next_patch.add(first)

        session = self.pool.assign()

        self.assertEqual(session.pod, second)
        self.assertEqual(self.kube.pods[first]["metadata"]["labels"]["assigned"], "false")

    def test_an_empty_pool_falls_back_to_a_job_created_on_demand_already_assigned(self):
        self.pool.reconcile()  # three warm pods, none ready yet

        session = self.pool.assign()

        self.assertEqual(session.source, "on-demand")
        self.assertFalse(session.ready)
        job = self.kube.jobs[session.job]
        self.assertEqual(job["metadata"]["labels"]["assigned"], "true")
        self.assertEqual(job["metadata"]["labels"]["session-id"], session.session_id)
        self.assertIn(ASSIGNED_AT_ANNOTATION, job["metadata"]["annotations"])
        [pod] = self.kube.pods_labelled(f"session-id={session.session_id}")
        self.assertEqual(pod["metadata"]["labels"]["assigned"], "true")
        self.assertEqual(self.pool.counters.pool_empty, 1)
        self.assertEqual(self.pool.counters.sessions_on_demand, 1)
        self.assertEqual(len(self.warm_pods()), 3, "warm pods are left to the pool")

    def test_the_replenisher_refills_the_pool_after_an_assignment(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        self.pool.assign()
        self.assertEqual(len(self.warm_pods()), 2)

        result = self.pool.reconcile()

        self.assertEqual(len(result.created), 1)
        self.assertEqual(len(self.warm_pods()), 3)
        self.assertEqual(result.status.assigned, 1)

    def test_a_replacement_pod_of_a_sessions_job_goes_back_to_that_session(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        session = self.pool.assign()
        self.kube.delete_pod("sessions", session.pod)
        [replacement] = self.kube.run_job_controller()
        self.assertEqual(self.kube.pods[replacement]["metadata"]["labels"]["assigned"], "false")

        result = self.pool.reconcile()

        self.assertEqual(result.relabelled, [replacement])
        labels = self.kube.pods[replacement]["metadata"]["labels"]
        self.assertEqual(labels["assigned"], "true")
        self.assertEqual(labels["session-id"], session.session_id)
        self.assertEqual(len(self.warm_pods()), 3, "the replacement is not counted as warm")

    def test_a_replacement_pod_is_never_handed_to_another_session(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        first = self.pool.assign()
        self.kube.delete_pod("sessions", first.pod)
        [replacement] = self.kube.run_job_controller()
        self.kube.make_ready(replacement)

        second = self.pool.assign()

        self.assertNotEqual(second.pod, replacement)

    def test_terminating_pods_do_not_count_as_warm(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        victim = sorted(self.kube.pods)[0]
        self.kube.pods[victim]["metadata"]["deletionTimestamp"] = "2025-01-01T01:00:00Z"

        result = self.pool.reconcile()

        self.assertEqual(len(result.created), 1)
        self.assertEqual(result.status.warm_ready, 2)

    def test_sessions_beyond_max_sessions_are_refused_when_no_warm_pod_is_ready(self):
        pool = WarmPool(self.kube, settings(pool_size=0, max_sessions=1), clock=self.clock, new_session_id=session_ids())
        pool.assign()
        with self.assertRaises(PoolExhausted):
            pool.assign()
        self.assertEqual(len(self.kube.jobs), 1)

    def test_the_pool_never_grows_past_pool_size_plus_max_sessions(self):
        pool = WarmPool(self.kube, settings(pool_size=3, max_sessions=1), clock=self.clock, new_session_id=session_ids())
        pool.assign()  # on demand: one assigned pod
        result = pool.reconcile()
        self.assertEqual(len(result.created), 3)
        self.kube.make_all_ready()
        pool.assign()
        self.assertEqual(len(pool.reconcile().created), 0, "one slot each for 3 warm + 1 session, all used")

    def test_sessions_older_than_session_max_seconds_are_ended(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        session = self.pool.assign()
        self.clock.now += self.settings.session_max_seconds + 1

        result = self.pool.reconcile()

        self.assertEqual(result.expired, [session.session_id])
        self.assertNotIn(session.job, self.kube.jobs)
        self.assertEqual(len(self.warm_pods()), 3)

    def test_find_reports_ready_pending_and_unknown_sessions(self):
        self.pool.reconcile()
        self.kube.make_ready(sorted(self.kube.pods)[0])
        warm = self.pool.assign()
        on_demand = self.pool.assign()
        self.assertEqual(on_demand.source, "on-demand")

        self.assertTrue(self.pool.find(warm.session_id).ready)
        pending = self.pool.find(on_demand.session_id)
        self.assertFalse(pending.ready)
        self.assertEqual(pending.to_json(self.settings)["status"], "pending")
        self.assertNotIn("websocketUrl", pending.to_json(self.settings))
        self.assertIsNone(self.pool.find("0" * 32))

    def test_wait_ready_polls_until_the_on_demand_pod_is_ready(self):
        pool = WarmPool(self.kube, settings(pool_size=0), clock=self.clock, new_session_id=session_ids())
        session = pool.assign()
        [pod] = self.kube.pods_labelled(f"session-id={session.session_id}")
        polls = []

        def sleep(_seconds: float) -> None:
            polls.append(1)
            if len(polls) == 2:
                self.kube.make_ready(pod["metadata"]["name"])

        ready = pool.wait_ready(session.session_id, timeout_seconds=60, sleep=sleep)

        self.assertTrue(ready.ready)
        self.assertEqual(len(polls), 2)

    def test_ending_a_session_deletes_its_job_and_pod(self):
        self.pool.reconcile()
        self.kube.make_all_ready()
        session = self.pool.assign()

        self.assertTrue(self.pool.end(session.session_id))

        self.assertNotIn(session.job, self.kube.jobs)
        self.assertEqual(self.kube.pods_labelled(f"session-id={session.session_id}"), [])
        self.assertFalse(self.pool.end(session.session_id))

    def test_a_failing_api_server_fails_the_reconcile_and_is_counted(self):
        self.kube.fail_with = KubernetesError(500, "etcdserver: request timed out")
        with self.assertRaises(KubernetesError):
            self.pool.reconcile()
        self.assertEqual(self.pool.counters.reconcile_errors, 1)
        self.assertIsNone(self.pool.last_reconciled_at)


if __name__ == "__main__":
    unittest.main()
