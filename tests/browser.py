"""Headless Chromium driven over the DevTools protocol, for pages that need a click (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets

CHROMIUM = Path("/usr/bin/chromium")


def page_values(url: str, steps: list[tuple[str, str]], timeout: float = 60.0) -> list[object]:
    """Open `url` in headless Chromium and, for each (action, wait_for) pair of JavaScript expressions, wait until
    `wait_for` is truthy, then evaluate `action`; returns each step's `wait_for` value."""
    profile = tempfile.mkdtemp(prefix="chromium-")
    port = _free_port()
    browser = subprocess.Popen(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "--window-size=1400,1600", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        return asyncio.run(_drive(_page_socket(port, timeout), url, steps, timeout))
    finally:
        # The browser's helper processes write to the profile until they end: stop them all, then remove it.
        os.killpg(browser.pid, signal.SIGKILL)
        browser.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page_socket(port: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as response:
                return next(t for t in json.load(response) if t["type"] == "page")["webSocketDebuggerUrl"]
        except (OSError, StopIteration, ValueError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


async def _drive(socket_url: str, url: str, steps: list[tuple[str, str]], timeout: float) -> list[object]:
    async with websockets.connect(socket_url, max_size=None) as devtools:
        calls = iter(range(1, 1_000_000))

        async def call(method: str, **params) -> dict:
            number = next(calls)
            await devtools.send(json.dumps({"id": number, "method": method, "params": params}))
            while True:
                message = json.loads(await devtools.recv())
                if message.get("id") == number:
                    return message.get("result", {})

        async def value(expression: str) -> object:
            result = await call("Runtime.evaluate", expression=expression, returnByValue=True)
            return result.get("result", {}).get("value")

        await call("Page.navigate", url=url)
        seen = []
        for action, wait_for in steps:
            deadline = time.monotonic() + timeout
            while not (found := await value(wait_for)):
                if time.monotonic() > deadline:
                    raise AssertionError(f"{wait_for!r} stayed false for {timeout:.0f} s on {url}")
                await asyncio.sleep(0.5)
            seen.append(found)
            if action:
                await value(action)
        return seen
