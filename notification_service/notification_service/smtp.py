"""SMTP delivery from SMTP_URL, with one kept-open connection and failures sorted into temporary or permanent."""

import smtplib
import ssl
from urllib.parse import unquote, urlsplit

SCHEMES = {"smtp": (False, False), "smtp+starttls": (False, True), "smtps": (True, False)}
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class TemporaryFailure(Exception):
    """Try again later: the server is unreachable or answered 4xx."""


class PermanentFailure(Exception):
    """Trying again will not help: the server answered 5xx, or the message itself is wrong."""


def _failure(code, text):
    detail = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return PermanentFailure(detail) if 500 <= code < 600 else TemporaryFailure(detail)


class SmtpTransport:
    def __init__(self, url, timeout=10.0):
        parts = urlsplit(url)
        if parts.scheme not in SCHEMES:
            raise ValueError(f"SMTP_URL must start with one of {', '.join(SCHEMES)}://")
        self.implicit_tls, self.starttls = SCHEMES[parts.scheme]
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or DEFAULT_PORTS[parts.scheme]
        self.username = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.timeout = timeout
        self.connection = None

    def send(self, message):
        """Hand `message` to the server; returns once it accepted it, else raises a Temporary/PermanentFailure."""
        reused = self.connection is not None
        try:
            self._send(message)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise TemporaryFailure("the SMTP server closed the connection") from None
            self._send(message)  # a kept-open connection the server dropped while idle: one fresh try

    def _send(self, message):
        connection = self._connect()
        try:
            connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _failure(code, text) from error
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPResponseException as error:
            self._reset()
            raise _failure(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise TemporaryFailure(f"SMTP server unreachable: {type(error).__name__}: {error}") from error

    def _connect(self):
        """Every failure here is the server's or our configuration's, never the message's: all are temporary."""
        if self.connection is not None:
            return self.connection
        try:
            if self.implicit_tls:
                self.connection = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                self.connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                self.connection.starttls(context=ssl.create_default_context())
            if self.username:
                self.connection.login(self.username, self.password)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise TemporaryFailure(f"cannot reach the SMTP server: {type(error).__name__}: {error}") from error
        return self.connection

    def _reset(self):
        try:
            self.connection.rset()
        except (smtplib.SMTPException, OSError, AttributeError):
            self.close()

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None
