"""A real portal server in its own process, for tests that kill it or load it."""
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

PORTAL = Path(sys.executable).parent / "portal"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, instance: Path, port: int | None = None, env: dict | None = None, portal: Path = PORTAL,
                 worker: bool = False):
        """``worker``: `portal serve --worker`, the background jobs beside it (as `make run` starts it)."""
        self.instance, self.port, self.portal, self.worker = instance, port or free_port(), portal, worker
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance), **(env or {})}
        self.process = None

    def init_demo(self):
        subprocess.run([str(self.portal), "init-db", "--demo"], env=self.env, check=True, capture_output=True)

    def start(self, timeout=30):
        self.process = subprocess.Popen([str(self.portal), "serve", "--port", str(self.port), "--threads", "4",
                                         *(["--worker"] if self.worker else [])], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.base + "/healthz", timeout=1).status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Browser:
    """A logged-in session over real HTTP, sending the CSRF token like the forms do."""

    def __init__(self, base: str, username: str, password: str = "Demo2026"):
        self.base, self.jar = base, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.token = None
        self.post("/login", {"username": username, "password": password})
        home = self.get("/").read().decode()  # login starts a new session, with a new token
        self.token = re.search(r'"X-CSRFToken": "([^"]+)"', home).group(1)

    def get(self, path, timeout=10):
        return self.opener.open(self.base + path, timeout=timeout)

    def post(self, path, fields, timeout=10):
        if self.token is None:
            page = self.get("/login").read().decode()
            self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({**fields, "csrf_token": self.token}, doseq=True).encode()
        try:
            return self.opener.open(self.base + path, data, timeout=timeout)
        except urllib.error.HTTPError as response:
            return response


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp
