"""Best LoRA adapter + base model -> one plain transformers folder (fp32 safetensors).

Every exporter reads this folder, so all variants start from exactly the same weights. peft's
`merge_and_unload` does what `swift export --merge_lora true` does (ms-swift calls peft too), in
process and in a few seconds, without ms-swift's hub look-ups. The folder is re-used while the
adapter's checksum matches (a new training run makes a new merge).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import sha256_file
from edgecloud.paths import rel

META = "edgecloud_merge.json"


class ExportError(EdgecloudError):
    """An edge variant could not be made (missing input, a converter failed)."""


def _adapter_weights(adapter: Path) -> Path:
    for name in ("adapter_model.safetensors", "adapter_model.bin"):
        if (adapter / name).is_file():
            return adapter / name
    raise ExportError(
        f"{rel(adapter)} holds no adapter_model.safetensors: run 03_train first "
        "(the best checkpoint is read from reports/swift_train_<run>_summary.json)"
    )


def merge_adapter(model_dir: Path, adapter: Path, out_dir: Path, force: bool = False) -> dict[str, Any]:
    """Merge `adapter` into the base model of `model_dir`; returns the merge record (also in out_dir/META)."""
    if not (model_dir / "config.json").is_file():
        raise ExportError(f"the base model folder {rel(model_dir)} has no config.json: run 02_prepare first")
    weights = _adapter_weights(adapter)
    key = {"base": rel(model_dir), "adapter": rel(adapter), "adapter_sha256": sha256_file(weights)}
    meta_path = out_dir / META
    if not force and meta_path.is_file() and (out_dir / "model.safetensors").is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if {k: meta.get(k) for k in key} == key:
            return {**meta, "reused": True}

    from edgecloud.model import load_tokenizer, load_weights

    tmp = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    merged = load_weights(model_dir, "float32", adapter=adapter, merge=True)
    merged.save_pretrained(tmp)
    load_tokenizer(model_dir).save_pretrained(tmp)
    meta = {**key, "tool": "peft merge_and_unload", "dtype": "float32"}
    (tmp / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp.rename(out_dir)
    return {**meta, "reused": False}
