"""The command lines and configuration of the serving stack, from params: `swift deploy` of the edge model
and of the cloud stand-in, the package's server over an exported edge variant, the gateway's config (secrets
by environment-variable name only), the child processes' environment; and the checks that can fail
before anything starts (the inference backend's package, the exported variant).
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from edgecloud import artifacts
from edgecloud.params import Params
from edgecloud.params_sections import CloudParams
from edgecloud.paths import rel
from edgecloud.serve.stack_parts import StackError


def log_paths(params: Params) -> dict[str, Path]:
    return {
        part: artifacts.path(key, params)
        for part, key in (("edge", "deploy_log"), ("cloud", "deploy_cloud_log"), ("gateway", "gateway_log"))
    }


def served_names(params: Params) -> dict[str, str]:
    """Model names the two swift servers answer to. The stand-in's name says what it is, so a reply
    whose `model` is the stand-in can never pass for a real cloud model's answer."""
    return {"edge": params.model.name, "cloud": f"{params.model.name}-cloud-standin"}


def deploy_args(params: Params, model_dir: Path, port: int, served_name: str, adapter: Path | None) -> list[str]:
    """Arguments of ms-swift 4.6 `swift deploy` (all DeployArguments fields).

    Explicit on purpose: `--adapters CKPT` loads the checkpoint's args.json, which would fill in the
    training dtype (bfloat16); a value given here wins over it, so the edge runs in the dtype 04_eval
    scored it with. `--temperature 0` makes greedy decoding the default for requests that send no
    temperature (the gateway only passes one on when the client sends it). `--check_model` is an sft
    argument only: deploy refuses it ("remaining_argv"). `--verbose false` keeps prompts and replies
    out of the log, like the gateway's access log.
    """
    d, m = params.deploy, params.model
    args: dict[str, Any] = {
        "model": model_dir,
        "model_type": m.model_type,
        "template": m.template,
        "infer_backend": d.infer_backend,
        "host": d.host,
        "port": port,
        "served_model_name": served_name,
        "max_new_tokens": d.max_new_tokens,
        "temperature": 0,
        "verbose": "false",
    }
    if params.eval.torch_dtype != "auto":
        args["torch_dtype"] = params.eval.torch_dtype
    if adapter is not None:
        args["adapters"] = adapter
        if (plugin := adapter_plugin(adapter)) is not None:
            args["external_plugins"] = plugin
    out: list[str] = []
    for k, v in args.items():
        out += [f"--{k}", str(v)]
    return out


def adapter_plugin(adapter: Path) -> Path | None:
    """The loss-scale plugin of this package when the checkpoint was trained with it, else None.

    `swift deploy --adapters CKPT` reads CKPT/args.json, whose `external_plugins` holds the plugin's absolute
    path at training time, and imports it before loading anything: a checkpoint trained in another clone, or
    before the package moved the file (src/edgecloud/swift_loss_scale.py -> train/), fails with
    FileNotFoundError. Given on the command line, this package's own copy wins over args.json."""
    args_file = Path(adapter) / "args.json"
    try:
        plugins = json.loads(args_file.read_text(encoding="utf-8")).get("external_plugins") or []
    except (OSError, ValueError):
        return None
    plugins = [plugins] if isinstance(plugins, str) else plugins
    if any(Path(str(x)).name == "swift_loss_scale.py" for x in plugins):
        from edgecloud.train import swift_loss_scale

        return Path(swift_loss_scale.__file__).resolve()
    return None


# ms-swift's inference backends other than transformers: (module swift imports, the pip requirement that gives it)
BACKEND_PACKAGES: dict[str, tuple[str, str]] = {
    "vllm": ("vllm", "vllm"),
    "sglang": ("sglang", "sglang[all]"),
    "lmdeploy": ("lmdeploy", "lmdeploy"),
}


def check_infer_backend(params: Params) -> None:
    """`swift deploy --infer_backend B` imports B's package only once the model is loading, after its start-up
    (and then fails deep in a log): stop before anything starts when that package is not importable here."""
    import importlib.util

    backend = params.deploy.infer_backend
    if backend not in BACKEND_PACKAGES:
        return
    module, requirement = BACKEND_PACKAGES[backend]
    if importlib.util.find_spec(module) is None:
        raise StackError(
            f"deploy.infer_backend={backend}: the Python package {module!r} is not installed in this environment "
            f"({sys.executable}). Install it with `{sys.executable} -m pip install '{requirement}'` on a machine with "
            f"a GPU ({backend} serves on CUDA GPUs, not on a CPU-only machine), or set deploy.infer_backend=transformers "
            "(the backend this workspace runs on a CPU)"
        )


def deploy_command(params: Params, model_dir: Path, port: int, served_name: str, adapter: Path | None) -> list[str]:
    """`python -m swift.cli.deploy` is the module `swift deploy` runs; started directly so it can be tied
    to this process (and never a bare `swift`, which on macOS is Apple's compiler)."""
    return [sys.executable, "-m", "swift.cli.deploy", *deploy_args(params, model_dir, port, served_name, adapter)]


# --- edge tier from a 07_edge_bench variant (deploy.edge_variant) ------------------------------


