"""Profiles are validated when loaded; errors name the file, the line and the key."""

from __future__ import annotations

import pytest

from edgecloud.errors import ParamsError, ParamsProblem
from edgecloud.params import Params, load_params
from edgecloud.paths import ROOT


@pytest.mark.parametrize("name", ["default", "smoke", "qwen3-0.6b"])
def test_shipped_profiles_load(name):
    p = load_params(f"params/{name}.yaml")
    assert p.run_name == name
    assert len(p.sha256()) == 64


def test_default_profile_is_sized_as_the_reference_run():
    p = load_params("params/default.yaml")
    # the reference's 50-record test split; valid doubled for the routing calibration; the rest trains
    assert p.data.split.model_dump() == {"train": "rest", "valid": 100, "test": 50}
    assert (p.train.max_steps, p.train.eval_steps, p.train.save_steps) == (150, 50, 50)
    assert p.model.source == "embedded"


def test_qwen_profile_is_the_thesis_setting():
    p = load_params("params/qwen3-0.6b.yaml")
    assert (p.model.source, p.model.id, p.model.model_type) == ("modelscope", "Qwen/Qwen3-0.6B", "qwen3")
    assert "nothinking" in p.model.template and p.model.device == "auto"


def test_unknown_key_is_named_with_file_and_line(write_params):
    path = write_params("run_name: x\ndata:\n  splt:\n    train: 3\n")
    with pytest.raises(ParamsError) as exc:
        load_params(path)
    msg = str(exc.value)
    assert "key 'data.splt'" in msg and "unknown key" in msg and "line 3" in msg and "params.yaml" in msg


def test_wrong_type_is_named(write_params):
    path = write_params("run_name: x\ntrain:\n  max_steps: many\n")
    with pytest.raises(ParamsError, match=r"line 3: key 'train.max_steps'.*integer.*'many'"):
        load_params(path)


def test_negative_step_count_is_refused(write_params):
    path = write_params("run_name: x\ntrain:\n  eval_steps: -5\n")
    with pytest.raises(ParamsError, match=r"key 'train.eval_steps': .*greater than or equal to 1"):
        load_params(path)


def test_split_larger_than_the_data_is_refused(write_params):
    path = write_params(
        "run_name: x\ndata:\n  raw_files: [data/raw/edge_requests_smoke.jsonl]\n"
        "  split: {train: 400, valid: 50, test: 50}\n"
    )
    with pytest.raises(ParamsError, match=r"line 4: key 'data.split': the split needs 500 records .* only 60"):
        load_params(path)


def test_missing_raw_file_is_named(write_params):
    path = write_params("run_name: x\ndata:\n  raw_files: [data/raw/nope.jsonl]\n")
    with pytest.raises(ParamsError, match=r"line 3: key 'data.raw_files.0': file not found: data/raw/nope.jsonl"):
        load_params(path)


def test_override_is_validated_and_named():
    p = load_params("params/smoke.yaml", ["train.max_steps=7", "data.split.train=rest"])
    assert p.train.max_steps == 7 and p.data.split.train == "rest"
    with pytest.raises(ParamsError, match=r"--set train.max_steps=-1: key 'train.max_steps'"):
        load_params("params/smoke.yaml", ["train.max_steps=-1"])
    with pytest.raises(ParamsError, match=r"--set trian.max_steps=3: key 'trian'.*unknown key"):
        load_params("params/smoke.yaml", ["trian.max_steps=3"])
    with pytest.raises(ParamsError, match="expected key=value"):
        load_params("params/smoke.yaml", ["train.max_steps"])


def test_local_source_without_path_and_undetectable_forward_reply(write_params):
    with pytest.raises(ParamsError, match="model.path is not set"):
        load_params(write_params("run_name: x\nmodel:\n  source: local\n"))
    with pytest.raises(ParamsError, match="key 'data.forward_reply'.*could not detect"):
        load_params(write_params("run_name: x\ndata:\n  forward_reply: Sorry, I can't.\n"))


def test_bad_yaml_and_missing_file(write_params):
    with pytest.raises(ParamsError, match=r"line 2: not valid YAML"):
        load_params(write_params("a: 1\n  b: [\n"))
    with pytest.raises(ParamsError, match="Params file not found: params/nope.yaml"):
        load_params("params/nope.yaml")


def test_every_schema_key_is_spelled_out_in_the_default_profile():
    """params/default.yaml documents every key the schema knows (the unknown-key message points there)."""
    import yaml

    doc = yaml.safe_load((ROOT / "params/default.yaml").read_text(encoding="utf-8"))
    schema = Params().to_dict()
    for section, fields in schema.items():
        if isinstance(fields, dict):
            missing = set(fields) - set(doc.get(section, {})) - {"system_prompt", "forward_reply", "path"}
            assert not missing, (section, missing)
        else:
            assert section in doc


