"""Run profiles: a typed schema for params/*.yaml, validated when loaded.

A mistake in a profile must stop the run at once with the file, the line and the key named,
not hours later as a traceback from deep inside ms-swift. Unknown keys are rejected too:
papermill only warns about parameters a notebook does not declare, so a typo would otherwise
be silently ignored.

Here: `Params` (the profile: one field per section, its hash) and `load_params`. The section models and
the defaults they use (`DEFAULT_SYSTEM_PROMPT`, `DEFAULT_FORWARD_REPLY`, imported from here by most
callers) are in `edgecloud.params_sections`; the checks beyond the schema and the origin of each problem
(file and line, or `--set` item) are in `edgecloud.params_checks`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError

from edgecloud.errors import ParamsError, ParamsProblem
from edgecloud.params_checks import (
    _apply_override,
    _check_against_data,
    _Origin,
    _validation_problems,
    _walk_keys,
    parse_override,
)
from edgecloud.params_sections import (
    DEFAULT_FORWARD_REPLY,
    DEFAULT_SYSTEM_PROMPT,
    DataParams,
    DeployParams,
    E2EParams,
    EdgeBenchParams,
    EvalParams,
    ModelParams,
    PublishParams,
    TrainParams,
    _Strict,
)
from edgecloud.paths import rel, resolve

# The names callers import from here; the section models are imported from edgecloud.params_sections.
__all__ = ["DEFAULT_FORWARD_REPLY", "DEFAULT_SYSTEM_PROMPT", "Params", "load_params"]


class Params(_Strict):
    run_name: str = Field("default", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    seed: int = Field(20260210, ge=0)
    data: DataParams = Field(default_factory=DataParams)
    model: ModelParams = Field(default_factory=ModelParams)
    train: TrainParams = Field(default_factory=TrainParams)
    eval: EvalParams = Field(default_factory=EvalParams)
    deploy: DeployParams = Field(default_factory=DeployParams)
    e2e: E2EParams = Field(default_factory=E2EParams)
    publish: PublishParams = Field(default_factory=PublishParams)
    edge_bench: EdgeBenchParams = Field(default_factory=EdgeBenchParams)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def sha256(self) -> str:
        canon = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def load_params(path: str | Path, overrides: list[str] | tuple[str, ...] = (), check_data: bool = True) -> Params:
    """Load and validate a params file, applying `key=value` overrides (validated the same way).

    Every mistake raises ParamsError naming the file and the line, or the `--set KEY=VALUE` it came from,
    and the key. Refused besides the schema: an empty file, a key given twice (YAML keeps the last value
    without a word), and a profile that does not name its run (`run_name`, in the file or by --set): an
    empty or cut-off file would otherwise run every default into outputs/default/.
    """
    fpath = resolve(path)
    source = rel(fpath)
    if not fpath.is_file():
        raise ParamsError(f"Params file not found: {source} (profiles live in params/, e.g. params/smoke.yaml)")
    text = fpath.read_text(encoding="utf-8")
    empty = ParamsProblem(
        "the file is empty (or only comments): a profile names its run and sets what differs from "
        "the defaults; start from a copy of params/smoke.yaml",
        file=source,
    )
    if not text.strip():
        raise ParamsError(empty)
    try:
        doc = yaml.safe_load(text)
        lines, twice = _walk_keys(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParamsError(
            ParamsProblem(
                f"not valid YAML: {getattr(exc, 'problem', exc)}", file=source, line=mark.line + 1 if mark else None
            )
        ) from None
    if doc is None:
        raise ParamsError(empty)
    if not isinstance(doc, dict):
        raise ParamsError(
            ParamsProblem(
                "the top level must be a mapping of keys (run_name, data, model, train, ...)", file=source, line=1
            )
        )
    if twice:
        raise ParamsError(
            *[
                ParamsProblem(
                    f"given twice (first on line {first}): YAML would silently keep the last value; keep one",
                    file=source,
                    line=line,
                    key=".".join(key),
                )
                for key, line, first in twice
            ]
        )
    overridden: dict[tuple[str, ...], str] = {}
    for item in overrides:
        keypath, value = parse_override(item)
        _apply_override(doc, keypath, value, item)
        overridden[tuple(keypath)] = item
    origin = _Origin(source, lines, overridden)
    try:
        params = Params.model_validate(doc)
    except ValidationError as exc:
        raise ParamsError(*_validation_problems(exc, origin)) from None
    if check_data:
        _check_against_data(params, origin)
    if "run_name" not in doc:
        raise ParamsError(
            ParamsProblem(
                "missing: a profile names its run explicitly (its outputs go to outputs/<run_name>/), so a cut-off or "
                "hand-made file never writes into another run; add e.g. `run_name: my-run` (or --set run_name=...)",
                file=source,
                key="run_name",
            )
        )
    return params
