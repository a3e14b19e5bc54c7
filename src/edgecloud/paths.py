"""Every path in the workspace is anchored on the repository root.

papermill runs a notebook in the caller's folder and nbval in the notebook's own folder, so a
relative path means different things depending on who runs the code; resolving against ROOT
makes both see the same files.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARAMS_DIR = ROOT / "params"
NOTEBOOKS_DIR = ROOT / "notebooks"
DATA_DIR = ROOT / "data"
OUTPUTS_DIR = ROOT / "outputs"
FIGURES_DIR = ROOT / "figures"
MODELS_DIR = OUTPUTS_DIR / "models"


def resolve(path: str | Path) -> Path:
    """Absolute path for a path written relative to the workspace root (as in params files)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else (ROOT / p)


def rel(path: str | Path) -> str:
    """Path relative to the workspace root when inside it (for reports that travel), else absolute."""
    try:
        p = Path(path).resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: name the path as given
        p = Path(path).absolute()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.as_posix()


@dataclass(frozen=True)
class RunDirs:
    """The folders of one run: everything a run writes lives under outputs/<run_name>/ or figures/<run_name>/."""

    run_name: str

    @property
    def root(self) -> Path:
        return OUTPUTS_DIR / self.run_name

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def figures(self) -> Path:
        return FIGURES_DIR / self.run_name

    @property
    def manifest(self) -> Path:
        return self.root / "run_manifest.json"

    def ensure(self) -> "RunDirs":
        for d in (self.root, self.data, self.reports, self.notebooks, self.logs, self.figures):
            d.mkdir(parents=True, exist_ok=True)
        return self
