from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def run_name():
    """A throw-away run name; its outputs/ and figures/ folders are removed afterwards."""
    name = f"pytest-{uuid.uuid4().hex[:8]}"
    yield name
    for base in ("outputs", "figures"):
        shutil.rmtree(ROOT / base / name, ignore_errors=True)


@pytest.fixture
def write_params(tmp_path):
    """Write a params YAML file and return its path."""

    def _write(text: str) -> Path:
        path = tmp_path / "params.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return _write
