"""A TCP proxy in a thread of the test, so a test can cut a link (database, service) without touching the server
behind it, or lose one answer on the way back."""

import contextlib
import socket
import threading

from devtools.ports import free_port


class TcpProxy:
    """127.0.0.1:<port> → target. cut(): every open link is dropped and new ones are closed at once (what a
    client sees when its server goes away); restore() forwards again; lose_next_answer(hook) drops the next
    bytes that come back from the target, calls hook() and closes that link (the server died after acting)."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        # a port from free_port: one the system picked here could be a port handed to a service not yet started
        self.listener = socket.create_server(("127.0.0.1", free_port()))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.links = set()
        self.is_cut = False
        self.answer_hook = None
        self.hook_error = None
        self.closed = False
        threading.Thread(target=self._accept_loop, name=f"proxy-{self.port}", daemon=True).start()

    def _accept_loop(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.is_cut:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            link = (client, upstream)
            with self.lock:
                self.links.add(link)
            threading.Thread(target=self._pipe, args=(client, upstream, link, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, link, True), daemon=True).start()

    def _pipe(self, source, sink, link, answers):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if answers and self.answer_hook is not None:
                    with self.lock:
                        hook, self.answer_hook = self.answer_hook, None
                    if hook is not None:
                        try:
                            hook()
                        except Exception as error:  # a thread must not raise: the test reads it instead
                            self.hook_error = error
                        break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(link)

    def _drop(self, link):
        with self.lock:
            self.links.discard(link)
        for sock in link:
            _close(sock)

    def cut(self):
        self.is_cut = True
        with self.lock:
            links = list(self.links)
        for link in links:
            self._drop(link)

    def restore(self):
        self.is_cut = False

    def lose_next_answer(self, hook):
        self.answer_hook = hook

    def close(self):
        self.closed = True
        self.cut()
        _close(self.listener)


def _close(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
