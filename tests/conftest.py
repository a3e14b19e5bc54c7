from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def _user_dir(var: str, default: Path) -> Path:
    """The folder the caller's environment names (the rule of edgecloud.paths, read before it is imported)."""
    value = os.environ.get(var, "").strip()
    if not value:
        return default
    p = Path(value).expanduser()
    return (p if p.is_absolute() else ROOT / p).resolve()


# Everything the tests write goes to a temporary folder, never into the repository's outputs/ and figures/.
# Set here, at import, before any test module imports edgecloud: edgecloud.paths reads the variables once,
# and every process started later (the runner's papermill kernels, nbval's kernels when `make test` collects
# tests/ with notebooks/, swift, the gateway) inherits them, so all of them see the same folders. The
# converted base model is the exception: converting it again would cost half a minute and 500 MB per session,
# so the temporary outputs/models is a link to the cache of the caller's own outputs folder.
SESSION_DIR = Path(tempfile.mkdtemp(prefix="edgecloud-pytest-")).resolve()
TEST_OUTPUTS = SESSION_DIR / "outputs"  # named like the real folders: a few assertions read path endings
TEST_FIGURES = SESSION_DIR / "figures"
SHARED_MODELS = _user_dir("EDGECLOUD_OUTPUTS", ROOT / "outputs") / "models"
TEST_FIGURES.mkdir()
TEST_OUTPUTS.mkdir()
SHARED_MODELS.mkdir(parents=True, exist_ok=True)
(TEST_OUTPUTS / "models").symlink_to(SHARED_MODELS, target_is_directory=True)
os.environ["EDGECLOUD_OUTPUTS"] = str(TEST_OUTPUTS)
os.environ["EDGECLOUD_FIGURES"] = str(TEST_FIGURES)
# The runs the tests make are tracked into the temporary outputs folder's own store, never a tracking server or
# experiment the caller's environment names (edgecloud.tracking reads these at each run).
for _var in ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_NAME", "EDGECLOUD_TRACKING"):
    os.environ.pop(_var, None)

from edgecloud import paths  # noqa: E402  (after the variables are set)

if (paths.OUTPUTS_DIR, paths.FIGURES_DIR) != (TEST_OUTPUTS, TEST_FIGURES):
    (TEST_OUTPUTS / "models").unlink()
    shutil.rmtree(SESSION_DIR, ignore_errors=True)
    raise pytest.UsageError(
        f"edgecloud was imported before tests/conftest.py set EDGECLOUD_OUTPUTS: the tests "
        f"would write into {paths.OUTPUTS_DIR}"
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items):
    """nbval's cells run the notebooks (model, training, swift deploy, browser): integration, like the other
    slow tests (`make test-fast` = `pytest -m "not integration" tests`)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.integration)


def pytest_sessionfinish(session, exitstatus):
    (TEST_OUTPUTS / "models").unlink(missing_ok=True)  # the link only, never the shared cache behind it
    shutil.rmtree(SESSION_DIR, ignore_errors=True)


@pytest.fixture
def run_name():
    """A throw-away run name; its outputs/ and figures/ folders are removed afterwards."""
    name = f"pytest-{uuid.uuid4().hex[:8]}"
    yield name
    for base in (paths.OUTPUTS_DIR, paths.FIGURES_DIR):
        shutil.rmtree(base / name, ignore_errors=True)


@pytest.fixture(scope="session")
def trained():
    """A throw-away smoke run with a real `swift sft` adapter (trained once for the session: tests/test_stack.py
    and tests/test_serve.py) and the base model folder that 01_convert and 02_prepare wrote its reports for.
    One step without evaluation: the stack needs a valid adapter, not a good one, and on a busy 2-core
    machine each step or evaluation costs 20-50 s (the best checkpoint falls back to the last)."""
    from edgecloud.data.convert import convert
    from edgecloud.params import load_params
    from edgecloud.train import trainer
    from edgecloud.train.prepare import prepare, prepared_model_dir

    name = f"pytest-stack-{uuid.uuid4().hex[:8]}"
    p = load_params(
        "params/smoke.yaml",
        [
            f"run_name={name}",
            "train.max_steps=1",
            "train.eval_steps=1",
            "train.save_steps=1",
            "train.eval_on_start=false",
            "train.extra_args={eval_strategy: 'no'}",
        ],
    )
    convert(p)
    prepare(p)
    folder = prepared_model_dir(p)
    run = trainer.run_training(p, folder, echo=lambda s: None)
    trainer.summarize(p, run)
    yield name, folder
    for base in (paths.OUTPUTS_DIR, paths.FIGURES_DIR):
        shutil.rmtree(base / name, ignore_errors=True)


@pytest.fixture
def write_params(tmp_path):
    """Write a params YAML file and return its path."""

    def _write(text: str) -> Path:
        path = tmp_path / "params.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return _write
