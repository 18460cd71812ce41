"""The local stand-in for Mailpit where its image cannot be pulled: an SMTP sink (aiosmtpd, as devtools/mail_sink.py)
that keeps every message as an .eml file, and a read-only HTTP listing in the shape of Mailpit's API, so tests
read what arrived the same way from either:
  GET /api/v1/messages           {"total": N, "messages": [{"ID", "Subject", "To": [{"Address"}]}]}
  GET /api/v1/message/<ID>/raw   the message as received
  GET /readyz                    200 once both listeners are up
"""

import email
import email.policy
import json
import os
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

MAIL_DIR = Path(os.environ.get("MAIL_DIR", "/mail"))


class EmlWriter:
    async def handle_DATA(self, server, session, envelope):
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
        partial = MAIL_DIR / f"{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(MAIL_DIR / f"{name}.eml")  # readers never see half a message
        return "250 Message accepted for delivery"


def summary(path):
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    addresses = message.get("To").addresses if message.get("To") else ()
    return {
        "ID": path.stem,
        "Subject": str(message.get("Subject", "")),
        "To": [{"Address": address.addr_spec} for address in addresses],
    }


class Inbox(BaseHTTPRequestHandler):
    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if parts == ["readyz"]:
            return self.reply(200, b"ok", "text/plain")
        if parts == ["api", "v1", "messages"]:
            messages = [summary(path) for path in sorted(MAIL_DIR.glob("*.eml"), reverse=True)]
            body = json.dumps({"total": len(messages), "messages": messages}).encode()
            return self.reply(200, body, "application/json")
        if len(parts) == 5 and parts[:3] == ["api", "v1", "message"] and parts[4] == "raw":
            path = MAIL_DIR / f"{Path(parts[3]).name}.eml"
            if path.exists():
                return self.reply(200, path.read_bytes(), "message/rfc822")
        return self.reply(404, b"not found", "text/plain")

    def reply(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    MAIL_DIR.mkdir(parents=True, exist_ok=True)
    smtp = Controller(EmlWriter(), hostname="0.0.0.0", port=int(os.environ.get("SMTP_PORT", "1025")))
    smtp.start()
    print(f"mail inbox: SMTP on :{smtp.port}, listing on :8025, messages in {MAIL_DIR}", flush=True)
    try:
        ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("HTTP_PORT", "8025"))), Inbox).serve_forever()
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
