"""The tree is ruff-clean and ruff-formatted with the settings of pyproject.toml (the checks `make lint` / `make test`
run first)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def ruff() -> str:
    exe = Path(sys.executable).with_name("ruff")
    found = str(exe) if exe.is_file() else shutil.which("ruff")
    assert found, "ruff is not installed: run `make venv` (requirements.txt pins it)"
    return found


def test_ruff_check_finds_nothing():
    out = subprocess.run(
        [ruff(), "check", "--output-format", "concise", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, f"ruff findings (fix them, or `ruff check --fix`):\n{out.stdout}{out.stderr}"


def test_ruff_check_reports_a_finding(tmp_path):
    """The check can fail: an unused import in a file under the same rules is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    out = subprocess.run(
        [ruff(), "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1 and "F401" in out.stdout


def test_ruff_format_leaves_the_tree_as_it_is():
    out = subprocess.run(
        [ruff(), "format", "--check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, f"files ruff would reformat (run `make format`):\n{out.stdout}{out.stderr}"


def test_ruff_format_check_reports_an_unformatted_file(tmp_path):
    """The format check can fail: a badly spaced file under the same settings is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("x = {  'a':1 }\n", encoding="utf-8")
    out = subprocess.run(
        [ruff(), "format", "--check", "--no-cache", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1 and "bad.py" in out.stdout
