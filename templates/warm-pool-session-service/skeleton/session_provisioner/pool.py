"""The warm pool: pods kept ready (`pool=<pool>`, `assigned=false`) and handed to sessions.

A session takes the oldest ready warm pod, which is relabelled `assigned=true` + `session-id=<id>`; its Job gets
the same labels, so a replacement pod the Job starts later (the pod was deleted or evicted) is relabelled for the
same session by the next reconcile. When no warm pod is ready, a Job is created on demand, already assigned.
Reconciling keeps `pool_size` warm pods, ends sessions older than `session_max_seconds`, and is what the
background replenisher runs.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from .config import Settings
from .jobs import session_job
from .kube import (
    ConflictError,
    KubernetesApi,
    KubernetesError,
    NotFoundError,
    is_live,
    is_ready,
    labels_of,
    name_of,
    owner_job,
)

log = logging.getLogger("session_provisioner.pool")

ASSIGNED_AT_ANNOTATION = "fleetdeck.io/session-assigned-at"


class PoolExhausted(Exception):
    """No warm pod is ready and the on-demand capacity (MAX_SESSIONS) is used up."""


@dataclass(frozen=True)
class Session:
    session_id: str
    ready: bool
    pod: str | None = None
    pod_ip: str | None = None
    job: str | None = None
    source: str | None = None  # "warm" or "on-demand" when just handed out

    def to_json(self, settings: Settings) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sessionId": self.session_id,
            "status": "ready" if self.ready else "pending",
            "pod": self.pod,
        }
        if self.source:
            body["source"] = self.source
        if self.ready and self.pod_ip:
            body["websocketUrl"] = settings.session_url_template.format(
                pod_ip=self.pod_ip,
                pod=self.pod,
                port=settings.session_port,
                session_id=self.session_id,
                namespace=settings.namespace,
            )
        return body


@dataclass
class PoolStatus:
    warm_ready: int = 0
    warm_pending: int = 0
    assigned: int = 0


@dataclass
class ReconcileResult:
    created: list[str] = field(default_factory=list)
    relabelled: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    status: PoolStatus = field(default_factory=PoolStatus)


@dataclass
class Counters:
    sessions_warm: int = 0
    sessions_on_demand: int = 0
    pool_empty: int = 0
    pods_created: int = 0
    reconcile_errors: int = 0


def _created(obj: dict[str, Any]) -> str:
    return (obj.get("metadata") or {}).get("creationTimestamp") or ""


def _pod_ip(pod: dict[str, Any]) -> str | None:
    return (pod.get("status") or {}).get("podIP")


class WarmPool:
    def __init__(
        self,
        api: KubernetesApi,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        new_session_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.api = api
        self.settings = settings
        self.clock = clock
        self.new_session_id = new_session_id
        self.counters = Counters()
        self.status = PoolStatus()
        self.last_reconciled_at: float | None = None
        # Set after a warm pod is taken, so the replenisher does not wait out its interval.
        self.wakeup = threading.Event()
        self._lock = threading.Lock()

    # --- reading the pool ---------------------------------------------------------------------------

    def _pool_pods(self) -> list[dict[str, Any]]:
        pods = self.api.list_pods(self.settings.namespace, self.settings.pool_selector)
        return sorted((p for p in pods if is_live(p)), key=lambda p: (_created(p), name_of(p)))

    def _session_jobs(self) -> dict[str, dict[str, Any]]:
        """Jobs that belong to a session, by name."""
        s = self.settings
        jobs = self.api.list_jobs(s.namespace, f"{s.pool_selector},{s.session_label}")
        return {name_of(j): j for j in jobs}

    def _is_assigned(self, pod: dict[str, Any]) -> bool:
        return labels_of(pod).get(self.settings.assigned_label) == "true"

    # --- reconcile --------------------------------------------------------------------------------

    def reconcile(self) -> ReconcileResult:
        """One pass of the replenisher; raises KubernetesError when the API server fails it."""
        s = self.settings
        result = ReconcileResult()
        with self._lock:
            try:
                pods = self._pool_pods()
                session_jobs = self._session_jobs()
                now = self.clock()
                for job_name, job in session_jobs.items():
                    assigned_at = ((job.get("metadata") or {}).get("annotations") or {}).get(ASSIGNED_AT_ANNOTATION)
                    if assigned_at and assigned_at.isdigit() and now - int(assigned_at) > s.session_max_seconds:
                        self._delete_job(job_name)
                        result.expired.append(labels_of(job).get(s.session_label, job_name))
                expired_jobs = {n for n, j in session_jobs.items() if labels_of(j).get(s.session_label) in result.expired}
                pods = [p for p in pods if owner_job(p) not in expired_jobs]

                warm: list[dict[str, Any]] = []
                for pod in pods:
                    if self._is_assigned(pod):
                        continue
                    job = session_jobs.get(owner_job(pod) or "")
                    if job is not None:
                        # A replacement pod of a session's Job: it belongs to that session, not to the pool.
                        session_id = labels_of(job)[s.session_label]
                        if self._relabel(pod, session_id, conditional=False):
                            result.relabelled.append(name_of(pod))
                        continue
                    warm.append(pod)

                assigned = len(pods) - len(warm)
                capacity = s.pool_size + s.max_sessions - len(pods)
                wanted = min(s.pool_size - len(warm), s.max_creates_per_round, capacity)
                for _ in range(max(0, wanted)):
                    created = self.api.create_job(s.namespace, session_job(s))
                    self.counters.pods_created += 1
                    result.created.append(name_of(created))
                ready = sum(1 for p in warm if is_ready(p))
                result.status = PoolStatus(
                    warm_ready=ready,
                    warm_pending=len(warm) - ready + len(result.created),
                    assigned=assigned,
                )
                self.status = result.status
                self.last_reconciled_at = now
            except KubernetesError:
                self.counters.reconcile_errors += 1
                raise
        if result.created or result.relabelled or result.expired:
            log.info(
                "reconciled",
                extra={
                    "fields": {
                        "created": len(result.created),
                        "relabelled": len(result.relabelled),
                        "expired": len(result.expired),
                        "warmReady": result.status.warm_ready,
                    }
                },
            )
        return result

    # --- sessions ---------------------------------------------------------------------------------

    def assign(self) -> Session:
        """Hands a session the oldest ready warm pod, or creates one on demand; raises PoolExhausted."""
        s = self.settings
        session_id = self.new_session_id()
        with self._lock:
            pods = self._pool_pods()
            session_job_names = set(self._session_jobs())
            candidates = [
                p
                for p in pods
                if not self._is_assigned(p) and is_ready(p) and owner_job(p) not in session_job_names
            ]
            for pod in candidates:
                if not self._relabel(pod, session_id, conditional=True):
                    continue
                job = owner_job(pod)
                if job:
                    self._label_job(job, session_id)
                self.counters.sessions_warm += 1
                self.wakeup.set()
                log.info("session assigned", extra={"fields": {"session": session_id, "pod": name_of(pod)}})
                return Session(
                    session_id=session_id,
                    ready=True,
                    pod=name_of(pod),
                    pod_ip=_pod_ip(pod),
                    job=job,
                    source="warm",
                )

            self.counters.pool_empty += 1
            assigned = sum(1 for p in pods if self._is_assigned(p))
            if assigned >= s.max_sessions:
                raise PoolExhausted(f"all {s.max_sessions} sessions are in use and no warm pod is ready")
            job = session_job(s, session_id)
            job["metadata"]["annotations"] = {ASSIGNED_AT_ANNOTATION: str(int(self.clock()))}
            created = self.api.create_job(s.namespace, job)
            self.counters.sessions_on_demand += 1
            self.counters.pods_created += 1
            self.wakeup.set()
            log.info("session on demand", extra={"fields": {"session": session_id, "job": name_of(created)}})
            return Session(session_id=session_id, ready=False, job=name_of(created), source="on-demand")

    def find(self, session_id: str) -> Session | None:
        s = self.settings
        selector = f"{s.pool_selector},{s.session_label}={session_id}"
        pods = [p for p in self.api.list_pods(s.namespace, selector) if is_live(p)]
        pods.sort(key=lambda p: (not is_ready(p), _created(p)))
        if pods:
            pod = pods[0]
            return Session(
                session_id=session_id,
                ready=is_ready(pod),
                pod=name_of(pod),
                pod_ip=_pod_ip(pod),
                job=owner_job(pod),
            )
        jobs = self.api.list_jobs(s.namespace, selector)
        if any(not _finished(j) for j in jobs):
            return Session(session_id=session_id, ready=False, job=name_of(jobs[0]))
        return None

    def wait_ready(self, session_id: str, timeout_seconds: float, sleep: Callable[[float], None] = time.sleep) -> Session | None:
        """Polls until the session's pod is ready or the timeout passes; returns the last state seen."""
        deadline = time.monotonic() + timeout_seconds
        session = self.find(session_id)
        while session is not None and not session.ready and time.monotonic() < deadline:
            sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            session = self.find(session_id)
        return session

    def end(self, session_id: str) -> bool:
        """Deletes the session's Job(s) and so its pod; False when no such session exists."""
        s = self.settings
        selector = f"{s.pool_selector},{s.session_label}={session_id}"
        jobs = {name_of(j) for j in self.api.list_jobs(s.namespace, selector)}
        pods = self.api.list_pods(s.namespace, selector)
        jobs |= {j for j in (owner_job(p) for p in pods) if j}
        for job in jobs:
            self._delete_job(job)
        orphans = [p for p in pods if owner_job(p) is None]
        for pod in orphans:
            try:
                self.api.delete_pod(s.namespace, name_of(pod))
            except NotFoundError:
                pass
        if jobs or orphans:
            log.info("session ended", extra={"fields": {"session": session_id}})
        return bool(jobs or orphans)

    # --- writes -----------------------------------------------------------------------------------

    def _relabel(self, pod: dict[str, Any], session_id: str, *, conditional: bool) -> bool:
        """Marks a pod as the session's; conditional patches fail (False) when another writer got there first."""
        s = self.settings
        metadata: dict[str, Any] = {"labels": {s.assigned_label: "true", s.session_label: session_id}}
        if conditional:
            metadata["resourceVersion"] = (pod.get("metadata") or {}).get("resourceVersion")
        try:
            self.api.patch_pod(s.namespace, name_of(pod), {"metadata": metadata})
            return True
        except (ConflictError, NotFoundError):
            return False

    def _label_job(self, job: str, session_id: str) -> None:
        s = self.settings
        patch = {
            "metadata": {
                "labels": {s.assigned_label: "true", s.session_label: session_id},
                "annotations": {ASSIGNED_AT_ANNOTATION: str(int(self.clock()))},
            }
        }
        try:
            self.api.patch_job(s.namespace, job, patch)
        except KubernetesError as error:
            # The session has its pod; only a later replacement pod would not find its way back to it.
            log.warning("could not label job", extra={"fields": {"job": job, "error": str(error)}})

    def _delete_job(self, job: str) -> None:
        try:
            self.api.delete_job(self.settings.namespace, job)
        except NotFoundError:
            pass


def _finished(job: dict[str, Any]) -> bool:
    conditions = (job.get("status") or {}).get("conditions") or []
    return any(c.get("type") in ("Complete", "Failed") and c.get("status") == "True" for c in conditions)

