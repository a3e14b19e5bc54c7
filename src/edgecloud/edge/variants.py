"""The catalogue of edge variants: each name says which runtime runs it and how it is made.

Names are used in params (`edge_bench.variants`, `deploy.edge_variant`), folders and reports, so
they are declared once here (params.py takes its list of names from `VARIANTS`, so this module
imports nothing of the params). A variant's runtime may be missing on a machine (llama-cpp-python,
onnxruntime-genai): `runtime_missing` says so with the reason, and the benchmark reports it as
skipped rather than dropping it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from edgecloud import artifacts


@dataclass(frozen=True)
class Variant:
    name: str
    backend: str  # torch | ort | llamacpp | genai (backends.BACKENDS)
    precision: str  # fp32, bf16, int8, f16, q8_0, q4_k_m, q4_0, int4
    label: str
    modules: tuple[str, ...]  # Python modules the runtime needs
    decoding: str = "greedy"  # greedy | lookup (greedy, prompt-lookup drafts verified in one batched pass)
    builder_options: tuple[tuple[str, str], ...] = ()  # genai: extra options of onnxruntime-genai's model builder

    def folder(self, run_name: str) -> Path:
        return artifacts.path("edge_variant", run_name, variant=self.name)


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in [
        Variant("torch-fp32", "torch", "fp32", "PyTorch fp32 (baseline)", ("torch",)),
        Variant("torch-bf16", "torch", "bf16", "PyTorch bf16", ("torch",)),
        Variant("torch-int8", "torch", "int8", "PyTorch dynamic int8", ("torch",)),
        Variant("ort-fp32", "ort", "fp32", "ONNX Runtime fp32", ("onnxruntime", "onnxruntime_genai")),
        Variant("ort-int8", "ort", "int8", "ONNX Runtime int8 (dynamic)", ("onnxruntime", "onnxruntime_genai", "onnx")),
        Variant("gguf-f16", "llamacpp", "f16", "llama.cpp F16", ("llama_cpp",)),
        Variant("gguf-q8_0", "llamacpp", "q8_0", "llama.cpp Q8_0", ("llama_cpp",)),
        Variant("gguf-q4_k_m", "llamacpp", "q4_k_m", "llama.cpp Q4_K_M", ("llama_cpp",)),
        Variant("gguf-q4_0", "llamacpp", "q4_0", "llama.cpp Q4_0", ("llama_cpp",)),
        Variant("gguf-q8_0-lookup", "llamacpp", "q8_0", "llama.cpp Q8_0 + prompt lookup", ("llama_cpp",), "lookup"),
        Variant("genai-int8", "genai", "int8", "onnxruntime-genai int8", ("onnxruntime_genai",)),
        Variant("genai-int4", "genai", "int4", "onnxruntime-genai int4", ("onnxruntime_genai",)),
        # k-quant int4 with llama.cpp's mixed strategy: lm_head and the most sensitive MatMuls (first/last eighth of
        # the layers, every third layer's qkv/v/down projections) at int8
        Variant(
            "genai-int4-mixed",
            "genai",
            "int4",
            "onnxruntime-genai int4, k-quant, sensitive MatMuls int8",
            ("onnxruntime_genai",),
            builder_options=(("algo_config", "k_quant_mixed"),),
        ),
        Variant(
            "genai-int4-last",
            "genai",
            "int4",
            "onnxruntime-genai int4, k-quant, lm_head int8",
            ("onnxruntime_genai",),
            builder_options=(("algo_config", "k_quant_last"),),
        ),
    ]
}
BASELINE = "torch-fp32"
INSTALL_HINT = "run `make venv` (requirements.txt pins onnxruntime, onnxruntime-genai, onnx and llama-cpp-python)"


def edge_dir(run_name: str) -> Path:
    """The folder of the merged model and the exported variants."""
    return artifacts.path("edge_merged", run_name).parent


def get_variant(name: str) -> Variant:
    if name not in VARIANTS:
        raise KeyError(f"unknown edge variant {name!r}; variants are {', '.join(VARIANTS)}")
    return VARIANTS[name]


def runtime_missing(name: str) -> str | None:
    """Why the variant cannot run here (a module not installed), or None when it can."""
    missing = [m for m in get_variant(name).modules if importlib.util.find_spec(m) is None]
    if missing:
        return f"Python module(s) {', '.join(missing)} not installed: {INSTALL_HINT}"
    return None
