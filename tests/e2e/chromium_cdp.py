"""Open a local HTML file in headless Chromium and report what a reader's browser would see.

Drives Debian's ``/usr/bin/chromium`` over the Chrome DevTools Protocol on
``--remote-debugging-pipe`` (NUL-separated JSON on file descriptors 3 and 4). Hand-written
rather than ``playwright`` or ``selenium`` because those add a Node driver or a web-driver stack
and several packages to the lock for one test, while this needs only the standard library and
the browser the Makefile's ``browser`` step installs — also in closed environments (TSD) where
``pip`` cannot fetch a browser.

What is collected while the page loads: uncaught exceptions, ``console.error``/``assert``
calls, browser log entries of level ``error`` (failed loads, blocked resources, Content-Security-
Policy violations as the browser reports them) and ``securitypolicyviolation`` events seen by
the page. After the load event and once every image has settled: each image's
``naturalWidth``, the page's visible text and ``<html lang>``.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("FOU_CHROMIUM", "/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)
INSTALL_HINT = (
    f"headless Chromium not found at {CHROMIUM}: run 'make browser' as root "
    "(apt-get install chromium), or set FOU_CHROMIUM to a Chromium binary"
)

# Puts the pipe ends on 3 and 4 (inheritable), then becomes Chromium.
_PLACE_FDS = "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); os.execv(sys.argv[3], sys.argv[3:])"

# Runs in the page before its own scripts (CDP-injected scripts are not subject to the page's CSP).
_WATCH_CSP = """
window.__fouCsp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__fouCsp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                       ' (' + (e.sourceFile || '') + ':' + e.lineNumber + ')'));
"""
_SETTLE_IMAGES = """
Promise.all(Array.from(document.images).map(i => i.complete ? null :
  new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })))
.then(() => JSON.stringify({
  images: Array.from(document.images).map(i => ({src: i.src.slice(0, 60), naturalWidth: i.naturalWidth,
                                                 complete: i.complete})),
  text: document.body ? document.body.innerText : '',
  lang: document.documentElement.lang || '',
  csp: window.__fouCsp || [],
}))
"""


@dataclass
class PageReport:
    """What the browser saw for one page."""

    url: str
    errors: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    text: str = ""
    lang: str = ""


def available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


class Chromium:
    """A headless Chromium session; use as a context manager, then :meth:`open` pages."""

    def __init__(self, timeout: float = 60.0) -> None:
        if not available():
            raise FileNotFoundError(INSTALL_HINT)
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="fou-chromium-")
        cmd_r, self._cmd_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        # the browser reads commands on fd 3 and writes responses on fd 4; the pipe ends it gets
        # are first moved above 9 so that placing them on 3 and 4 cannot overwrite one another
        cmd_r, resp_w = _above_9(cmd_r), _above_9(resp_w)
        self._proc = subprocess.Popen(
            [
                sys.executable,  # not sh: dash cannot redirect from descriptors above 9
                "-c",
                _PLACE_FDS,
                str(cmd_r),
                str(resp_w),
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={self._profile}",
                "about:blank",
            ],
            pass_fds=(cmd_r, resp_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        os.close(cmd_r)
        os.close(resp_w)
        self._next_id = 0
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._pending: list[dict[str, Any]] = []
        self._stderr_tail: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # ----------------------------------------------------------------------- protocol
    def _read(self) -> None:
        buf = b""
        while True:
            chunk = os.read(self._resp_r, 1 << 16)
            if not chunk:
                self._messages.put(None)
                return
            buf += chunk
            *complete, buf = buf.split(b"\0")
            for raw in complete:
                self._messages.put(json.loads(raw))

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:  # keep the pipe from filling; the tail explains a crash
            self._stderr_tail = [*self._stderr_tail[-19:], line.decode("utf-8", "replace").rstrip()]

    def _get(self, deadline: float) -> dict[str, Any]:
        try:
            msg = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError("Chromium did not answer in time") from None
        if msg is None:
            time.sleep(0.2)
            tail = "\n".join(self._stderr_tail)
            raise RuntimeError(f"Chromium exited (code {self._proc.poll()}); its last words:\n{tail}")
        return msg

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> Any:
        """Send one command and wait for its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        try:
            os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        except BrokenPipeError:
            self._get(time.monotonic() + 5)  # raises with Chromium's exit code and stderr
            raise
        deadline = time.monotonic() + self.timeout
        while True:
            got = self._get(deadline)
            if got.get("id") == self._next_id:
                if "error" in got:
                    raise RuntimeError(f"{method}: {got['error']}")
                return got.get("result", {})
            self._pending.append(got)

    def _events(self, deadline: float, until: str | None = None) -> list[dict[str, Any]]:
        """Events received so far, and (with ``until``) up to and including that event."""
        out, self._pending = self._pending, []
        if until is None or any(e.get("method") == until for e in out):
            return out
        while True:
            ev = self._get(deadline)
            out.append(ev)
            if ev.get("method") == until:
                return out

    # ----------------------------------------------------------------------- pages
    def open(self, path: Path) -> PageReport:
        """Load ``path`` (as ``file://``) in a fresh tab and report what happened."""
        url = Path(path).resolve().as_uri()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": _WATCH_CSP}, session=session)
        self._events(time.monotonic())  # discard about:blank's events
        self.send("Page.navigate", {"url": url}, session=session)
        deadline = time.monotonic() + self.timeout
        events = [e for e in self._events(deadline, until="Page.loadEventFired")]
        result = self.send(
            "Runtime.evaluate",
            {"expression": _SETTLE_IMAGES, "awaitPromise": True, "returnByValue": True},
            session=session,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"page inspection failed: {result['exceptionDetails']}")
        seen = json.loads(result["result"]["value"])
        events += self._events(time.monotonic())
        report = PageReport(url=url, images=seen["images"], text=seen["text"], lang=seen["lang"])
        report.errors = [e for e in (_error_text(ev, session) for ev in events) if e]
        report.errors += [f"CSP violation: {v}" for v in seen["csp"]]
        self.send("Target.closeTarget", {"targetId": target})
        return report

    # ----------------------------------------------------------------------- lifetime
    def __enter__(self) -> Chromium:
        self.send("Browser.getVersion")  # fails early if the browser did not start
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._cmd_w)
        shutil.rmtree(self._profile, ignore_errors=True)


def _above_9(fd: int) -> int:
    """A copy of ``fd`` numbered 10 or more (the original is closed)."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


def _error_text(ev: dict[str, Any], session: str) -> str | None:
    """The message of an error event for ``session``, else ``None``."""
    if ev.get("sessionId") != session:
        return None
    method, p = ev.get("method"), ev.get("params", {})
    if method == "Runtime.exceptionThrown":
        d = p.get("exceptionDetails", {})
        return f"uncaught exception: {d.get('exception', {}).get('description') or d.get('text')}"
    if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
        args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
        return f"console.{p['type']}: {args}"
    if method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
        e = p["entry"]
        return f"{e.get('source')}: {e.get('text')} {e.get('url', '')}".strip()
    return None
