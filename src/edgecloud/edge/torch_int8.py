"""torch-int8, the edge variant made by torch's dynamic quantization, and its file.

`quantize_dynamic_int8` quantizes every Linear layer per output channel; `save_int8` writes the result as
safetensors (int8 weights with their scale and zero point, every other tensor as it is) and `load_int8` reads
it back into a freshly quantized model. `edge.export` makes the variant with the first two, the torch backend
(`edge.backends.TorchBackend`) loads it with the other two.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence


def quantize_dynamic_int8(model: Any, skip: Sequence[str] = ()) -> Any:
    """torch.ao dynamic int8 (per channel) of every nn.Linear except the modules named in `skip` (e.g. lm_head)."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    # per output channel: one scale per row (per-tensor int8 leaves this model's replies unusable)
    spec = {
        n: per_channel_dynamic_qconfig
        for n, m in model.named_modules()
        if isinstance(m, torch.nn.Linear) and n not in set(skip)
    }
    return quantize_dynamic(model, spec, dtype=torch.qint8)


def save_int8(model: Any, path: Path) -> None:
    """A dynamically quantized model as safetensors: int8 weights with their scale and zero point per
    quantized Linear, every other tensor as it is (torch.save cannot pickle the packed parameters here)."""
    import torch
    from safetensors.torch import save_file

    tensors: dict[str, Any] = {}
    quantized = set()
    for name, m in model.named_modules():
        if isinstance(m, torch.ao.nn.quantized.dynamic.Linear):
            w, b = m._packed_params._weight_bias()
            tensors[f"{name}.qweight"] = w.int_repr().contiguous()
            tensors[f"{name}.qscale"] = w.q_per_channel_scales().contiguous()
            tensors[f"{name}.qzero"] = w.q_per_channel_zero_points().contiguous()
            if b is not None:
                tensors[f"{name}.bias"] = b.detach().contiguous()
            quantized.add(name)
    for key, t in model.state_dict().items():
        if (
            isinstance(t, torch.Tensor)
            and not t.is_quantized
            and key.rsplit(".", 1)[0] not in quantized
            and not any(key.startswith(q + ".") for q in quantized)
        ):
            tensors.setdefault(key, t.detach().clone().contiguous())
    save_file(tensors, str(path))


def load_int8(model: Any, path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    tensors = load_file(str(path))
    for name, m in model.named_modules():
        if isinstance(m, torch.ao.nn.quantized.dynamic.Linear):
            q = torch._make_per_channel_quantized_tensor(
                tensors.pop(f"{name}.qweight"), tensors.pop(f"{name}.qscale"), tensors.pop(f"{name}.qzero"), 0
            )
            m.set_weight_bias(q, tensors.pop(f"{name}.bias", None))
    # the quantized modules' own _load_from_state_dict expects packed keys: copy the plain tensors directly
    with torch.no_grad():
        for key, t in [*model.named_parameters(), *((k, b) for k, b in model.named_buffers() if k in tensors)]:
            if key not in tensors:
                raise ValueError(f"{path} lacks tensor {key!r}: re-export the torch-int8 variant")
            t.copy_(tensors[key])
