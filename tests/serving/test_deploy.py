"""docs/deploy.md's systemd unit and nginx configuration, exercised for real."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.serving import REPO_ROOT, start_server
from tests.support.tiny import write_tiny

DEPLOY_DOC = REPO_ROOT / "docs" / "deploy.md"
PUBLIC_HOST = "karte.example.de"


def doc_block(language: str) -> str:
    """The one fenced code block of ``language`` in docs/deploy.md."""
    blocks = re.findall(rf"```{language}\n(.*?)```", DEPLOY_DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, f"docs/deploy.md should have exactly one ```{language} block"
    return blocks[0]


def require(tool: str) -> str:
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None)
    if path is None:
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")
    return path


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = require("systemd-analyze")
    unit = doc_block("ini")
    assert "ExecStart=/srv/stadtkarte/.venv/bin/stadtkarte serve" in unit
    # verify checks that the program exists: point it at this environment's stadtkarte
    here = Path(sys.executable).parent / "stadtkarte"
    assert here.exists(), "install the project (pip install -e .) first"
    (tmp_path / "stadtkarte.service").write_text(unit.replace("/srv/stadtkarte/.venv/bin/stadtkarte", str(here)))
    result = subprocess.run(
        [analyze, "verify", str(tmp_path / "stadtkarte.service")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "stadtkarte.service" not in result.stderr, result.stderr  # no warning about our unit


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    openssl = require("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={PUBLIC_HOST}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _nginx_conf(tmp_path: Path, app_port: int, http_port: int, https_port: int) -> Path:
    cert, key = _self_signed(tmp_path)
    site = doc_block("nginx")
    site = site.replace("127.0.0.1:8050", f"127.0.0.1:{app_port}")
    site = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", site)  # IPv6 may be off on a test machine
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl")
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    (tmp_path / "site.conf").write_text(site)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\ndaemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        + "events { worker_connections 256; }\nhttp {\n  access_log off;\n"
        + "".join(f"  {name}_temp_path {path};\n" for name, path in (("client_body", temp["body"]),))
        + "".join(f"  {name}_temp_path {temp[name]};\n" for name in ("proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  include {tmp_path}/site.conf;\n}}\n"
    )
    return conf


def _wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


@pytest.mark.slow
def test_nginx_config_in_front_of_our_server(tmp_path: Path) -> None:
    nginx = require("nginx")

    data = write_tiny(tmp_path / "data")
    app_port, http_port, https_port = free_port(), free_port(), free_port()
    conf = _nginx_conf(tmp_path, app_port, http_port, https_port)
    check = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    server = start_server(
        data,
        tmp_path / "server.log",
        "--workers",
        "2",
        "--allowed-hosts",
        PUBLIC_HOST,
        "--trusted-proxy",
        "127.0.0.1",
        port=app_port,
    )
    proxy = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path)], stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_port(https_port)
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        plain.request("GET", "/?lang=en", headers={"Host": PUBLIC_HOST})
        redirect = plain.getresponse()
        assert redirect.status == 301 and redirect.getheader("Location") == f"https://{PUBLIC_HOST}/?lang=en"

        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        secure = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=10, context=context)
        secure.request("GET", "/", headers={"Host": PUBLIC_HOST, "Accept-Encoding": "br"})
        page = secure.getresponse()
        page.read()
        assert page.status == 200
        assert page.getheader("Content-Encoding") == "br"  # our compression passes through
        assert page.getheader("Strict-Transport-Security", "").startswith("max-age=")  # HTTPS seen via the proxy
        assert page.getheader("Server") == "nginx"  # server_tokens off: no version
        assert "frame-ancestors 'self'" in page.getheader("Content-Security-Policy", "")

        secure.request("GET", "/healthz", headers={"Host": PUBLIC_HOST})
        assert secure.getresponse().read() == b'{"status":"ok"}\n'
        secure.request("POST", "/_dash-update-component", body=b"x" * 3_000_000, headers={"Host": PUBLIC_HOST})
        too_big = secure.getresponse()
        too_big.read()
        assert too_big.status == 413
        secure.close()
        time.sleep(0.3)
        assert "Traceback" not in server.log()
    finally:
        proxy.terminate()
        proxy.wait(timeout=20)
        server.stop()
