"""Calls to the backend: short timeouts, a few retries with exponential backoff on connection errors and 5xx."""
import logging
import time
from typing import List, Optional

import httpx

logger = logging.getLogger(__name__)


class BackendUnavailable(Exception):
    """The backend did not answer usefully after the retries."""


class BackendClient:
    def __init__(self, base_url: str, timeout_seconds: float = 2.0, attempts: int = 3,
                 backoff_seconds: float = 0.2, transport: Optional[httpx.BaseTransport] = None,
                 sleep=time.sleep) -> None:
        self._client = httpx.Client(base_url=base_url, timeout=timeout_seconds, transport=transport)
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._sleep = sleep

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        delay = self._backoff
        last_error = "no attempt made"
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._client.request(method, path, **kwargs)
                if response.status_code < 500:
                    return response
                last_error = f"backend answered {response.status_code}"
            except httpx.TransportError as error:
                last_error = f"{type(error).__name__}: {error}"
            if attempt < self._attempts:
                logger.warning("backend call failed (%s), retry %d in %.2fs", last_error, attempt, delay)
                self._sleep(delay)
                delay *= 2
        raise BackendUnavailable(last_error)

    def list_items(self) -> List[dict]:
        response = self._request("GET", "/api/items", params={"limit": 100})
        response.raise_for_status()
        return response.json()

    def create_item(self, name: str, description: str) -> dict:
        # POST is not idempotent: one attempt only for client errors; the retry loop only repeats on 5xx/transport.
        response = self._request("POST", "/api/items", json={"name": name, "description": description})
        if response.status_code == 422:
            raise ValueError("the backend refused the item")
        response.raise_for_status()
        return response.json()
