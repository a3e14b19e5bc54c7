"""The ordered pipeline stages, what each reads from the run folder (upstream) and writes (products).

Like Ploomber's `upstream`/`product`, but declared once here so the runner, the notebooks and the
tests agree; a stage started before its upstream says which stage to run first.

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
from typing import Any, Callable

from .errors import UpstreamMissing
from .params import Params, load_params
from .paths import NOTEBOOKS_DIR, RunDirs, rel


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


def _convert_products(p: Params) -> list:
    d = RunDirs(p.run_name)
    return [d.data / "train.jsonl", d.data / "valid.jsonl", d.data / "test.jsonl",
            d.reports / "edge_swift_data_check.json"]


def _prepare_products(p: Params) -> list:
    return [RunDirs(p.run_name).reports / f"model_prepare_{p.model.name}.json"]


def _train_products(p: Params) -> list:
    reports = RunDirs(p.run_name).reports
    return [reports / f"swift_train_{p.run_name}_summary.json", reports / f"routing_calibration_{p.run_name}.json"]


def _eval_products(p: Params) -> list:
    return [RunDirs(p.run_name).reports / f"eval_{p.run_name}.json"]


def _deploy_products(p: Params) -> list:
    return [RunDirs(p.run_name).reports / f"edge_gateway_smoke_{p.run_name}.json"]


def _e2e_products(p: Params) -> list:
    return [RunDirs(p.run_name).reports / f"client_web_e2e_{p.run_name}.json"]


def _publish_products(p: Params) -> list:
    return [RunDirs(p.run_name).reports / f"thesis_sync_{p.run_name}.json"]


def _edge_bench_products(p: Params) -> list:
    return [RunDirs(p.run_name).reports / f"edge_bench_{p.run_name}.json"]


STAGES: list[Stage] = [
    Stage("01_convert", "Convert raw requests to ms-swift data", (), _convert_products, ("seed", "data")),
    Stage("02_prepare", "Prepare the base model", (), _prepare_products, ("seed", "model")),
    # the routing calibration (a 03_train product) scores the checkpoints with eval.device / eval.torch_dtype
    Stage("03_train", "LoRA fine-tuning with ms-swift", ("01_convert", "02_prepare"), _train_products,
          ("seed", "train", "eval.device", "eval.torch_dtype")),
    Stage("04_eval", "Routing and answer quality against baselines", ("01_convert", "02_prepare", "03_train"),
          _eval_products, ("eval",)),
    Stage("05_deploy", "swift deploy + edge gateway smoke test", ("02_prepare", "03_train"), _deploy_products,
          ("deploy",)),
    Stage("06_e2e", "Fixed client cases and a real browser", ("02_prepare", "03_train"), _e2e_products,
          ("deploy", "e2e")),
    Stage("07_edge_bench", "Edge variants (ONNX Runtime, INT8, GGUF) measured for speed and quality",
          ("01_convert", "02_prepare", "03_train"), _edge_bench_products, ("edge_bench",)),
    Stage("08_publish", "Figures, tables and numbers into the thesis; compile it", ("01_convert",), _publish_products,
          ("publish",)),
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


def run_command(params_file: str, overrides: list[str] | tuple[str, ...] = (),
                only: list[str] | tuple[str, ...] = ()) -> str:
    """The command line that runs these stages of this run: the same params file and the same `--set` options."""
    parts = ["python", "-m", "edgecloud", "run", "--params", params_file]
    for item in overrides:
        parts += ["--set", item]
    if only:
        parts += ["--only", ",".join(only)]
    return " ".join(shlex.quote(p) for p in parts)


def missing_upstream(name: str, params: Params) -> list[tuple[str, str]]:
    """(upstream stage, missing product) pairs for a stage."""
    out = []
    for up in get_stage(name).upstream:
        for product in get_stage(up).products(params):
            if not product.exists():
                out.append((up, rel(product)))
    return out


def require_upstream(name: str, params: Params, params_file: str = "params/<profile>.yaml",
                     overrides: list[str] | tuple[str, ...] = ()) -> None:
    missing = missing_upstream(name, params)
    if missing:
        ups = sorted({u for u, _ in missing})
        files = ", ".join(f for _, f in missing)
        raise UpstreamMissing(
            f"{name} reads what {', '.join(ups)} writes, and that is missing for run {params.run_name!r} ({files}). "
            f"Run it first: {run_command(params_file, overrides, ups)}")


def open_stage(name: str, params_file: str, overrides: list[str] | tuple[str, ...] = ()) -> tuple[Params, RunDirs]:
    """First call of every notebook: validate params, check upstream, create the run folders."""
    params = load_params(params_file, list(overrides))
    require_upstream(name, params, params_file, list(overrides))
    return params, RunDirs(params.run_name).ensure()
