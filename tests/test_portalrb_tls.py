"""The PortalRB API over HTTPS: deploy/run_replicas.sh with --portalrb-listen renders the TLS server of
deploy/nginx.conf.template and runs the API behind it, here with a self-signed certificate (openssl) on loopback.

Checked: the API's answers pass through TLS unchanged (a client that trusts the certificate gets the proposals;
one that does not is refused by TLS itself), what nginx answers on its own (plain HTTP on the TLS port, an
oversized request line, the API down) is the API's JSON error shape, the log holds no token, and without
--portalrb-listen the rendered configuration has no TLS server at all. Skipped when nginx or openssl is missing.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import load, write_csv

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "run_replicas.sh"
TOKEN = "tls-uji-" + "k" * 40

pytestmark = [
    pytest.mark.skipif(
        shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
        reason="nginx tidak terpasang: uji TLS API PortalRB dilewati (apt-get install nginx)",
    ),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl tidak terpasang (apt-get install openssl)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "portalrb.crt", folder / "portalrb.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class Started:
    """run_replicas.sh in the background until `stop()` (TERM to the script, then what it left, by pid)."""

    def __init__(self, workdir: Path, args: list[str]):
        self.workdir = workdir
        env = {k: v for k, v in os.environ.items() if k not in ("ZI_DB", "ZI_DATASET")}
        env["ZI_PORTALRB_TOKENS"] = TOKEN
        self.process = subprocess.Popen(
            ["bash", str(SCRIPT), *args, "--dir", str(workdir), "--python", sys.executable],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output = ""
        deadline = time.monotonic() + 120
        while "SIAP:" not in self.output:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"run_replicas.sh tidak siap:\n{self.output}")
            ready, _, _ = select.select([self.process.stdout], [], [], 0.5)
            if ready:
                self.output += self.process.stdout.readline()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid_file in self.workdir.glob("*.pid"):
            if pid_file.name != "nginx.pid" and pid_file.read_text().strip():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid_file.read_text()), signal.SIGKILL)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    root = tmp_path_factory.mktemp("tls")
    db = root / "wh" / "zi.duckdb"
    scores = write_csv(
        root,
        "nilai.csv",
        "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp\n62,Inspektorat,2025,TPI,6,5,8,8,12,8,16,4,15\n",
    )
    proposals = write_csv(root, "usulan.csv", "provinsi,instansi,unit_kerja,tahun,kategori\n62,,Inspektorat,2025,WBK\n")
    code, out = load([scores, proposals], db)
    assert code == 0, out
    cert, key = self_signed(root)
    listen = f"127.0.0.1:{free_port()}"
    api = f"127.0.0.1:{free_port()}"
    started = Started(
        root / "kerja",
        ["--db", str(db), "--listen", f"127.0.0.1:{free_port()}", "--replicas", f"127.0.0.1:{free_port()}"]
        + ["--portalrb", api, "--portalrb-listen", listen, "--tls-cert", str(cert), "--tls-key", str(key)],
    )
    try:
        yield {"listen": listen, "cert": cert, "workdir": root / "kerja", "started": started}
    finally:
        started.stop()


def https(deployed, path: str, token: str | None = TOKEN, trust: bool = True):
    host, port = deployed["listen"].rsplit(":", 1)
    context = ssl.create_default_context(cafile=str(deployed["cert"])) if trust else ssl.create_default_context()
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=30)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


def is_error(body: dict, code: str) -> bool:
    return set(body) == {"error", "code", "message"} and body["error"] is True and body["code"] == code and body["message"]


def test_the_api_answers_through_tls(deployed):
    assert "API PortalRB: https://" in deployed["started"].output
    status, headers, body = https(deployed, "/pengusulan/unit-wbk")
    assert status == 200, body
    assert body == {"tahun": 2025, "units": [{"id": "UNIT-62-001", "nama": "Inspektorat", "kategori": "WBK", "afirmasi": False}]}
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    status, _, body = https(deployed, "/pengusulan/unit-wbk", token=None)
    assert status == 401 and is_error(body, "token_tidak_ada")


def test_a_client_that_does_not_trust_the_certificate_is_refused_by_tls(deployed):
    with pytest.raises(ssl.SSLCertVerificationError):
        https(deployed, "/pengusulan/unit-wbk", trust=False)


def test_what_nginx_answers_itself_is_json_too(deployed):
    host, port = deployed["listen"].rsplit(":", 1)
    plain = http.client.HTTPConnection(host, int(port), timeout=30)  # HTTP on the HTTPS port
    try:
        plain.request("GET", "/pengusulan/unit-wbk")
        response = plain.getresponse()
        assert response.status == 400 and is_error(json.loads(response.read()), "perlu_https")
    finally:
        plain.close()
    status, _, body = https(deployed, "/lke/jawaban-unit/" + "A" * 20_000)
    assert status == 414 and is_error(body, "alamat_terlalu_panjang")


def test_no_token_in_nginx_or_api_logs(deployed):
    https(deployed, "/pengusulan/unit-wbk")
    https(deployed, f"/pengusulan/unit-wbk?token={TOKEN}", token=None)
    for log in ("portalrb-access.log", "portalrb.log", "error.log"):
        path = deployed["workdir"] / log
        assert path.exists(), log
        assert TOKEN not in path.read_text(errors="replace"), log
    assert "/pengusulan/unit-wbk" in (deployed["workdir"] / "portalrb-access.log").read_text()


def test_the_api_down_is_a_json_503(deployed):
    """Last in this module: it stops the API (the process the script started, by its pid)."""
    pid = int((deployed["workdir"] / "portalrb.pid").read_text())
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            os.kill(pid, 0)
            time.sleep(0.2)
            continue
        break
    status, headers, body = https(deployed, "/pengusulan/unit-wbk")
    assert status == 503 and is_error(body, "api_tidak_tersedia")
    assert headers["Retry-After"] == "30"


def test_without_portalrb_listen_no_tls_server_is_rendered(tmp_path):
    """The dashboard-only configuration (as before): the block between the markers is dropped."""
    db = tmp_path / "wh" / "zi.duckdb"
    scores = write_csv(
        tmp_path,
        "nilai.csv",
        "provinsi,unit_kerja,tahun,tahap,mp,tt,sdm,ak,pw,pp,ipak,ck,ipkp\n62,A,2025,TPI,6,5,8,8,12,8,16,4,15\n",
    )
    assert load(scores, db)[0] == 0
    started = Started(
        tmp_path / "kerja", ["--db", str(db), "--listen", f"127.0.0.1:{free_port()}", "--replicas", f"127.0.0.1:{free_port()}"]
    )
    try:
        text = (tmp_path / "kerja" / "nginx.conf").read_text()
        config = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        assert " ssl" not in config and "ssl_certificate" not in config and "log_format portalrb" not in config
        assert "{{" not in text
        assert not (tmp_path / "kerja" / "portalrb.pid").exists()
    finally:
        started.stop()
