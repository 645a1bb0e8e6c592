"""Every door finds the same toolchains with no environment variable set by hand: `mkdocs build`, `mkdocs serve`,
`goverify check` and `goverify toolchains outdated` in a clone of this repository, and a second site elsewhere.

These run as processes, as a user runs them: what is proven is that nothing but the per-user toolchain home
(where `make site` and `make test` install) is needed. The clone's go_versions is cut to the two releases `make test`
installs (the same state `make site` leaves, for those releases); Go's build cache and goverify's result cache are
linked to the tests' ones so that nothing is compiled twice.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, share_results, write_site
from releases import BOTH

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.xdist_group("repo-site")  # on the browser tests' worker: their build's results are reused


def _plain_env() -> dict[str, str]:
    """The caller's environment with every GOVERIFY_ variable removed, as on a user's machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVERIFY_")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def _clone(tmp_path: Path) -> Path:
    root = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(root)], check=True, timeout=120)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, count = re.subn(r"go_versions: \[[^\]]*\]", f"go_versions: {json.dumps(BOTH)}", text)
    assert count == 1
    config.write_text(text, encoding="utf-8")
    share_results(root)
    (root / ".cache" / "goverify" / "gocache").symlink_to(Path(os.environ["GOVERIFY_GOCACHE"]))
    return root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(root: Path, env: dict[str, str]) -> str:
    """`mkdocs serve` until the page is served; the page's HTML."""
    port = _free_port()
    log = root / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"], cwd=root, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if "Serving on" in log.read_text(encoding="utf-8") or process.poll() is not None:
                break
            time.sleep(0.2)
        assert process.poll() is None, log.read_text(encoding="utf-8")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=60) as response:
            return response.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert "not installed" not in log.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _clone(tmp_path_factory.mktemp("doors"))


def test_mkdocs_build_and_goverify_check_in_a_clone_find_the_toolchains(clone: Path) -> None:
    env = _plain_env()
    built = subprocess.run([str(BIN / "mkdocs"), "build", "--strict"], cwd=clone, env=env, capture_output=True,
                           text=True, timeout=900)
    assert built.returncode == 0, built.stderr
    assert "./main.go" in (clone / "site" / "index.html").read_text(encoding="utf-8")
    checked = subprocess.run([str(BIN / "goverify"), "check"], cwd=clone, env=env, capture_output=True, text=True,
                             timeout=900)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"0 disagreements on Go {BOTH[0]}, Go {BOTH[1]}" in checked.stdout


def test_mkdocs_serve_in_a_clone_shows_the_verified_page(clone: Path) -> None:
    page = _serve(clone, _plain_env())
    assert 'class="goverify"' in page


def test_toolchains_outdated_resolves_the_matrix_without_an_environment(clone: Path) -> None:
    run = subprocess.run([str(BIN / "goverify"), "toolchains", "outdated"], cwd=clone, env=_plain_env(),
                         capture_output=True, text=True, timeout=300)
    assert "not installed" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    if run.returncode == 2 and "cannot ask PyPI" in run.stderr:
        pytest.skip(f"PyPI is not reachable: {run.stderr.strip()}")
    assert run.returncode in (0, 1), run.stderr
    assert run.stdout.strip(), "says what it found"


def test_a_second_site_elsewhere_finds_the_same_toolchains(tmp_path: Path) -> None:
    page = "# x\n\n```go\npackage main\n\nfunc f() *int { n := 0; return &n } // moved to heap: n\n```\n"
    root = write_site(tmp_path / "elsewhere", {"index.md": page},
                      plugin=f"  - goverify:\n      go_versions: {json.dumps(BOTH)}\n")
    (root / ".cache" / "goverify").mkdir(parents=True)
    (root / ".cache" / "goverify" / "gocache").symlink_to(Path(os.environ["GOVERIFY_GOCACHE"]))
    env = _plain_env()
    built = subprocess.run([str(BIN / "mkdocs"), "build"], cwd=root, env=env, capture_output=True, text=True,
                           timeout=600)
    assert built.returncode == 0, built.stderr
    checked = subprocess.run([str(BIN / "goverify"), "check"], cwd=root, env=env, capture_output=True, text=True,
                             timeout=600)
    assert checked.returncode == 0, checked.stdout + checked.stderr
