"""Serving-test helpers: ``stadtkarte serve`` in a subprocess, the body of a filter callback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dashboard import ids
from tests.support.net import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]


def filter_callback_body(client: Any, filters: Any = None, search: Any = "") -> dict[str, Any]:
    """The body the browser POSTs when a filter changes (the offer list/view callback)."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if f"{ids.VIEW_STORE}.data" in d["output"])
    parts = dep["output"].strip(".").split("...") if dep["output"].startswith("..") else [dep["output"]]
    outputs = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    values = {
        (ids.FILTER_STORE, "data"): {} if filters is None else filters,
        (ids.SEARCH, "value"): search,
        (ids.LIST_STORE, "data"): {"sort": "name", "limit": 50},
        (ids.UI_LANG, "data"): {"lang": "de", "dir": "ltr"},
    }
    return {
        "output": dep["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{**i, "value": values.get((i["id"], i["property"]))} for i in dep["inputs"]],
        "state": [{**s, "value": values.get((s["id"], s["property"]))} for s in dep.get("state", [])],
        "changedPropIds": [f"{ids.FILTER_STORE}.data"],
    }


@dataclass
class RunningServer:
    """``stadtkarte serve`` running in a subprocess."""

    process: subprocess.Popen[str]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = 15, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"server did not stop within {timeout} s after signal {sig}:\n{self.log()}") from None


def start_server(
    data_dir: Path, log_path: Path, *args: str, port: int | None = None, own_group: bool = False
) -> RunningServer:
    """Start ``python -m dashboard`` on ``data_dir`` and wait until ``/healthz`` answers.

    ``own_group``: in a process group of its own (as a shell's foreground job), for Ctrl-C tests.
    """
    port = port or free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in list(env):
        if name.startswith("STADTKARTE_"):
            env.pop(name)
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--data", str(data_dir), "--port", str(port), *args],
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        start_new_session=own_group,
    )
    server = RunningServer(process, port, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop(9)
    raise RuntimeError(f"server did not answer /healthz within 60 s:\n{server.log()}")