def edge_variant_command(params: Params, port: int, served_name: str) -> list[str]:
    """The package's OpenAI-compatible server over the exported variant (same served name as swift deploy,
    so the gateway config does not change)."""
    from edgecloud.edge.variants import get_variant

    d = params.deploy
    folder = get_variant(d.edge_variant).folder(params.run_name)
    return [
        sys.executable,
        "-m",
        "edgecloud.edge.server",
        "--variant-dir",
        str(folder),
        "--tokenizer",
        str(artifacts.path("edge_merged", params)),
        "--template",
        params.model.template,
        "--port",
        str(port),
        "--served-model-name",
        served_name,
        "--threads",
        str(d.edge_threads),
        "--max-tokens-default",
        str(d.max_new_tokens),
        "--suppress-first",
        *map(str, suppress_first_ids(params)),
    ]


def suppress_first_ids(params: Params) -> list[int]:
    """Token ids the calibrated edge never starts its reply with (the forward token), [] without calibration."""
    from edgecloud.eval.calibrate import load_calibration

    cal = load_calibration(params)
    return list(cal.get("suppress_token_ids") or []) if cal else []


def edge_variant_log(params: Params) -> Path:
    return artifacts.path("edge_server_log", params, variant=params.deploy.edge_variant)


def check_edge_variant(params: Params) -> None:
    from edgecloud.edge.backends import VARIANT_META
    from edgecloud.edge.variants import get_variant, runtime_missing

    name = params.deploy.edge_variant
    folder = get_variant(name).folder(params.run_name)
    if not (folder / VARIANT_META).is_file():
        raise StackError(
            f"deploy.edge_variant={name}: {rel(folder)} holds no exported variant; run 07_edge_bench "
            f"first with {name} in edge_bench.variants (python -m edgecloud run --params <profile> "
            "--only 07_edge_bench)"
        )
    missing = runtime_missing(name)
    if missing:
        raise StackError(f"deploy.edge_variant={name}: {missing}")


def edge_ports(params: Params) -> list[int]:
    """The edge replicas' ports: deploy.edge_port, then (deploy.edge_replicas > 1) free loopback ports."""
    d = params.deploy
    taken = {d.gateway_port, d.edge_port, d.cloud_port}
    socks = []
    try:
        while len(socks) < d.edge_replicas - 1:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((d.host, 0))
            if s.getsockname()[1] in taken:
                s.close()
                continue
            socks.append(s)
        return [d.edge_port, *(s.getsockname()[1] for s in socks)]
    finally:
        for s in socks:
            s.close()


def gateway_config(params: Params, ports: list[int] | None = None) -> dict[str, Any]:
    """The GatewayConfig of the run (`ports`: the edge replicas', by default `edge_ports`); secrets only by
    environment-variable NAME. One edge is `edge_base_url` as always, replicas are `edge_base_urls`."""
    d = params.deploy
    ports = ports or edge_ports(params)
    urls = [f"http://{d.host}:{port}/v1" for port in ports]
    host = d.host
    names = served_names(params)
    cloud: dict[str, Any] = {"cloud_base_url": None, "cloud_model": None, "cloud_api_key_env": None}
    if d.cloud.mode == "local_standin":
        cloud = {
            "cloud_base_url": f"http://{host}:{d.cloud_port}/v1",
            "cloud_model": names["cloud"],
            "cloud_api_key_env": None,
        }
    elif d.cloud.mode == "remote":
        cloud = {
            "cloud_base_url": d.cloud.base_url,
            "cloud_model": d.cloud.model,
            "cloud_api_key_env": d.cloud.api_key_env,
        }
    return {
        "host": host,
        "port": d.gateway_port,
        **({"edge_base_url": urls[0]} if len(urls) == 1 else {"edge_base_urls": urls}),
        "edge_model": names["edge"],
        "edge_system_prompt": params.data.system_prompt,
        **cloud,
        "cloud_label": cloud_label(params) or "no cloud tier (deploy.cloud.mode none)",
        "edge_timeout_s": d.edge_timeout_s,
        "cloud_timeout_s": d.cloud_timeout_s,
        "api_keys_env": d.api_keys_env,
        "max_tokens_default": d.max_new_tokens,
        **routing_config(params),
    }


def routing_config(params: Params) -> dict[str, Any]:
    """The gateway's routing threshold and decision token from the run's calibration (03_train), if any."""
    from edgecloud.eval.calibrate import load_calibration
    from edgecloud.routing import forward_token

    cal = load_calibration(params)
    return {
        "routing_threshold": cal["threshold"] if cal else None,
        "forward_token": forward_token(params.data.forward_reply),
        # swift deploy streams the first position after begin_suppress_tokens: the score comes from a probe
        "stream_routing": "first_chunk" if params.deploy.edge_variant else "probe",
    }


def cloud_label(params: Params) -> str | None:
    """The label shown with cloud answers; the default label describes the stand-in, so a remote cloud
    left with it is labelled by its model name instead."""
    c = params.deploy.cloud
    if c.mode == "none":
        return None
    if c.mode == "remote" and c.label == CloudParams.model_fields["label"].default:
        return f"cloud LLM {c.model} at {c.base_url}"
    return c.label


def _secret_env_names(params: Params) -> set[str]:
    d = params.deploy
    return {n for n in (d.api_keys_env, d.cloud.api_key_env) if n}


def swift_env(params: Params, device: str) -> dict[str, str]:
    """The model servers need no key: the variables that hold keys are not passed on to them."""
    env = {k: v for k, v in os.environ.items() if k not in _secret_env_names(params)}
    env["PYTHONUNBUFFERED"] = "1"
    env["HF_HUB_OFFLINE"] = "1"  # a prepared local folder: never wait on a hub
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env
