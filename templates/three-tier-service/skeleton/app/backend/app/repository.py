"""Where items live: PostgreSQL in production, memory in tests. The API only knows the ItemRepository protocol."""
import logging
import threading
import time
from typing import Dict, List, Optional, Protocol

logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """The database cannot be reached; the API answers 503 and the readiness probe fails."""


class ItemRepository(Protocol):
    def list_items(self, limit: int, offset: int) -> List[dict]: ...

    def get_item(self, item_id: int) -> Optional[dict]: ...

    def create_item(self, name: str, description: str) -> dict: ...

    def delete_item(self, item_id: int) -> bool: ...

    def ping(self) -> None: ...


class InMemoryItemRepository:
    """The same behaviour as PostgreSQL's, for tests and local runs without a database."""

    def __init__(self) -> None:
        self._items: Dict[int, dict] = {}
        self._next_id = 1
        self._lock = threading.Lock()
        self.available = True

    def _check(self) -> None:
        if not self.available:
            raise Unavailable("database unavailable")

    def list_items(self, limit: int, offset: int) -> List[dict]:
        self._check()
        with self._lock:
            return [dict(v) for _, v in sorted(self._items.items())][offset : offset + limit]

    def get_item(self, item_id: int) -> Optional[dict]:
        self._check()
        item = self._items.get(item_id)
        return dict(item) if item else None

    def create_item(self, name: str, description: str) -> dict:
        self._check()
        with self._lock:
            item = {"id": self._next_id, "name": name, "description": description}
            self._items[self._next_id] = item
            self._next_id += 1
            return dict(item)

    def delete_item(self, item_id: int) -> bool:
        self._check()
        with self._lock:
            return self._items.pop(item_id, None) is not None

    def ping(self) -> None:
        self._check()


class PostgresItemRepository:
    """Items in PostgreSQL (schema: app/db-init), through a small thread-safe connection pool."""

    def __init__(self, dsn: str, pool_min: int, pool_max: int, attempts: int = 5) -> None:
        # Imported here so that tests and tools that never talk to PostgreSQL do not need the driver.
        import psycopg2
        import psycopg2.extras
        import psycopg2.pool

        self._errors = (psycopg2.OperationalError, psycopg2.InterfaceError)
        self._dict_cursor = psycopg2.extras.RealDictCursor
        delay = 0.5
        for attempt in range(1, attempts + 1):
            try:
                self._pool = psycopg2.pool.ThreadedConnectionPool(pool_min, pool_max, dsn)
                return
            except self._errors as error:
                if attempt == attempts:
                    raise Unavailable(str(error)) from error
                logger.warning("database not reachable (attempt %d/%d), retrying in %.1fs", attempt, attempts, delay)
                time.sleep(delay)
                delay = min(delay * 2, 8.0)

    def _run(self, sql: str, params: tuple = (), fetch: str = "all"):
        try:
            conn = self._pool.getconn()
        except self._errors as error:
            raise Unavailable(str(error)) from error
        try:
            with conn, conn.cursor(cursor_factory=self._dict_cursor) as cur:
                cur.execute(sql, params)
                if fetch == "all":
                    return [dict(row) for row in cur.fetchall()]
                if fetch == "one":
                    row = cur.fetchone()
                    return dict(row) if row else None
                return cur.rowcount
        except self._errors as error:
            self._pool.putconn(conn, close=True)
            conn = None
            raise Unavailable(str(error)) from error
        finally:
            if conn is not None:
                self._pool.putconn(conn)

    def list_items(self, limit: int, offset: int) -> List[dict]:
        return self._run("SELECT id, name, description FROM items ORDER BY id LIMIT %s OFFSET %s", (limit, offset))

    def get_item(self, item_id: int) -> Optional[dict]:
        return self._run("SELECT id, name, description FROM items WHERE id = %s", (item_id,), fetch="one")

    def create_item(self, name: str, description: str) -> dict:
        return self._run(
            "INSERT INTO items (name, description) VALUES (%s, %s) RETURNING id, name, description",
            (name, description),
            fetch="one",
        )

    def delete_item(self, item_id: int) -> bool:
        return self._run("DELETE FROM items WHERE id = %s", (item_id,), fetch="count") > 0

    def ping(self) -> None:
        self._run("SELECT 1", fetch="one")
