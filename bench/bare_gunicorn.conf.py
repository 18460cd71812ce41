"""deploy/gunicorn.conf.py's settings (processes, gthread threads, keep-alive, ...) for the bare Flask reference,
which has no service settings for that file to check: its app is named here, not on the command line."""

from pathlib import Path

_deploy = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"
exec(compile(_deploy.read_text(), str(_deploy), "exec"))
wsgi_app = "bench.bare_flask:create_app()"
