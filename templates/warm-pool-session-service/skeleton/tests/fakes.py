"""An in-memory Kubernetes for the provisioner's tests: pods, Jobs, a Job controller, resourceVersions."""

from __future__ import annotations

import copy
import itertools
from typing import Any

from session_provisioner.config import Settings
from session_provisioner.kube import ConflictError, KubernetesApi, KubernetesError, NotFoundError

NAMESPACE = "sessions"


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "namespace": NAMESPACE,
        "app_name": "chat-sessions",
        "session_image": "registry.example.com/chat-sessions/session-server:1.0.0",
        "pool_name": "warm",
        "pool_size": 3,
        "max_sessions": 10,
        "on_demand_wait_seconds": 0.0,
    }
    values.update(overrides)
    return Settings(**values)


def matches(labels: dict[str, str], selector: str) -> bool:
    for term in filter(None, selector.split(",")):
        key, sep, value = term.partition("=")
        if sep and labels.get(key) != value:
            return False
        if not sep and key not in labels:
            return False
    return True


class FakeKubernetes(KubernetesApi):
    """Behaves like the API server for the calls the pool makes, with a Job controller run by hand."""

    def __init__(self) -> None:
        self.pods: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail_with: KubernetesError | None = None
        # Pod names whose next conditional patch loses the race to another writer.
        self.conflict_next_patch: set[str] = set()
        self._seq = itertools.count(1)
        self._ips = itertools.count(10)

    # --- helpers for tests -------------------------------------------------------------------------

    def _check(self, call: str, name: str = "") -> None:
        self.calls.append((call, name))
        if self.fail_with is not None:
            raise self.fail_with

    def _stamp(self, obj: dict[str, Any]) -> None:
        obj["metadata"]["resourceVersion"] = str(next(self._seq))

    def _new_pod(self, job: dict[str, Any]) -> dict[str, Any]:
        n = next(self._seq)
        template = job["spec"]["template"]
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": f"{job['metadata']['name']}-{n:05d}",
                "namespace": NAMESPACE,
                "labels": {**template["metadata"]["labels"], "job-name": job["metadata"]["name"]},
                "creationTimestamp": f"2025-01-01T00:{n // 60:02d}:{n % 60:02d}Z",
                "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": job["metadata"]["name"]}],
            },
            "spec": copy.deepcopy(template["spec"]),
            "status": {"phase": "Pending"},
        }
        self._stamp(pod)
        self.pods[pod["metadata"]["name"]] = pod
        return pod

    def run_job_controller(self) -> list[str]:
        """Starts a pod for every Job without a live one, from the Job's (unchanged) template."""
        started = []
        for job in self.jobs.values():
            live = [
                p
                for p in self.pods.values()
                if p["metadata"]["labels"].get("job-name") == job["metadata"]["name"]
                and not p["metadata"].get("deletionTimestamp")
            ]
            if not live:
                started.append(self._new_pod(job)["metadata"]["name"])
        return started

    def make_ready(self, name: str) -> None:
        pod = self.pods[name]
        pod["status"] = {
            "phase": "Running",
            "podIP": f"10.1.0.{next(self._ips)}",
            "conditions": [{"type": "Ready", "status": "True"}],
        }
        self._stamp(pod)

    def make_all_ready(self) -> None:
        for name in list(self.pods):
            if self.pods[name]["status"].get("phase") == "Pending":
                self.make_ready(name)

    def pods_labelled(self, selector: str) -> list[dict[str, Any]]:
        return [p for p in self.pods.values() if matches(p["metadata"]["labels"], selector)]

    # --- KubernetesApi ------------------------------------------------------------------------------

    def list_pods(self, namespace: str, label_selector: str) -> list[dict[str, Any]]:
        self._check("list_pods", label_selector)
        return [copy.deepcopy(p) for p in self.pods.values() if matches(p["metadata"]["labels"], label_selector)]

    def patch_pod(self, namespace: str, name: str, patch: dict[str, Any]) -> dict[str, Any]:
        self._check("patch_pod", name)
        return self._patch(self.pods, name, patch)

    def delete_pod(self, namespace: str, name: str) -> None:
        self._check("delete_pod", name)
        if name not in self.pods:
            raise NotFoundError(404, f'pods "{name}" not found')
        del self.pods[name]

    def list_jobs(self, namespace: str, label_selector: str) -> list[dict[str, Any]]:
        self._check("list_jobs", label_selector)
        return [copy.deepcopy(j) for j in self.jobs.values() if matches(j["metadata"]["labels"], label_selector)]

    def create_job(self, namespace: str, job: dict[str, Any]) -> dict[str, Any]:
        self._check("create_job")
        job = copy.deepcopy(job)
        job["metadata"]["name"] = f"{job['metadata'].pop('generateName')}{next(self._seq):05d}"
        self._stamp(job)
        self.jobs[job["metadata"]["name"]] = job
        self._new_pod(job)
        return copy.deepcopy(job)

    def patch_job(self, namespace: str, name: str, patch: dict[str, Any]) -> dict[str, Any]:
        self._check("patch_job", name)
        return self._patch(self.jobs, name, patch)

    def delete_job(self, namespace: str, name: str) -> None:
        self._check("delete_job", name)
        if name not in self.jobs:
            raise NotFoundError(404, f'jobs.batch "{name}" not found')
        del self.jobs[name]
        for pod in [p for p in self.pods if self.pods[p]["metadata"]["labels"].get("job-name") == name]:
            del self.pods[pod]

    def _patch(self, store: dict[str, Any], name: str, patch: dict[str, Any]) -> dict[str, Any]:
        if name not in store:
            raise NotFoundError(404, f'"{name}" not found')
        obj = store[name]
        metadata = patch.get("metadata", {})
        expected = metadata.get("resourceVersion")
        if expected is not None:
            if name in self.conflict_next_patch:
                self.conflict_next_patch.discard(name)
                self._stamp(obj)
            if expected != obj["metadata"]["resourceVersion"]:
                raise ConflictError(409, "the object has been modified; please apply your changes to the latest version")
        for key in ("labels", "annotations"):
            if key in metadata:
                obj["metadata"].setdefault(key, {}).update(metadata[key])
        self._stamp(obj)
        return copy.deepcopy(obj)
