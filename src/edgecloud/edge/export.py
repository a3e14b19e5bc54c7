"""The merged fp32 folder -> each edge variant's files, with the field's own tools.

- PyTorch: the merged folder itself (fp32), a bf16 copy (`save_pretrained`), and torch.ao's dynamic
  int8 of the Linear layers (its state dict saved with `torch.save`);
- ONNX: onnxruntime-genai's model builder (`-p fp32 -e cpu`) writes a decoder graph with past/present
  key-values straight from the transformers-5 folder (optimum-onnx needs transformers<4.58 and then
  silently drops the rope settings); INT8 is onnxruntime.quantization's dynamic quantization of it;
- onnxruntime-genai int8 / int4: the same builder with `-p int8|int4`, run by the genai runtime;
- GGUF: llama.cpp's `convert_hf_to_gguf.py` (installed into the venv from the llama-cpp-python sdist by
  scripts/fetch_gguf_converter.sh) writes F16, `llama_cpp.llama_model_quantize` the smaller types.

Each variant folder gets a `variant.json` (backend, precision, the weight files, their size, the tool
and the export time); exports are re-used while the merge they came from is the same.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from edgecloud.edge.backends import VARIANT_META
from edgecloud.edge.merge import META as MERGE_META
from edgecloud.edge.merge import ExportError
from edgecloud.edge.variants import get_variant
from edgecloud.paths import rel
from edgecloud.train.devices import cpu_has_vnni

EXPORT_FORMAT = 2  # bump when an exporter changes what it writes, so old variant folders are re-made
WORK = "work"  # intermediate files shared by several variants (fp32 ONNX, F16 GGUF)
GGUF_FTYPES = {"q8_0": 7, "q4_0": 2, "q4_k_m": 15}  # llama_ftype values (llama.h)
# prompt-lookup drafting (decoding: lookup): suffix n-grams of 3 down to 2 tokens are looked up, and at most 4 draft
# tokens verified per forward pass. On the test split's replies (gguf-q8_0, 2 threads) this was the best of
# (max, min, k) = (3,1,8) 1.12x, (3,2,4) 1.15x, (3,2,3) 1.14x, (4,2,6) 1.16x, (3,3,4) 1.13x, (3,2,2) 1.13x: a batch of
# 5 tokens costs ~2x a single one here, so long speculative drafts do not pay (benchmarks/results/edge_lookup_20261202.md)
LOOKUP_MAX_NGRAM = 3
LOOKUP_MIN_NGRAM = 2
LOOKUP_DRAFT_TOKENS = 4


def converter_dir() -> Path:
    return Path(sys.prefix) / "share" / "edgecloud" / "llama.cpp-convert"


def _merge_key(merged: Path) -> str:
    return json.loads((merged / MERGE_META).read_text(encoding="utf-8"))["adapter_sha256"]


def _size(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        dst.unlink()
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _run(cmd: list[str], log: Path, env: dict[str, str] | None = None, what: str = "") -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as fh:
        fh.write("$ " + " ".join(cmd) + "\n")
        fh.flush()
        proc = subprocess.run(
            cmd,
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        )
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:])
        raise ExportError(f"{what} failed (exit {proc.returncode}); log {rel(log)}:\n{tail}")


@contextlib.contextmanager
def _c_output_to(log: Path):
    """Send what this process writes to stdout/stderr meanwhile to `log`, not into the notebook or the terminal
    of `make run`: C code writing to file descriptors 1 and 2, and Python's sys.stdout / sys.stderr (where
    llama-cpp-python's log callback prints llama.cpp's messages; in a Jupyter kernel those are not fd 2)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with (
        log.open("a", encoding="utf-8", errors="replace") as fh,
        contextlib.redirect_stdout(fh),
        contextlib.redirect_stderr(fh),
    ):
        try:
            os.dup2(fh.fileno(), 1)
            os.dup2(fh.fileno(), 2)
            yield
            fh.flush()
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


