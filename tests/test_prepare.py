"""Stage 02_prepare: the embedded model converts, loads and answers; hub sources fail clearly offline."""

from __future__ import annotations

import json
import time

import pytest

from edgecloud.params import load_params
from edgecloud.params_sections import ModelParams
from edgecloud.paths import RunDirs
from edgecloud.train import prepare


@pytest.mark.integration
def test_embedded_model_converts_loads_and_answers(run_name):
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    report = prepare.prepare(p)
    assert report["architecture"] == "LlamaForCausalLM"
    assert 130e6 < report["parameters"] < 140e6
    assert report["smoke"]["reply"].strip() and report["smoke"]["new_tokens"] > 0
    assert report["has_chat_template"] and report["tokenizer_vocab"] == 49152
    assert report["swift_model_type"] == "llama" and report["swift_template"] == "chatml"
    assert report["device"] == "cpu"
    on_disk = json.loads((RunDirs(run_name).reports / "model_prepare_smollm2-135m-instruct.json").read_text())
    assert on_disk["checksum"] == report["checksum"]
    # the conversion is cached: a second resolve re-uses the folder while its checksums match
    t0 = time.perf_counter()
    folder, cached = prepare.resolve_model(p.model)
    assert cached and folder.name == "smollm2-135m-instruct" and time.perf_counter() - t0 < 15


def test_cache_is_rejected_when_a_weight_file_changed(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    meta = {"source_sha256": "abc", "weights_sha256": {"model.safetensors": "0" * 64}}
    (tmp_path / prepare.META_NAME).write_text(json.dumps(meta))
    assert not prepare._cache_valid(tmp_path, "abc")
    from edgecloud.jsonio import sha256_file

    meta["weights_sha256"]["model.safetensors"] = sha256_file(tmp_path / "model.safetensors")
    (tmp_path / prepare.META_NAME).write_text(json.dumps(meta))
    assert prepare._cache_valid(tmp_path, "abc")
    assert not prepare._cache_valid(tmp_path, "another source")


def test_unreachable_hub_fails_fast_naming_the_profile_to_use(monkeypatch):
    # a real connection attempt to a name that can never resolve (RFC 2606 .invalid)
    monkeypatch.setitem(prepare.HUB_HOSTS, "modelscope", "modelscope.invalid")
    mp = ModelParams(source="modelscope", id="Qwen/Qwen3-0.6B", name="qwen3-0.6b", model_type="qwen3")
    t0 = time.perf_counter()
    with pytest.raises(prepare.ModelSourceError) as exc:
        prepare.resolve_model(mp)
    msg = str(exc.value)
    assert "Qwen/Qwen3-0.6B" in msg and "params/default.yaml" in msg and "model.source=local" in msg
    assert time.perf_counter() - t0 < 10


def test_local_source_without_a_model_folder_is_refused(tmp_path):
    mp = ModelParams(source="local", path=str(tmp_path), name="mine")
    with pytest.raises(prepare.ModelSourceError, match="no config.json"):
        prepare.resolve_model(mp)
