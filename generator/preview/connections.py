"""The preview's HTTP server, with bounds: a connection gets a thread only once it has a request
to read, idle ones are closed, and past a number of busy threads newcomers get a 503, so that
idle or slow clients never starve the editor's own tab."""

from __future__ import annotations

import selectors
import socket
import sys
import threading
import time
from http.server import ThreadingHTTPServer

GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)  # the client went away
BUSY = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class BoundedServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False  # a port in use must be found in use, so the next one is tried
    request_queue_size = 128
    most_busy = 64  # requests served at once (each open tab holds one for its reload events)
    most_waiting = 512  # connections waiting for their first byte; past that the oldest is closed
    idle = 10.0  # seconds a connection may wait without sending a request

    def __init__(self, *args, **kwargs) -> None:
        self.busy = threading.BoundedSemaphore(self.most_busy)
        self.selector = selectors.DefaultSelector()
        self.waiting: dict[socket.socket, tuple[float, object]] = {}  # in the order they came
        self.lock = threading.Lock()
        self.closing = threading.Event()
        super().__init__(*args, **kwargs)  # binds (and calls server_close if the port is taken)
        threading.Thread(target=self._porter, name="porter", daemon=True).start()

    def process_request(self, request, client_address) -> None:
        """Called for each accepted connection: it waits until it has something to read."""
        with self.lock:
            if len(self.waiting) >= self.most_waiting:
                self._drop(next(iter(self.waiting)))
            self.waiting[request] = (time.monotonic(), client_address)
            self.selector.register(request, selectors.EVENT_READ)

    def _porter(self) -> None:
        while not self.closing.is_set():
            ready = self.selector.select(timeout=0.5) if self.waiting else (time.sleep(0.05) or [])
            for key, _ in ready:
                with self.lock:
                    arrival = self.waiting.pop(key.fileobj, None)
                    self.selector.unregister(key.fileobj)
                if arrival is not None:
                    self._serve(key.fileobj, arrival[1])
            now = time.monotonic()
            with self.lock:
                for request in [r for r, (came, _) in self.waiting.items() if now - came > self.idle]:
                    self._drop(request)

    def _serve(self, request, client_address) -> None:
        if not self.busy.acquire(blocking=False):
            try:
                request.sendall(BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True).start()

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.busy.release()

    def _drop(self, request) -> None:
        self.waiting.pop(request, None)
        self.selector.unregister(request)
        self.shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], GONE):  # a closed tab is not worth a traceback
            super().handle_error(request, client_address)

    def server_close(self) -> None:
        self.closing.set()
        with self.lock:
            for request in list(self.waiting):
                self._drop(request)
        super().server_close()
