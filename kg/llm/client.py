"""A client of the OpenAI chat-completions protocol, which Ollama, vLLM and llama.cpp's
server all speak, over plain HTTP (the standard library; nothing else to install).

One call sends the instructions and one chunk of sentences and returns the
text of the model's answer. The answer's JSON schema is sent as
``response_format`` (structured output); a server that refuses that field with
a 400 or 422 is asked again without it, and is not sent it again by this client:
the answer is then checked by kg's own parser (kg/llm/schema.py) only.

Every failure is an ``LLMError`` with a one-line reason: the server cannot be
reached (``unreachable``: no later call is tried), no answer within the timeout,
an HTTP error, a reply that is not the protocol's JSON, or a refusal.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from kg import __version__
from kg.errors import KGError

__all__ = ["ChatClient", "LLMError", "endpoint"]

_REFUSED_FIELD = (400, 422)
_MAX_REPLY = 16 * 1024 * 1024


class LLMError(KGError):
    """A call to the model server that gave no usable answer."""

    def __init__(
        self, reason: str, *, unreachable: bool = False, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason, self.unreachable, self.status = reason, unreachable, status


def endpoint(url: str) -> str:
    """The chat-completions address of a server given by its base URL
    (``http://127.0.0.1:11434/v1``) or by the endpoint itself. Raises ``KGError``
    for anything but an http(s) URL with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KGError(f"--llm-url must be an http:// or https:// URL, not {url!r}")
    base = url.strip().rstrip("/")
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


class ChatClient:
    """Calls one model on one server; safe to use from several threads at once."""

    def __init__(
        self, url: str, model: str, *, timeout: float = 120.0, api_key: str | None = None
    ) -> None:
        self.url, self.model, self.timeout, self.api_key = endpoint(url), model, timeout, api_key
        self._structured = True
        self._lock = threading.Lock()
        # A server on this machine is reached directly, whatever proxy the environment
        # names; any other goes through the environment's proxy, as other tools do.
        host = urlsplit(self.url).hostname or ""
        local = host in ("localhost", "::1") or host.startswith("127.")
        handlers = [urllib.request.ProxyHandler({})] if local else []
        self._opener = urllib.request.build_opener(*handlers)

    def complete(self, system: str, user: str, schema: dict[str, Any]) -> str:
        """The text of the model's answer to ``user`` under the instructions ``system``."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": 0,
            "stream": False,
        }
        with self._lock:
            structured = self._structured
        if structured:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "kg_facts", "strict": True, "schema": schema},
            }
        try:
            reply = self._post(body)
        except LLMError as err:
            if not structured or err.status not in _REFUSED_FIELD:
                raise
            with self._lock:
                self._structured = False  # the server does not take a schema: parse only
            del body["response_format"]
            reply = self._post(body)
        return _content(reply)

    def _post(self, body: dict[str, Any]) -> Any:
        headers = {"Content-Type": "application/json", "User-Agent": f"kg/{__version__}"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read(_MAX_REPLY + 1)
        except urllib.error.HTTPError as err:
            detail = _error_detail(err)
            raise LLMError(
                f"the server answered HTTP {err.code}{detail}", status=err.code
            ) from None
        except TimeoutError:
            raise LLMError(f"no answer within {self.timeout:g} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise LLMError(f"no answer within {self.timeout:g} s") from None
            raise LLMError(
                f"cannot reach {self.url}: {getattr(err.reason, 'strerror', None) or err.reason}",
                unreachable=True,
            ) from None
        except (ConnectionError, OSError) as err:
            raise LLMError(f"the connection to {self.url} failed: {err}") from None
        if len(raw) > _MAX_REPLY:
            raise LLMError(f"the reply is larger than {_MAX_REPLY // (1024 * 1024)} MB")
        try:
            return json.loads(raw)
        except ValueError:
            raise LLMError("the reply is not the protocol's JSON") from None


def _error_detail(err: urllib.error.HTTPError) -> str:
    try:
        text = err.read(2000).decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        message = json.loads(text).get("error", {})
        text = message.get("message", "") if isinstance(message, dict) else str(message)
    except (ValueError, AttributeError):
        pass
    text = " ".join(text.split())[:200]
    return f": {text}" if text else ""


def _content(reply: Any) -> str:
    """The answer's text, or an ``LLMError`` for a reply without one or a refusal."""
    try:
        choice = reply["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise LLMError("the reply has no choices[0].message") from None
    if not isinstance(message, dict):
        raise LLMError("the reply has no choices[0].message")
    refusal = message.get("refusal")
    if refusal:
        raise LLMError(f"the model refused: {' '.join(str(refusal).split())[:200]}")
    if choice.get("finish_reason") == "content_filter":
        raise LLMError("the model refused (finish_reason content_filter)")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        raise LLMError("the answer is empty")
    return content
