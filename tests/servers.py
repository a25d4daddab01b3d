"""A kg endpoint run on a thread for the length of a fixture."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from kg.server import SparqlServer


def serving(server: SparqlServer) -> Iterator[SparqlServer]:
    """Serve on a daemon thread; after the fixture's yield, stop and close."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
