"""Configuration: defaults, then the instance folder's config.py, then PORTAL_* variables."""
import os
import secrets
from pathlib import Path

DEFAULTS = {
    "DATABASE_URL": None,  # None: SQLite at <instance>/portal.db
    "DISABLED_PLUGINS": "",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,  # a signed-in session ends this long after its last request
    # ... give or take this: the session cookie is signed and sent again at most this often, not on
    # every page (portal.auth.views.keep_an_active_session)
    "SESSION_REFRESH_SECONDS": 300,
    "SESSION_REFRESH_EACH_REQUEST": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "WTF_I18N_ENABLED": False,  # WTForms' own Chinese messages (portal.inputs.PortalForm), no Babel
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "DEADLINE_MODE": "calendar",  # or "working"
    "TIME_ZONE": "Asia/Shanghai",  # every "now", stored time and deadline is wall-clock time here
    "AUDIT_KEY": None,  # None: instance/audit_key, generated on first start; the same on every server
    "AUDIT_CHECKPOINT_DIR": None,  # None: instance/audit_checkpoints (a shared folder for several servers)
    # HTTPS deployments (docs/admin.md): HTTPS=true makes every cookie Secure; TRUSTED_PROXIES=N
    # trusts the X-Forwarded-For/-Proto/-Host/-Port set by the N reverse proxies in front.
    "HTTPS": False,
    "TRUSTED_PROXIES": 0,
    "HSTS_SECONDS": 365 * 86400,  # sent on every response over HTTPS
    # Background jobs (portal.jobs, docs/admin.md): None is huey's SQLite storage at
    # instance/queue.db; redis://host:6379/0 for several servers. `portal worker` runs them.
    "QUEUE_URL": None,
    "QUEUE_IMMEDIATE": None,  # None: run jobs inside the request only when TESTING
    "QUEUE_WORKERS": 2,  # threads of `portal worker`
    "QUEUE_TICK": True,  # the worker runs the scheduled check every minute (no cron needed)
    "QUEUE_NICE": 5,  # the worker's lower CPU priority (os.nice): pages first, PDFs still progress
    "JOBS_DIR": None,  # None: instance/jobs; several servers: a shared folder
    "JOBS_HEARTBEAT": 10,  # seconds between a running job's signs of life
    "JOBS_STUCK_AFTER": 120,  # seconds without one: its worker died; the scheduled check retries it
    "JOBS_ATTEMPTS": 2,  # times a job is taken before a dead worker fails it
    "JOBS_RETENTION_DAYS": 7,  # result files are deleted this long after the job finished
    # PostgreSQL: connections kept open per process (peewee's pooled database)
    "DATABASE_POOL_SIZE": 10,
    "DATABASE_KEEP_CONNECTION": True,  # one connection per worker thread, kept between requests (false: PostgreSQL's pool)
    # The dashboard's widgets and the department page's sections kept rendered (portal/fragments.py)
    "FRAGMENT_CACHE": True,
    "FRAGMENT_CACHE_SIZE": 256,  # pages kept per worker process, the least recently used dropped
}


def load_config(app, config=None):
    """Fill app.config: defaults < instance/config.py < PORTAL_* environment < `config`."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PORTAL")
    if "DATABASE_URL" in os.environ and not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
    if config:
        app.config.update(config)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    if not app.config.get("AUDIT_KEY"):  # several servers: the same key on each (docs/security.md)
        app.config["AUDIT_KEY"] = instance_secret_key(Path(app.instance_path), "audit_key")
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'portal.db'}"


def instance_secret_key(instance: Path, name: str = "secret_key") -> str:
    """A key kept in the instance folder (``secret_key``, ``audit_key``), generated on first start."""
    path = instance / name
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process sharing the instance folder made it just now
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def disabled_plugins(config) -> set[str]:
    value = config.get("DISABLED_PLUGINS") or ""
    if isinstance(value, (list, tuple, set)):
        return set(value)
    return {name.strip() for name in str(value).split(",") if name.strip()}
