"""The Job that runs one session pod, built in one place so the production rules are pinned by tests."""

from __future__ import annotations

from typing import Any

from .config import Settings

UID = 10001


def session_labels(settings: Settings, session_id: str | None) -> dict[str, str]:
    """Labels of a session Job and its pod: warm (`assigned=false`) or, created on demand, already assigned."""
    labels = {
        "app.kubernetes.io/name": f"{settings.app_name}-session",
        "app.kubernetes.io/component": "session",
        "app.kubernetes.io/part-of": settings.app_name,
        "app.kubernetes.io/managed-by": f"{settings.app_name}-provisioner",
        "backstage.io/kubernetes-id": settings.app_name,
        settings.pool_label: settings.pool_name,
        settings.assigned_label: "false" if session_id is None else "true",
    }
    if session_id is not None:
        labels[settings.session_label] = session_id
    return labels


def session_job(settings: Settings, session_id: str | None = None) -> dict[str, Any]:
    labels = session_labels(settings, session_id)
    resources = settings.session_resources
    probe = {"httpGet": {"path": "/health", "port": "ws"}, "timeoutSeconds": 2}
    pod_spec: dict[str, Any] = {
        "restartPolicy": "Never",
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "terminationGracePeriodSeconds": 30,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": UID,
            "runAsGroup": UID,
            "fsGroup": UID,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [
            {
                "name": "websocket",
                "image": settings.session_image,
                "imagePullPolicy": "IfNotPresent",
                "ports": [{"name": "ws", "containerPort": settings.session_port, "protocol": "TCP"}],
                "env": [
                    {"name": "PORT", "value": str(settings.session_port)},
                    {"name": "IDLE_EXIT_SECONDS", "value": str(settings.session_idle_exit_seconds)},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                ],
                "resources": {
                    "requests": {"cpu": resources.cpu_request, "memory": resources.memory_request},
                    "limits": {"cpu": resources.cpu_limit, "memory": resources.memory_limit},
                },
                "securityContext": {
                    "runAsNonRoot": True,
                    "allowPrivilegeEscalation": False,
                    "readOnlyRootFilesystem": True,
                    "capabilities": {"drop": ["ALL"]},
                },
                "startupProbe": {**probe, "periodSeconds": 1, "failureThreshold": 30},
                "readinessProbe": {**probe, "periodSeconds": 2, "failureThreshold": 2},
                "livenessProbe": {**probe, "periodSeconds": 10, "failureThreshold": 3},
                "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
            }
        ],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "16Mi"}}],
    }
    if settings.session_service_account:
        pod_spec["serviceAccountName"] = settings.session_service_account
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "generateName": f"{settings.app_name[:40]}-session-",
            "namespace": settings.namespace,
            "labels": dict(labels),
        },
        "spec": {
            # A deleted or failed pod is replaced for the same session; a pod that ends the session exits 0.
            "backoffLimit": 6,
            # Evictions and node drains do not use up the retries.
            "podFailurePolicy": {
                "rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}],
            },
            # A safety net should the provisioner be gone; sessions themselves end after SESSION_MAX_SECONDS.
            "activeDeadlineSeconds": settings.pod_max_lifetime_seconds,
            "ttlSecondsAfterFinished": settings.session_ttl_after_finished_seconds,
            "template": {"metadata": {"labels": dict(labels)}, "spec": pod_spec},
        },
    }
