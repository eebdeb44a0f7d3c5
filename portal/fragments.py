"""The dashboard's widgets and the department page's sections, kept rendered in process memory.

A fragment is kept under everything it can depend on, so that a kept one is exactly what
rendering again would give:
- the database's **data version**, read before rendering: on SQLite ``PRAGMA data_version``
  (changes when another connection commits) with the connection's own ``total_changes`` and the
  connection itself (both are per connection); on PostgreSQL the current snapshot (it decides
  all a statement sees, and changes when a transaction that wrote ends: the whole server's).
  The signed-in user, their roles and department, settings and enabled plugins are rows too;
- the person, the session's CSRF secret (a section's form carries a token: never another
  session's), the URL (host, path, query);
- the portal's clock to the minute (deadlines, "today").
What is not in the database (the fonts the administrator's widget reports) is at most a minute
old, or forgotten at once (``forget``) by what changes it. ``FRAGMENT_CACHE = False`` turns it
off; ``FRAGMENT_CACHE_SIZE`` bounds it (pages per worker process). Nothing is kept for the
browser: the pages stay no-store.

The same store keeps a statement's result by the statement, its values and the data version
alone (``result``: a list's count), which is the same whoever asks it.
"""
import threading
from collections import OrderedDict

import peewee
from flask import current_app, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from portal import clock
from portal.db import database


class _LRU:
    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()
        self.hits = 0  # for tests and measurements: a test of the cache must know it was used

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
                self.hits += 1
            return value

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def cached(kind: str, build, *key):
    """``build()`` (a list of Widgets or Sections, or what else a page keeps whole), or the one
    kept for the same ``kind``, ``key`` and everything listed above."""
    store = _store()
    if store is None:
        return build()
    generate_csrf()  # the session's secret exists before it is read: a form rendered below signs with it
    return _kept(store, (kind, key, current_user.get_id(), session.get("csrf_token"), request.url,
                         clock.now().replace(second=0), data_version()), build)


def result(sql: str, params, build):
    """``build()``, the result of the statement ``sql`` with ``params``, or the one kept for them
    and the data version: what depends on nothing else (a list's count: 6% of the case list's CPU,
    counting up to 1,001 cases). Not for a statement that reads the clock (``now()``)."""
    store = _store()
    return build() if store is None else _kept(store, ("result", sql, tuple(params), data_version()), build)


def _store():
    app = current_app._get_current_object()
    if not app.config["FRAGMENT_CACHE"] or not _versioned(app):
        return None
    store = app.extensions.get("portal_fragments")
    if store is None:
        store = app.extensions["portal_fragments"] = _LRU(int(app.config["FRAGMENT_CACHE_SIZE"]))
    return store


def _kept(store, key, build):
    found = store.get(key)
    if found is None:
        found = build()
        store.put(key, found)
    return found


def forget(app):
    """Drop every kept fragment (after a change to something not in the database)."""
    app.extensions.pop("portal_fragments", None)


def _versioned(app) -> bool:
    # SQLite's version is its connection's: a connection opened per request would never hit
    return app.config["DATABASE_KEEP_CONNECTION"] or not isinstance(database.obj, peewee.SqliteDatabase)


def data_version():
    """Changes whenever a write is committed to the database, by anyone; read before the reads it guards."""
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        conn = db.connection()
        # the connection itself is part of the key: both numbers are its own, and an entry keeps
        # it alive, so no later connection at the same address can take its numbers
        return conn, conn.total_changes, db.execute_sql("PRAGMA data_version").fetchone()[0]
    return db.execute_sql("SELECT pg_current_snapshot()::text").fetchone()[0]
