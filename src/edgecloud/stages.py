"""The ordered pipeline stages, what each reads from the run folder (upstream) and writes (products).

Like Ploomber's `upstream`/`product`, but declared once here so the runner, the notebooks and the
tests agree; a stage started before its upstream says which stage to run first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .errors import UpstreamMissing
from .params import Params, load_params
from .paths import NOTEBOOKS_DIR, RunDirs, rel


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    upstream: tuple[str, ...] = ()
    products: Callable[[Params], list] = field(default=lambda p: [])

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
    Stage("01_convert", "Convert raw requests to ms-swift data", (), _convert_products),
    Stage("02_prepare", "Prepare the base model", (), _prepare_products),
    Stage("03_train", "LoRA fine-tuning with ms-swift", ("01_convert", "02_prepare"), _train_products),
    Stage("04_eval", "Routing and answer quality against baselines", ("01_convert", "02_prepare", "03_train"),
          _eval_products),
    Stage("05_deploy", "swift deploy + edge gateway smoke test", ("02_prepare", "03_train"), _deploy_products),
    Stage("06_e2e", "Fixed client cases and a real browser", ("02_prepare", "03_train"), _e2e_products),
    Stage("07_edge_bench", "Edge variants (ONNX Runtime, INT8, GGUF) measured for speed and quality",
          ("01_convert", "02_prepare", "03_train"), _edge_bench_products),
    Stage("08_publish", "Figures, tables and numbers into the thesis; compile it", ("01_convert",), _publish_products),
]
BY_NAME = {s.name: s for s in STAGES}


def available_stages() -> list[Stage]:
    """Stages whose notebook exists, in pipeline order."""
    return [s for s in STAGES if s.notebook.is_file()]


def get_stage(name: str) -> Stage:
    if name not in BY_NAME:
        raise KeyError(f"unknown stage {name!r}; stages are {', '.join(BY_NAME)}")
    return BY_NAME[name]


def missing_upstream(name: str, params: Params) -> list[tuple[str, str]]:
    """(upstream stage, missing product) pairs for a stage."""
    out = []
    for up in get_stage(name).upstream:
        for product in get_stage(up).products(params):
            if not product.exists():
                out.append((up, rel(product)))
    return out


def require_upstream(name: str, params: Params, params_file: str = "params/<profile>.yaml") -> None:
    missing = missing_upstream(name, params)
    if missing:
        ups = sorted({u for u, _ in missing})
        files = ", ".join(f for _, f in missing)
        raise UpstreamMissing(
            f"{name} reads what {', '.join(ups)} writes, and that is missing for run {params.run_name!r} ({files}). "
            f"Run it first: python -m edgecloud run --params {params_file} --only {','.join(ups)}")


def open_stage(name: str, params_file: str, overrides: list[str] | tuple[str, ...] = ()) -> tuple[Params, RunDirs]:
    """First call of every notebook: validate params, check upstream, create the run folders."""
    params = load_params(params_file, list(overrides))
    require_upstream(name, params, params_file)
    return params, RunDirs(params.run_name).ensure()
