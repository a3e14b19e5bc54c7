"""The ordered pipeline stages, what each reads from the run folder (upstream) and writes (products).

Like Ploomber's `upstream`/`product`, declared once so the runner, the notebooks and the tests
agree: both come from the artifact registry (`artifacts`), where every file a stage writes and the
files it reads are declared; a stage's upstream are the writers of its required reads, and a stage
started before them says which stage to run first.

Each stage also declares the params it reads itself (`params`, dotted keys of params/*.yaml). Its
products depend on those and on its upstream stages' params (`stage_inputs`): the runner records
their hash with every stage it runs and refuses to start a stage on an upstream whose products were
made with other values (see runner.upstream_problems), while a change of, say, `deploy.*` leaves
01_convert..04_eval usable for `--only 05_deploy`.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from edgecloud import artifacts
from edgecloud.errors import UpstreamMissing
from edgecloud.params import Params, load_params
from edgecloud.paths import NOTEBOOKS_DIR, RunDirs, rel


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    upstream: tuple[str, ...] = ()
    products: Callable[[Params], list] = field(default=lambda p: [])
    params: tuple[str, ...] = ()  # the params (sections or dotted keys) this stage itself reads

    @property
    def notebook(self):
        return NOTEBOOKS_DIR / f"{self.name}.ipynb"


def _stage(name: str, title: str, params: tuple[str, ...]) -> Stage:
    """A stage whose upstream and products are those of the artifact registry."""
    return Stage(name, title, artifacts.upstream(name), partial(artifacts.product_files, name), params)


STAGES: list[Stage] = [
    _stage("01_convert", "Convert raw requests to ms-swift data", ("seed", "data")),
    _stage("02_prepare", "Prepare the base model", ("seed", "model")),
    # the routing calibration (a 03_train product) scores the checkpoints with eval.device / eval.torch_dtype
    _stage("03_train", "LoRA fine-tuning with ms-swift", ("seed", "train", "eval.device", "eval.torch_dtype")),
    _stage("04_eval", "Routing and answer quality against baselines", ("eval",)),
    _stage("05_deploy", "swift deploy + edge gateway smoke test", ("deploy",)),
    _stage("06_e2e", "Fixed client cases and a real browser", ("deploy", "e2e")),
    _stage("07_edge_bench", "Edge variants (ONNX Runtime, INT8, GGUF) measured for speed and quality", ("edge_bench",)),
    _stage("08_publish", "Figures, tables and numbers into the thesis; compile it", ("publish",)),
]
BY_NAME = {s.name: s for s in STAGES}


def available_stages() -> list[Stage]:
    """Stages whose notebook exists, in pipeline order."""
    return [s for s in STAGES if s.notebook.is_file()]


def get_stage(name: str) -> Stage:
    if name not in BY_NAME:
        raise KeyError(f"unknown stage {name!r}; stages are {', '.join(BY_NAME)}")
    return BY_NAME[name]


def stage_inputs(name: str) -> tuple[str, ...]:
    """The params a stage's products depend on: its own and, transitively, its upstream stages'."""
    keys: set[str] = set()
    todo = [name]
    while todo:
        st = get_stage(todo.pop())
        keys.update(st.params)
        todo.extend(st.upstream)
    return tuple(sorted(keys))


def input_values(name: str, params: Params | dict[str, Any]) -> dict[str, Any]:
    """{dotted key: value} of `stage_inputs(name)` in these params (a key they lack: None)."""
    doc = params.to_dict() if isinstance(params, Params) else params
    out: dict[str, Any] = {}
    for key in stage_inputs(name):
        node: Any = doc
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        out[key] = node
    return out


def inputs_sha256(name: str, params: Params | dict[str, Any]) -> str:
    """Hash of the params a stage's products depend on (the runner records it with the stage)."""
    canon = json.dumps(input_values(name, params), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def run_command(
    params_file: str, overrides: list[str] | tuple[str, ...] = (), only: list[str] | tuple[str, ...] = ()
) -> str:
    """The command line that runs these stages of this run: the same params file and the same `--set` options."""
    parts = ["python", "-m", "edgecloud", "run", "--params", params_file]
    for item in overrides:
        parts += ["--set", item]
    if only:
        parts += ["--only", ",".join(only)]
    return " ".join(shlex.quote(p) for p in parts)


def missing_upstream(name: str, params: Params) -> list[tuple[str, str]]:
    """(upstream stage, missing file) pairs for a stage: the required reads of the artifact registry."""
    return [(a.stage, rel(f)) for a in artifacts.reads(name) for f in artifacts.files(a.key, params) if not f.exists()]


def require_upstream(
    name: str, params: Params, params_file: str = "params/<profile>.yaml", overrides: list[str] | tuple[str, ...] = ()
) -> None:
    missing = missing_upstream(name, params)
    if missing:
        ups = sorted({u for u, _ in missing})
        files = ", ".join(f for _, f in missing)
        raise UpstreamMissing(
            f"{name} reads what {', '.join(ups)} writes, and that is missing for run {params.run_name!r} ({files}). "
            f"Run it first: {run_command(params_file, overrides, ups)}"
        )


def open_stage(name: str, params_file: str, overrides: list[str] | tuple[str, ...] = ()) -> tuple[Params, RunDirs]:
    """First call of every notebook: validate params, check upstream, create the run folders."""
    params = load_params(params_file, list(overrides))
    require_upstream(name, params, params_file, list(overrides))
    return params, RunDirs(params.run_name).ensure()