# ---------------------------------------------------------------------------------------------
# Intermediates


def onnx_builder(merged: Path, out: Path, precision: str, log: Path, extra: dict[str, str] | None = None) -> Path:
    """onnxruntime-genai's model builder on a local transformers folder (CPU graph)."""
    cmd = [
        sys.executable,
        "-m",
        "onnxruntime_genai.models.builder",
        "-i",
        str(merged),
        "-o",
        str(out),
        "-p",
        precision,
        "-e",
        "cpu",
        "-c",
        str(out.parent / (out.name + ".cache")),
    ]
    if extra:
        cmd += ["--extra_options", *[f"{k}={v}" for k, v in extra.items()]]
    shutil.rmtree(out, ignore_errors=True)
    _run(cmd, log, what=f"onnxruntime-genai builder ({precision})")
    shutil.rmtree(out.parent / (out.name + ".cache"), ignore_errors=True)
    return out


def gguf_f16(merged: Path, work: Path, log: Path) -> Path:
    """F16 GGUF from the merged folder with llama.cpp's own converter (and its bundled gguf-py)."""
    out = work / "model-f16.gguf"
    if out.is_file() and (work / "model-f16.key").read_text() == _merge_key(merged):
        return out
    conv = converter_dir()
    script = conv / "convert_hf_to_gguf.py"
    if not script.is_file():
        raise ExportError(
            f"llama.cpp's converter is not installed ({rel(script)} missing): run `make venv` "
            "(it runs scripts/fetch_gguf_converter.sh)"
        )
    work.mkdir(parents=True, exist_ok=True)
    _run(
        [sys.executable, str(script), str(merged), "--outtype", "f16", "--outfile", str(out)],
        log,
        env={"PYTHONPATH": os.pathsep.join([str(conv / "gguf-py"), str(conv)]), "NO_LOCAL_GGUF": ""},
        what="convert_hf_to_gguf.py",
    )
    (work / "model-f16.key").write_text(_merge_key(merged))
    return out


def onnx_fp32(merged: Path, work: Path, log: Path) -> Path:
    out = work / "onnx-fp32"
    if (
        (out / "model.onnx").is_file()
        and (work / "onnx-fp32.key").is_file()
        and (work / "onnx-fp32.key").read_text() == _merge_key(merged)
    ):
        return out
    onnx_builder(merged, out, "fp32", log)
    (work / "onnx-fp32.key").write_text(_merge_key(merged))
    return out


# ---------------------------------------------------------------------------------------------
# Variants


def _torch(name: str, merged: Path, out: Path, opts: dict[str, Any]) -> dict[str, Any]:
    precision = get_variant(name).precision
    if precision == "fp32":
        return {
            "weights": os.path.relpath(merged, out),
            "files": [merged / "model.safetensors"],
            "tool": "peft merge_and_unload (the merged folder itself)",
        }
    import torch

    from edgecloud.edge.torch_int8 import quantize_dynamic_int8, save_int8
    from edgecloud.model import load_weights

    if precision == "bf16":
        model = load_weights(merged, "bfloat16")
        model.save_pretrained(out / "hf")
        return {
            "weights": "hf",
            "files": sorted((out / "hf").glob("*.safetensors")),
            "tool": f"transformers save_pretrained, torch {torch.__version__} bfloat16",
        }
    skip = list(opts.get("torch_int8_skip", []))
    model = quantize_dynamic_int8(load_weights(merged, "float32"), skip)
    save_int8(model, out / "model_int8.safetensors")
    return {
        "weights": os.path.relpath(merged, out),
        "int8_state": "model_int8.safetensors",
        "int8_skip": skip,
        "files": [out / "model_int8.safetensors"],
        "tool": f"torch.ao.quantization.quantize_dynamic qint8 (torch {torch.__version__}), skipping {skip or 'nothing'}",
    }


