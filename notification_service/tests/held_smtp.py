"""An SMTP port for tests that holds each connection until the test lets it through to the real server.

A worker sending through it has claimed its job and is mid-send for as long as the test wants: the test can
kill it there, or stop it there and then let the send finish."""

import contextlib
import socket
import threading
from urllib.parse import urlsplit


class HeldSmtp:
    def __init__(self, target_url):
        target = urlsplit(target_url)
        self.target = (target.hostname, target.port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"smtp://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connected = threading.Event()  # a sender is being held
        self.released = threading.Event()
        self.closed = False
        self.sockets = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def release(self):
        """Let every held connection, and every later one, through to the real server."""
        self.released.set()

    def close(self):
        self.closed = True
        self.released.set()
        for sock in list(self.sockets):
            _close(sock)

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            self.connected.set()
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        self.released.wait()
        if self.closed:
            return
        upstream = socket.create_connection(self.target, timeout=5)
        self.sockets.append(upstream)
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)


def _pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _close(sink)


def _close(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
