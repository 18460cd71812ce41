"""`make run`: set up and start every service on the embedded defaults; Ctrl-C stops everything.

SCALE="payment_service=2 notification_worker=3" runs more processes of a service or worker.
"""

import os
import signal
import sys
import threading

from .stack import DEMO_ACCOUNT, DEMO_STAFF, ROOT, Stack


def parse_scale(text):
    scale = {}
    for item in (text or "").split():
        name, _, count = item.partition("=")
        if not count.isdigit() or int(count) < 1:
            sys.exit(f"SCALE item {item!r} is not NAME=COUNT")
        scale[name] = int(count)
    return scale


def _office_login(env, auth_url):
    """The demo staff member's login, with the code the authenticator would show right now."""
    import pyotp

    secret = env["DEMO_STAFF_TOTP_SECRET"]
    return (
        f"username {DEMO_STAFF}, password {env['DEMO_STAFF_PASSWORD']}, TOTP secret {secret} "
        f"(code now: {pyotp.TOTP(secret).now()}; sign in: POST {auth_url}/staff/sign-in)"
    )


def main():
    stack = Stack(os.environ.get("BILLPAY_VAR_DIR", ROOT / "var"), scale=parse_scale(os.environ.get("SCALE")))
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        stack.prepare().start()
        env = stack.env
        print(
            f"""
Bill Pay is running.
  Portal:        {stack.url()}
  Card fields:   {env.get("SANDBOX_PROCESSOR_URL", "the processor's")} (the sandbox processor: test cards only)
  Demo login:    username {DEMO_ACCOUNT}, password {env["DEMO_PASSCODE"]}
  Office:        {stack.console_url()} (the office console; never published beyond this machine)
  Office login:  {_office_login(env, stack.url("auth_service"))}
                 (every staff role; secrets kept in {stack.var_dir / "local.env"})
  E-mail:        {".eml files in " + str(stack.mail_dir) if stack.mail_sink else env["SMTP_URL"]}
Press Ctrl-C to stop.
""",
            flush=True,
        )
        while not stopping.wait(1):
            crashed = [name for name, process in stack.processes.items() if process.poll() is not None]
            if crashed:
                print(f"stopped unexpectedly: {', '.join(crashed)}; shutting down", file=sys.stderr)
                return 1
        return 0
    finally:
        print("Stopping Bill Pay...", flush=True)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
