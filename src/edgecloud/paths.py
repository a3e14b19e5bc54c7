"""Every path in the workspace is anchored on the repository root.

papermill runs a notebook in the caller's folder and nbval in the notebook's own folder, so a
relative path means different things depending on who runs the code; resolving against ROOT
makes both see the same files.

Two folders can be moved out of the repository with environment variables, read once at import:
EDGECLOUD_OUTPUTS (default `<repo>/outputs`: the runs and, in models/, the converted model cache)
and EDGECLOUD_FIGURES (default `<repo>/figures`). A relative value is taken from the repository root,
so every process (notebook kernels run in notebooks/) sees the same folder. The test suite points
both at a temporary folder (tests/conftest.py). Reports keep naming such files `outputs/...` and
`figures/...`, and `resolve` maps those names to wherever the folders are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _dir_from_env(var: str, default: Path) -> Path:
    """The folder named by environment variable `var` (absolute, or relative to ROOT), else `default`."""
    value = os.environ.get(var, "").strip()
    if not value:
        return default
    p = Path(value).expanduser()
    return (p if p.is_absolute() else ROOT / p).resolve()


NOTEBOOKS_DIR = ROOT / "notebooks"
OUTPUTS_DIR = _dir_from_env("EDGECLOUD_OUTPUTS", ROOT / "outputs")
FIGURES_DIR = _dir_from_env("EDGECLOUD_FIGURES", ROOT / "figures")
MODELS_DIR = OUTPUTS_DIR / "models"

# The folders that may live elsewhere, by the name paths in reports and params give them (`outputs/...`).
_MOVABLE = {"outputs": OUTPUTS_DIR, "figures": FIGURES_DIR}
_MOVED = {name: folder for name, folder in _MOVABLE.items() if folder != ROOT / name}


def resolve(path: str | Path) -> Path:
    """Absolute path for a path written relative to the workspace root (as in params files and reports);
    `outputs/...` and `figures/...` go to OUTPUTS_DIR and FIGURES_DIR, wherever those are."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    if p.parts and p.parts[0] in _MOVED:
        return _MOVED[p.parts[0]].joinpath(*p.parts[1:])
    return ROOT / p


def rel(path: str | Path) -> str:
    """Path relative to the workspace root when inside it (for reports that travel), else absolute.
    A file of a moved outputs or figures folder is named `outputs/...` or `figures/...` (what `resolve` reads
    back); a file in the repository's own outputs/ or figures/ then gets its absolute path, since that name
    would now point elsewhere."""
    try:
        p = Path(path).resolve()
    except (OSError, RuntimeError):  # a symbolic link loop: name the path as given
        p = Path(path).absolute()
    for name, folder in sorted(_MOVED.items(), key=lambda kv: -len(kv[1].parts)):  # the innermost folder first
        try:
            return (Path(name) / p.relative_to(folder)).as_posix()
        except ValueError:
            pass
    try:
        r = p.relative_to(ROOT)
    except ValueError:
        return p.as_posix()
    return p.as_posix() if r.parts and r.parts[0] in _MOVED else r.as_posix()


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
        from edgecloud.artifacts import path  # the registry names every artifact; it builds on this module

        return path("manifest", self.run_name)

    def ensure(self) -> "RunDirs":
        for d in (self.root, self.data, self.reports, self.notebooks, self.logs, self.figures):
            d.mkdir(parents=True, exist_ok=True)
        return self
