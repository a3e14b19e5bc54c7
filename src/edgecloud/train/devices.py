"""Device choice shared by every stage: cuda, then mps, then cpu, unless the profile forces one."""

from __future__ import annotations

from edgecloud.errors import EdgecloudError


def available_devices() -> list[str]:
    import torch

    out = []
    if torch.cuda.is_available():
        out.append("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        out.append("mps")
    return out + ["cpu"]


def pick_device(preference: str = "auto") -> str:
    devices = available_devices()
    if preference == "auto":
        return devices[0]
    if preference not in devices:
        raise EdgecloudError(
            f"device {preference!r} was asked for (model.device / train.device) but this machine "
            f"has only {devices}; set it to 'auto' or one of those"
        )
    return preference


def cpu_has_native_bf16() -> bool:
    """True when the CPU computes bfloat16 in hardware (AVX512-BF16 or AMX). Without it PyTorch
    emulates bf16 matrix products: measured here on an AVX2-only EPYC, 0.9 GFLOP/s in bf16 against
    53 in fp32, so a bf16 training that takes 10 minutes on an AVX512-BF16 machine takes hours."""
    try:
        flags = next((line for line in open("/proc/cpuinfo", encoding="utf-8") if line.startswith("flags")), "")
    except OSError:  # not Linux (macOS: Apple silicon trains on mps or in fp32)
        return False
    return any(f in flags.split() for f in ("avx512_bf16", "amx_bf16"))


def cpu_has_vnni() -> bool:
    """True when the CPU multiplies 8-bit integers into 32-bit sums in one instruction (AVX512-VNNI,
    AVX-VNNI or AMX). Without it onnxruntime's int8 kernels use AVX2's `vpmaddubsw`, whose 16-bit
    intermediate sums saturate for 8-bit weights: measured here on an AVX2-only EPYC, ONNX dynamic INT8
    and onnxruntime-genai int8 (int8 activations) turned "What is the capital of France?" into
    " foreseasonexposure the affordable affordable..." and "La femme de France...". The known remedies:
    7-bit weights (`reduce_range`) and fp32 activations (MatMulNBits accuracy level 1)."""
    try:
        flags = next((line for line in open("/proc/cpuinfo", encoding="utf-8") if line.startswith("flags")), "")
    except OSError:
        return False
    return any(f in flags.split() for f in ("avx512_vnni", "avx_vnni", "amx_int8"))


def train_dtype(requested: str, device: str) -> str:
    """The dtype ms-swift trains in: `auto` is bfloat16 where the device computes it natively (CUDA
    with bf16 support, a CPU with AVX512-BF16/AMX), else float32."""
    if requested != "auto":
        return requested
    if device == "cuda":
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float32"
    if device == "cpu" and cpu_has_native_bf16():
        return "bfloat16"
    return "float32"
