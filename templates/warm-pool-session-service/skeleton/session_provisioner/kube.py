"""The Kubernetes calls the provisioner makes, behind one small interface.

`KubernetesApi` is what the pool logic depends on; `RestKubernetesApi` implements it with the standard library
against the API server's REST routes (so the image needs no client library), and tests pass a fake.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from typing import Any, Callable

Obj = dict[str, Any]

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


class KubernetesError(Exception):
    """The API server refused a call; `status` is the HTTP status (0 when it could not be reached)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ConflictError(KubernetesError):
    """409: the object changed since it was read (or already exists)."""


class NotFoundError(KubernetesError):
    """404: the object is gone."""


class KubernetesApi(ABC):
    """The calls the warm pool needs, each scoped to one namespace."""

    @abstractmethod
    def list_pods(self, namespace: str, label_selector: str) -> list[Obj]: ...

    @abstractmethod
    def patch_pod(self, namespace: str, name: str, patch: Obj) -> Obj:
        """A JSON merge patch; a `metadata.resourceVersion` in it makes the patch conditional (409 if stale)."""

    @abstractmethod
    def delete_pod(self, namespace: str, name: str) -> None: ...

    @abstractmethod
    def list_jobs(self, namespace: str, label_selector: str) -> list[Obj]: ...

    @abstractmethod
    def create_job(self, namespace: str, job: Obj) -> Obj: ...

    @abstractmethod
    def patch_job(self, namespace: str, name: str, patch: Obj) -> Obj: ...

    @abstractmethod
    def delete_job(self, namespace: str, name: str) -> None:
        """Deletes the Job and, in the background, its pods."""


class RestKubernetesApi(KubernetesApi):
    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        ssl_context: ssl.SSLContext | None = None,
        timeout_seconds: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._ssl = ssl_context
        self._timeout = timeout_seconds

    @classmethod
    def in_cluster(cls, service_account_dir: str = SERVICE_ACCOUNT_DIR) -> "RestKubernetesApi":
        host = os.environ.get("KUBERNETES_SERVICE_HOST")
        port = os.environ.get("KUBERNETES_SERVICE_PORT", "443")
        if not host:
            raise RuntimeError("KUBERNETES_SERVICE_HOST is not set: the provisioner runs inside a cluster")
        if ":" in host:
            host = f"[{host}]"
        context = ssl.create_default_context(cafile=os.path.join(service_account_dir, "ca.crt"))
        token_file = os.path.join(service_account_dir, "token")

        # Projected tokens rotate, so the file is read for every request.
        def token() -> str:
            with open(token_file, encoding="utf-8") as f:
                return f.read().strip()

        return cls(f"https://{host}:{port}", token, context)

    # --- the interface ---------------------------------------------------------------------------

    def list_pods(self, namespace: str, label_selector: str) -> list[Obj]:
        return self._list(f"/api/v1/namespaces/{_seg(namespace)}/pods", label_selector)

    def patch_pod(self, namespace: str, name: str, patch: Obj) -> Obj:
        return self._call("PATCH", f"/api/v1/namespaces/{_seg(namespace)}/pods/{_seg(name)}", patch)

    def delete_pod(self, namespace: str, name: str) -> None:
        self._call("DELETE", f"/api/v1/namespaces/{_seg(namespace)}/pods/{_seg(name)}")

    def list_jobs(self, namespace: str, label_selector: str) -> list[Obj]:
        return self._list(f"/apis/batch/v1/namespaces/{_seg(namespace)}/jobs", label_selector)

    def create_job(self, namespace: str, job: Obj) -> Obj:
        return self._call("POST", f"/apis/batch/v1/namespaces/{_seg(namespace)}/jobs", job)

    def patch_job(self, namespace: str, name: str, patch: Obj) -> Obj:
        return self._call("PATCH", f"/apis/batch/v1/namespaces/{_seg(namespace)}/jobs/{_seg(name)}", patch)

    def delete_job(self, namespace: str, name: str) -> None:
        self._call(
            "DELETE",
            f"/apis/batch/v1/namespaces/{_seg(namespace)}/jobs/{_seg(name)}",
            {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"},
        )

    # --- HTTP --------------------------------------------------------------------------------------

    def _list(self, path: str, label_selector: str) -> list[Obj]:
        items: list[Obj] = []
        cont = ""
        while True:
            query = {"labelSelector": label_selector, "limit": "500"}
            if cont:
                query["continue"] = cont
            page = self._call("GET", f"{path}?{urllib.parse.urlencode(query)}")
            items.extend(page.get("items") or [])
            cont = (page.get("metadata") or {}).get("continue") or ""
            if not cont:
                return items

    def _call(self, method: str, path: str, body: Obj | None = None) -> Obj:
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/merge-patch+json" if method == "PATCH" else "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout, context=self._ssl) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise _error_from(error) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise KubernetesError(0, f"{method} {path.split('?', 1)[0]}: API server unreachable: {error}") from None
        return json.loads(raw) if raw else {}


def _seg(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _error_from(error: urllib.error.HTTPError) -> KubernetesError:
    message = error.reason
    try:
        status = json.loads(error.read() or b"{}")
        message = status.get("message") or message
    except ValueError:
        pass
    text = f"{error.code}: {message}"
    if error.code == 409:
        return ConflictError(409, text)
    if error.code == 404:
        return NotFoundError(404, text)
    return KubernetesError(error.code, text)


# --- reading pods --------------------------------------------------------------------------------


def labels_of(obj: Obj) -> dict[str, str]:
    return (obj.get("metadata") or {}).get("labels") or {}


def name_of(obj: Obj) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def is_ready(pod: Obj) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def is_live(pod: Obj) -> bool:
    """Neither terminating nor finished: a pod that can still serve (or soon serve) a session."""
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    return (pod.get("status") or {}).get("phase", "Pending") in ("Pending", "Running")


def owner_job(pod: Obj) -> str | None:
    for ref in (pod.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("kind") == "Job":
            return ref.get("name")
    return None