# Refused files and overrides: (file text or a shipped profile, --set items, the error's where / key / message).
# Each names where the mistake is, a file and its line or the --set item, and the key, in one error type.
SMOKE = "params/smoke.yaml"
RAW = "data/raw/edge_requests_smoke.jsonl"
REFUSED = [
    ("", [], ("params.yaml", None, None), r"^Invalid params: .*params\.yaml: the file is empty"),
    ("  \n\t\n", [], ("params.yaml", None, None), r"the file is empty"),
    ("# a profile cut off after its comment\n", [], ("params.yaml", None, None), r"the file is empty"),
    ("seed: 3\n", [], ("params.yaml", None, "run_name"), r"key 'run_name': missing: a profile names its run"),
    (
        "run_name: a\ntrain:\n  max_steps: 3\n  max_steps: 4\n",
        [],
        ("params.yaml", 4, "train.max_steps"),
        r"params\.yaml line 4: key 'train.max_steps': given twice \(first on line 3\)",
    ),
    ("run_name: a\nseed: 1\nrun_name: b\n", [], ("params.yaml", 3, "run_name"), r"line 3: key 'run_name': given twice"),
    (
        f"run_name: a\ndata:\n  raw_files:\n    - {RAW}\n    - data/raw/nope.jsonl\n",
        [],
        ("params.yaml", 5, "data.raw_files.1"),
        r"line 5: key 'data.raw_files.1': file not found: data/raw/nope.jsonl",
    ),
    (
        f"run_name: a\ndata:\n  raw_files: [{RAW}]\n  split:\n    train: 400\n",
        [],
        ("params.yaml", 4, "data.split"),
        r"line 4: key 'data.split': the split needs 500 records",
    ),
    (
        SMOKE,
        ["train.max_steps=-1"],
        ("--set", "train.max_steps=-1", "train.max_steps"),
        r"^Invalid params: --set train.max_steps=-1: key 'train.max_steps': .*greater than or equal to 1",
    ),
    (
        SMOKE,
        ["data.raw_files=[data/raw/nope.jsonl]"],
        ("--set", "data.raw_files=[data/raw/nope.jsonl]", "data.raw_files.0"),
        r"^Invalid params: --set data.raw_files=\[data/raw/nope.jsonl\]: key 'data.raw_files.0': file not found",
    ),
    (
        SMOKE,
        ["data.split.train=4000"],
        ("--set", "data.split.train=4000", "data.split"),
        r"^Invalid params: --set data.split.train=4000: key 'data.split': the split needs 4020 records",
    ),
    (
        SMOKE,
        ["data.split={train: 1, train: 2}"],
        ("--set", "data.split={train: 1, train: 2}", "data.split.train"),
        r"--set data.split=\{train: 1, train: 2\}: key 'data.split.train': given twice",
    ),
    (SMOKE, ["run_name.x=1"], ("--set", "run_name.x=1", "run_name.x"), r"'run_name' is not a section"),
]


@pytest.mark.parametrize("text, overrides, where, match", REFUSED)
def test_refused_params_name_the_file_line_or_set_item_and_the_key(write_params, text, overrides, where, match):
    path = text if text == SMOKE else write_params(text)
    with pytest.raises(ParamsError, match=match) as exc:
        load_params(path, overrides)
    (problem,) = exc.value.problems
    assert isinstance(problem, ParamsProblem)
    kind, place, key = where
    if kind == "--set":
        assert problem.override == place and problem.where == f"--set {place}"
        assert "Invalid params in" not in str(exc.value)  # the file is not to blame
    else:
        assert problem.override is None and problem.file.endswith(kind) and problem.line == place
    assert problem.key == key


def test_mixed_file_and_set_mistakes_are_listed_each_with_its_origin(write_params):
    path = write_params("run_name: a\ntrain:\n  max_steps: many\n")
    with pytest.raises(ParamsError) as exc:
        load_params(path, ["deploy.gateway_port=1"])
    msg = str(exc.value)
    assert msg.startswith("Invalid params in ") and "params.yaml and from --set:" in msg.splitlines()[0]
    assert (
        "params.yaml line 3: key 'train.max_steps'" in msg
        and "--set deploy.gateway_port=1: key 'deploy.gateway_port'" in msg
    )


def test_run_name_may_come_from_set_and_shipped_profiles_name_their_run(write_params):
    assert load_params(write_params("seed: 3\n"), ["run_name=given"], check_data=False).run_name == "given"
    for name in ("default", "smoke", "qwen3-0.6b"):
        assert f"\nrun_name: {name}\n" in (ROOT / f"params/{name}.yaml").read_text(encoding="utf-8")


def test_edge_variants_full_means_the_whole_catalogue():
    from edgecloud.edge.variants import VARIANTS
    from edgecloud.params_sections import EDGE_VARIANTS

    assert EDGE_VARIANTS == tuple(VARIANTS)  # the names come from the catalogue, not a second list
    assert load_params("params/default.yaml", ["edge_bench.variants=full"]).edge_bench.variants == list(VARIANTS)
    for name in VARIANTS:  # every catalogue name is a valid deploy.edge_variant, anything else is not
        assert load_params("params/default.yaml", [f"deploy.edge_variant={name}"]).deploy.edge_variant == name
    with pytest.raises(ParamsError, match="deploy.edge_variant"):
        load_params("params/default.yaml", ["deploy.edge_variant=gguf-q5"])
    default = load_params("params/default.yaml").edge_bench.variants
    assert default[0] == "torch-fp32" and len(default) < len(EDGE_VARIANTS)
    with pytest.raises(ParamsError, match="edge_bench.variants"):
        load_params("params/default.yaml", ["edge_bench.variants=all"])
