"""A real HTTP server that speaks the chat-completions protocol and replays written answers.

Each test writes what the model "knows" as facts tied to a phrase of a sentence;
the server reads the numbered sentences of each request and answers, for the
sentences holding that phrase, with those facts under the sentence's number, so
that the answers do not depend on how kg cuts a document into chunks. A test can
also make every answer something else: an HTTP error, a slow answer, malformed
JSON, a refusal.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.M)


@dataclass
class Script:
    """What the fake model answers."""

    #: phrase of a sentence -> facts (dicts of the answer's form, without "sentence")
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: phrase of a sentence -> entities (dicts with name and type)
    entities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: request -> (status, body) to send instead of the answer; None: answer as usual
    override: Callable[[dict[str, Any]], tuple[int, Any] | None] | None = None
    delay: float = 0.0  # seconds before each answer
    fence: bool = False  # wrap the answer in a Markdown code fence
    #: refuse requests that carry response_format (a server without structured output)
    no_schema: bool = False


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, script: Script) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def answer(self, request: dict[str, Any]) -> tuple[int, Any]:
        script = self.script
        if script.no_schema and "response_format" in request:
            return 400, {"error": {"message": "response_format is not supported"}}
        if script.override is not None:
            got = script.override(request)
            if got is not None:
                return got
        user = request["messages"][-1]["content"]
        entities: list[dict[str, Any]] = []
        facts: list[dict[str, Any]] = []
        for number, text in _LINE.findall(user):
            for phrase, items in script.entities.items():
                if phrase in text:
                    entities += [{**e, "sentence": int(number)} for e in items]
            for phrase, items in script.facts.items():
                if phrase in text:
                    facts += [{"sentence": int(number), **f} for f in items]
        content = json.dumps({"entities": entities, "facts": facts})
        if script.fence:
            content = f"```json\n{content}\n```"
        return 200, completion(content)


def completion(content: str | None, **message: Any) -> dict[str, Any]:
    """A chat-completions reply whose one choice says ``content``."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "model": "test-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, **message},
                "finish_reason": "stop",
            }
        ],
    }


class _Handler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        server = self.server
        length = int(self.headers.get("Content-Length", 0))
        request = json.loads(self.rfile.read(length))
        with server._lock:
            server.requests.append(request)
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            if self.path != "/v1/chat/completions":
                status, body = 404, {"error": {"message": f"no route {self.path}"}}
            else:
                if server.script.delay:
                    time.sleep(server.script.delay)
                status, body = server.answer(request)
        finally:
            with server._lock:  # counted while the "model" works, not while replying
                server.in_flight -= 1
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)


def serving(script: Script) -> Iterator[ChatServer]:
    """Serve ``script`` on a free port of this machine for the length of a fixture."""
    server = ChatServer(script)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