def _ort(name: str, merged: Path, out: Path, opts: dict[str, Any], logs: Path) -> dict[str, Any]:
    import onnxruntime

    src = onnx_fp32(merged, out.parent.parent / WORK, logs / "onnx_fp32_builder.log")
    dec = json.loads((src / "genai_config.json").read_text(encoding="utf-8"))["model"]["decoder"]
    shape = {"kv_heads": dec["num_key_value_heads"], "head_dim": dec["head_size"]}
    if get_variant(name).precision == "fp32":
        files = []
        for f in src.iterdir():
            if f.suffix in (".onnx", ".data") or f.name.endswith(".onnx.data"):
                shutil.copy2(f, out / f.name)  # a copy: onnx refuses external data with several hard links
                files.append(out / f.name)
        return {
            "onnx": "model.onnx",
            "files": files,
            **shape,
            "tool": f"onnxruntime-genai builder -p fp32 -e cpu, run by onnxruntime {onnxruntime.__version__}",
        }
    from onnxruntime.quantization import QuantType, quantize_dynamic

    skip = list(opts.get("ort_int8_skip", []))
    import onnx

    graph = onnx.load(str(src / "model.onnx"), load_external_data=False).graph
    nodes_to_exclude = [n.name for n in graph.node if n.op_type == "MatMul" and any(s in n.name for s in skip)]
    reduce_range = opts.get("ort_int8_reduce_range", "auto")
    reduce_range = (not cpu_has_vnni()) if reduce_range == "auto" else bool(reduce_range)
    quantize_dynamic(
        str(src / "model.onnx"),
        str(out / "model.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=bool(opts.get("ort_int8_per_channel", True)),
        reduce_range=reduce_range,
        op_types_to_quantize=["MatMul"],
        nodes_to_exclude=nodes_to_exclude,
        use_external_data_format=True,
        extra_options={"MatMulConstBOnly": True},
    )
    files = [f for f in out.iterdir() if f.name != VARIANT_META]
    return {
        "onnx": "model.onnx",
        "files": files,
        **shape,
        "tool": f"onnxruntime.quantization.quantize_dynamic QInt8 (onnxruntime {onnxruntime.__version__}), "
        f"per_channel={bool(opts.get('ort_int8_per_channel', True))}, reduce_range={reduce_range}, MatMul only, "
        f"excluded {len(nodes_to_exclude)} MatMul node(s) matching {skip or 'nothing'}",
    }


def _genai(name: str, merged: Path, out: Path, opts: dict[str, Any], logs: Path, threads: int) -> dict[str, Any]:
    import onnxruntime_genai

    precision = get_variant(name).precision
    level = opts.get(f"genai_{precision}_accuracy_level", 4 if precision == "int4" else "auto")
    if level == "auto":  # int8 weights with int8 activations saturate without VNNI (devices.cpu_has_vnni)
        level = 4 if cpu_has_vnni() else 1
    extra = (
        {"accuracy_level": str(level), **dict(get_variant(name).builder_options)}
        if precision in ("int4", "int8")
        else None
    )
    tmp = out.parent / (out.name + ".build")
    onnx_builder(merged, tmp, precision, logs / f"{name}_builder.log", extra)
    cfg_path = tmp / "genai_config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg["model"]["decoder"].setdefault("session_options", {})["intra_op_num_threads"] = threads
    cfg_path.write_text(json.dumps(cfg, indent=2), encoding="utf-8")
    for f in tmp.iterdir():
        shutil.move(str(f), out / f.name)
    shutil.rmtree(tmp, ignore_errors=True)
    files = [f for f in out.iterdir() if f.suffix == ".onnx" or f.name.endswith(".onnx.data")]
    return {
        "files": files,
        "tool": f"onnxruntime-genai {onnxruntime_genai.__version__} builder -p {precision} -e cpu"
        + (f" {extra}" if extra else ""),
    }


def _gguf(name: str, merged: Path, out: Path, logs: Path) -> dict[str, Any]:
    precision = get_variant(name).precision
    f16 = gguf_f16(merged, out.parent.parent / WORK, logs / "convert_hf_to_gguf.log")
    target = out / f"model-{precision}.gguf"
    version = (converter_dir() / "VERSION").read_text().strip()
    if precision == "f16":
        _link(f16, target)
        tool = f"llama.cpp convert_hf_to_gguf.py --outtype f16 (llama-cpp-python {version} sdist)"
    else:
        import llama_cpp

        qp = llama_cpp.llama_model_quantize_default_params()
        qp.ftype = GGUF_FTYPES[precision]
        qp.nthread = 2
        with _c_output_to(logs / f"llama_model_quantize_{precision}.log"):  # llama.cpp prints ~300 lines per model
            rc = llama_cpp.llama_model_quantize(str(f16).encode(), str(target).encode(), qp)
        if rc != 0 or not target.is_file():
            raise ExportError(
                f"llama_model_quantize to {precision} failed with code {rc} ({rel(f16)} -> {rel(target)})"
            )
        tool = f"convert_hf_to_gguf.py f16 + llama_cpp.llama_model_quantize {precision.upper()} (llama-cpp-python {llama_cpp.__version__})"
    return {"gguf": target.name, "files": [target], "tool": tool}


def export_variant(
    name: str,
    merged: Path,
    out: Path,
    threads: int = 2,
    opts: dict[str, Any] | None = None,
    logs: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Make one variant from the merged folder into `out` (re-used while the merge and options are the same)."""
    opts = dict(opts or {})
    variant = get_variant(name)
    logs = logs or out.parent.parent / "logs"
    key = {"merge_adapter_sha256": _merge_key(merged), "options": opts, "threads": threads, "format": EXPORT_FORMAT}
    if variant.builder_options:
        key["builder_options"] = dict(variant.builder_options)
    meta_path = out / VARIANT_META
    if not force and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("key") == key:
            return meta
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    if variant.backend == "torch":
        made = _torch(name, merged, out, opts)
    elif variant.backend == "ort":
        made = _ort(name, merged, out, opts, logs)
    elif variant.backend == "genai":
        made = _genai(name, merged, out, opts, logs, threads)
    elif variant.backend == "llamacpp":
        made = _gguf(name, merged, out, logs)
    else:  # pragma: no cover - the catalogue only names the four
        raise ExportError(f"no exporter for backend {variant.backend!r}")
    files = [Path(f) for f in made.pop("files")]
    if variant.decoding == "lookup":
        made.update(
            decoding="lookup",
            lookup_max_ngram=LOOKUP_MAX_NGRAM,
            lookup_min_ngram=LOOKUP_MIN_NGRAM,
            lookup_draft_tokens=LOOKUP_DRAFT_TOKENS,
        )
    meta = {
        "variant": name,
        "backend": variant.backend,
        "precision": variant.precision,
        "label": variant.label,
        **made,
        "weight_files": [os.path.relpath(f, out) for f in files],
        "size_bytes": _size(files),
        "export_s": round(time.perf_counter() - t0, 2),
        "key": key,
    }
    meta_path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta


def export_all(
    names: list[str],
    merged: Path,
    variants_dir: Path,
    threads: int,
    opts: dict[str, Any],
    echo: Callable[[str], None] = print,
) -> dict[str, dict[str, Any]]:
    """Export each variant whose runtime is installed; the others get status skipped with the reason."""
    from edgecloud.edge.variants import runtime_missing

    out: dict[str, dict[str, Any]] = {}
    for name in names:
        missing = runtime_missing(name)
        if missing:
            out[name] = {"variant": name, "status": "skipped", "reason": missing}
            echo(f"  {name}: skipped ({missing})")
            continue
        meta = export_variant(name, merged, variants_dir / name, threads, opts, logs=variants_dir.parent / "logs")
        out[name] = {**meta, "status": "ok"}
        echo(f"  {name}: {meta['size_bytes'] / 1e6:.0f} MB ({meta['export_s']:.1f} s) {meta['tool']}")
    return out
