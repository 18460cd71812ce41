"""Debian's nginx as a plain reverse proxy: the reference for what a proxy costs on this machine."""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import urllib3

CONFIG = """
daemon off;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }}
  }}
}}
"""


def nginx_binary():
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


class Nginx:
    def __init__(self, port, backend_port, workers=2):
        self.port, self.backend_port, self.workers = port, backend_port, workers
        self.dir = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.process = None

    def __enter__(self):
        config = self.dir / "nginx.conf"
        config.write_text(
            CONFIG.format(dir=self.dir, port=self.port, backend_port=self.backend_port, workers=self.workers)
        )
        self.process = subprocess.Popen(
            [nginx_binary(), "-c", str(config), "-p", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        http, deadline = urllib3.PoolManager(retries=False, timeout=1), time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                http.request("GET", f"http://127.0.0.1:{self.port}/healthz")
                return self
            except urllib3.exceptions.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)
