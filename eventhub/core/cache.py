"""Built answers kept for the next request: in this process, and in Redis when REDIS_URL is set, so
the other workers and app servers need not build them again.

Keys must name everything an answer depends on, a version of eventhub.core.versions above all:
nothing here is ever invalidated, old keys simply stop being asked for and fall out (least recently
used first in a process, after a day in Redis). A cache never breaks a page: Redis failing only
means building the answer again.
"""
import json
import logging
import threading
from collections import OrderedDict
from typing import NamedTuple

from flask import current_app

log = logging.getLogger(__name__)

REDIS_PREFIX = "eventhub:cache:"
REDIS_TTL = 24 * 3600
REDIS_TIMEOUT = 0.5
# Redis answering slower than this (or not at all) is skipped for this long before asking it again.
REDIS_PAUSE = 30.0


class Entry(NamedTuple):
    """A built answer and what was learnt building it (its ETag, its Last-Modified …), as text."""

    body: bytes
    meta: dict


class LocalCache:
    """The most recently used values up to a number of bytes, shared by the threads of one process."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._values: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def set(self, key, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._values:
                self._size -= self._values.pop(key)[1]
            self._values[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes:
                _key, (_value, dropped) = self._values.popitem(last=False)
                self._size -= dropped

    def get_value(self, key):
        """The value alone (get returns it with its size)."""
        found = self.get(key)
        return found[0] if found is not None else None

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._size = 0


# Whole answers of this process: each filter of each feed, the exports and booklets of a few events.
_answers = LocalCache(48 * 1024 * 1024)
_redis_state = {"client": None, "url": None, "paused_until": 0.0}
_redis_lock = threading.Lock()


def get(key: str) -> Entry | None:
    """The answer stored under key, from this process or else from Redis; None when neither has it."""
    entry = _answers.get_value(key)
    if entry is not None:
        return entry
    raw = _redis_call("get", REDIS_PREFIX + key)
    if raw is None:
        return None
    entry = _decode(raw)
    if entry is not None:
        _answers.set(key, entry, len(entry.body))
    return entry


def put(key: str, body: bytes, **meta: str) -> Entry:
    """Keep an answer here and, when configured, in Redis for the other processes."""
    entry = Entry(body, meta)
    _answers.set(key, entry, len(body))
    _redis_call("set", REDIS_PREFIX + key, _encode(entry), ex=REDIS_TTL)
    return entry


def clear_local() -> None:
    """Forget this process's answers (tests, to see what another process finds)."""
    _answers.clear()


def _encode(entry: Entry) -> bytes:
    return json.dumps(entry.meta).encode() + b"\n" + entry.body


def _decode(raw: bytes) -> Entry | None:
    head, _newline, body = raw.partition(b"\n")
    try:
        return Entry(body, json.loads(head))
    except ValueError:
        return None


def _redis_call(method: str, *args, **kwargs):
    """Call Redis when REDIS_URL is set; a failure logs, pauses Redis for a while and returns None."""
    import time

    url = current_app.config.get("REDIS_URL")
    if not url or time.monotonic() < _redis_state["paused_until"]:
        return None
    try:
        return getattr(_redis_client(url), method)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001  (any Redis failure: build the answer instead)
        log.warning("Redis cache unavailable for %.0f s: %s", REDIS_PAUSE, error)
        _redis_state["paused_until"] = time.monotonic() + REDIS_PAUSE
        return None


def _redis_client(url: str):
    """One client (and its connection pool) per process and URL."""
    with _redis_lock:
        if _redis_state["url"] != url:
            import redis

            _redis_state["client"] = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT,
                                                          socket_connect_timeout=REDIS_TIMEOUT)
            _redis_state["url"] = url
        return _redis_state["client"]
