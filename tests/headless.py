"""Drive Debian's headless Chromium over the DevTools protocol, with the stdlib only.

Chromium is started with ``--remote-debugging-pipe``: it reads NUL-terminated JSON
commands on file descriptor 3 and writes replies and events on descriptor 4, so no
port, websocket library or browser download is needed. The network is cut: every
host name resolves to nothing and every proxy is a closed port, and each request
the page attempts is still listed in ``Page.requests``.

Used by tests/test_export_html.py and bench/page.py.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    # the network is cut: nothing resolves, and any proxied request hits a closed port
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--remote-debugging-pipe",
]


def chromium_path() -> str | None:
    """The system Chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    """The browser exited, timed out or answered a command with an error."""


class Page:
    """One tab, attached in flat mode; records requests, console messages and errors."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self.requests: list[str] = []
        self.console: list[str] = []  # console messages, exceptions and log entries
        self.dialogs: list[str] = []  # alert(), confirm(), prompt(): hostile scripts ran

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 20) -> Any:
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            args = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            self.console.append(f"console.{params['type']}: {' '.join(args)}")
        elif method == "Runtime.exceptionThrown":
            detail = params["exceptionDetails"]
            text = detail.get("exception", {}).get("description") or detail.get("text")
            self.console.append(f"exception: {text}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            self.console.append(f"log.{entry['level']}: {entry['text']} {entry.get('url', '')}")
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(params["message"])
            self.browser.post("Page.handleJavaScriptDialog", {"accept": True}, session=self.session)

    def open(self, url: str, *, ready: str = "document.body.dataset.ready === 'true'") -> None:
        """Load ``url`` and wait until the JavaScript expression ``ready`` is true."""
        self.send("Page.navigate", {"url": url})
        self.wait_for(ready)

    def evaluate(self, expression: str) -> Any:
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression!r}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        # the page may not exist yet right after navigating: errors count as "not yet"
        probe = (
            "(function () { try "
            f"{{ return !!({expression}); }} catch (e) {{ return false; }} }})()"
        )
        while not self.evaluate(probe):
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            time.sleep(0.05)

    def click(self, x: float, y: float) -> None:
        """A real left click at CSS pixel (x, y) of the viewport."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            params = {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
            if kind == "mouseMoved":
                params["button"] = "none"
            self.send("Input.dispatchMouseEvent", params)

    def type_text(self, selector: str, text: str) -> None:
        """Focus the element and type ``text`` into it, then press Enter."""
        target = f"document.querySelector({json.dumps(selector)})"
        self.evaluate(f"{target}.value = ''; {target}.focus()")
        self.send("Input.insertText", {"text": text})
        for kind in ("keyDown", "keyUp"):
            key = {"type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
            if kind == "keyDown":
                key["text"] = "\r"
            self.send("Input.dispatchKeyEvent", key)

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path


class Browser:
    """A headless Chromium process and its DevTools pipe."""

    def __init__(self, profile: Path, *, width: int = 1280, height: int = 800) -> None:
        exe = chromium_path()
        if exe is None:
            raise BrowserError("chromium is not installed (Debian: apt-get install chromium)")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        profile.mkdir(parents=True, exist_ok=True)

        args = [exe, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]
        # The shell moves the pipe ends to the descriptors Chromium expects, 3 and 4;
        # they are first moved out of the way of 3 and 4 themselves.
        r, w = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_r, from_browser_w))
        os.close(to_browser_r)
        os.close(from_browser_w)
        script = f'exec "$0" "$@" 3<&{r} 4>&{w} {r}<&- {w}>&-'
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", script, *args, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(r, w),
        )
        os.close(r)
        os.close(w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._pages: dict[str, Page] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.width, self.height = width, height

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        waiting = self._replies.get(message["id"])
                        if waiting is not None:
                            waiting.put(message)
                    elif (page := self._pages.get(message.get("sessionId", ""))) is not None:
                        page.on_event(message["method"], message.get("params", {}))

    def post(self, method: str, params: dict[str, Any] | None, *, session: str | None) -> int:
        with self._lock:
            self._next_id += 1
            mid = self._next_id
            self._replies[mid] = queue.Queue()
            message: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return mid

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 20,
    ) -> Any:
        mid = self.post(method, params, session=session)
        try:
            reply = self._replies[mid].get(timeout=timeout)
        except queue.Empty:
            raise BrowserError(f"no answer to {method} in {timeout} s") from None
        finally:
            self._replies.pop(mid, None)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, session["sessionId"])
        self._pages[page.session] = page
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        metrics = {"width": self.width, "height": self.height, "deviceScaleFactor": 1}
        page.send("Emulation.setDeviceMetricsOverride", metrics | {"mobile": False})
        return page

    def close(self) -> None:
        try:
            self.post("Browser.close", None, session=None)
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._to_browser)


@contextmanager
def browser(profile: Path, *, width: int = 1280, height: int = 800) -> Iterator[Browser]:
    """A headless Chromium for the duration of the block."""
    b = Browser(profile, width=width, height=height)
    try:
        yield b
    finally:
        b.close()


def node_centre(page: Any, node: str) -> tuple[float, float]:
    """Where the graph page draws the entity ``node``, in viewport pixels."""
    x, y = page.evaluate(
        "(function (id) { var p = kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id]);"
        " var r = document.getElementById('graph').getBoundingClientRect();"
        f" return [p.x + r.left, p.y + r.top]; }})({json.dumps(node)})"
    )
    return float(x), float(y)
