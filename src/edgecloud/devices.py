"""Device choice shared by every stage: cuda, then mps, then cpu, unless the profile forces one."""
from __future__ import annotations

from .errors import EdgecloudError


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
        raise EdgecloudError(f"device {preference!r} was asked for (model.device / train.device) but this machine "
                             f"has only {devices}; set it to 'auto' or one of those")
    return preference
