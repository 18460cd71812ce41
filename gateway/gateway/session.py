"""Server-side sessions in Redis behind an HttpOnly cookie: the token never reaches the browser."""

import json
import secrets

from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict


class RedisSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid=None, new=False):
        super().__init__(initial, lambda _: setattr(self, "modified", True))
        self.sid = sid
        self.new = new
        self.modified = False
        self.previous_sid = None

    def regenerate(self):
        """A new session id (at login), so an id fixed before login is worth nothing after it."""
        self.previous_sid, self.sid = self.sid, None
        self.modified = True


class RedisSessionInterface(SessionInterface):
    def __init__(self, redis_ext, idle_seconds, cookie_name=None, key_space="session", cookie_path=None):
        self.redis_ext = redis_ext
        self.idle_seconds = idle_seconds
        self.cookie_name, self.key_space, self.cookie_path = cookie_name, key_space, cookie_path

    def get_cookie_name(self, app):
        return self.cookie_name or super().get_cookie_name(app)

    def get_cookie_path(self, app):
        return self.cookie_path or super().get_cookie_path(app)

    def _key(self, sid):
        return self.redis_ext.key(self.key_space, sid)

    def open_session(self, app, request):
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid and 20 <= len(sid) <= 64:
            raw = self.redis_ext.client.get(self._key(sid))
            if raw is not None:
                return RedisSession(json.loads(raw), sid=sid)
        return RedisSession(new=True)

    def save_session(self, app, session, response):
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        client = self.redis_ext.client
        if session.previous_sid:
            client.delete(self._key(session.previous_sid))
        if not session:
            if session.sid and not session.new:
                client.delete(self._key(session.sid))
                response.delete_cookie(name, domain=domain, path=path)
            return
        if session.modified or session.sid is None:
            session.sid = session.sid or secrets.token_urlsafe(32)
            client.set(self._key(session.sid), json.dumps(dict(session)), ex=self.idle_seconds)
        else:
            client.expire(self._key(session.sid), self.idle_seconds)
        response.set_cookie(
            name,
            session.sid,
            max_age=self.idle_seconds,
            httponly=True,
            domain=domain,
            path=path,
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")


class ListenerSessions(SessionInterface):
    """The portal's sessions, and on the console listener the office's: another cookie (browsers share cookies
    across the ports of one host), other Redis keys and their own idle timeout, so neither is ever the other."""

    def __init__(self, portal, console, on_console):
        self.portal, self.console, self.on_console = portal, console, on_console

    def _chosen(self):
        return self.console if self.on_console() else self.portal

    def open_session(self, app, request):
        return self._chosen().open_session(app, request)

    def save_session(self, app, session, response):
        return self._chosen().save_session(app, session, response)
