"""Profiles are validated when loaded; errors name the file, the line and the key."""
from __future__ import annotations

import pytest

from edgecloud.errors import ParamsError
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
    path = write_params("train:\n  max_steps: many\n")
    with pytest.raises(ParamsError, match=r"line 2: key 'train.max_steps'.*integer.*'many'"):
        load_params(path)


def test_negative_step_count_is_refused(write_params):
    path = write_params("train:\n  eval_steps: -5\n")
    with pytest.raises(ParamsError, match=r"key 'train.eval_steps': .*greater than or equal to 1"):
        load_params(path)


def test_split_larger_than_the_data_is_refused(write_params):
    path = write_params("data:\n  raw_files: [data/raw/edge_requests_smoke.jsonl]\n  split: {train: 400, valid: 50, test: 50}\n")
    with pytest.raises(ParamsError, match=r"key 'data.split': the split needs 500 records .* only 60"):
        load_params(path)


def test_missing_raw_file_is_named(write_params):
    path = write_params("data:\n  raw_files: [data/raw/nope.jsonl]\n")
    with pytest.raises(ParamsError, match=r"key 'data.raw_files.0': file not found: data/raw/nope.jsonl"):
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
        load_params(write_params("model:\n  source: local\n"))
    with pytest.raises(ParamsError, match="key 'data.forward_reply'.*could not detect"):
        load_params(write_params("data:\n  forward_reply: Sorry, I can't.\n"))


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
