"""The serving stack of a run: `swift deploy` of the edge model, the cloud tier and the gateway.

05_deploy, 06_e2e and the tests all start the stack through `running_stack`, so there is one
place that knows the command lines, the ports, the logs and how to stop everything. Three child
processes at most, each in its own process group, tied to this process (PR_SET_PDEATHSIG) and
stopped as whole groups on exit, on error, on KeyboardInterrupt and, as a last resort, at
interpreter exit: no model server may outlive the notebook cell or the test that started it.

- edge: base model + best LoRA adapter (03_train), greedy, on `deploy.edge_port`; with
  `deploy.edge_variant` set, instead the package's OpenAI-compatible server over that exported
  07_edge_bench variant (`python -m edgecloud.edge.server`, same port and served name);
- cloud: `deploy.cloud.mode` `local_standin` is the base model without adapter on
  `deploy.cloud_port` (labelled `deploy.cloud.label`, never mistaken for a real cloud LLM),
  `remote` an OpenAI-compatible endpoint from params (its key stays in the environment variable
  the gateway reads), `none` no cloud at all;
- gateway: `python -m edgecloud.serve.gateway` on `deploy.gateway_port`, configured from params by a JSON
  file that holds no secret.
"""
from __future__ import annotations

import atexit
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx

from edgecloud import artifacts
from edgecloud.errors import EdgecloudError
from edgecloud.jsonio import write_json
from edgecloud.params import CloudParams, Params
from edgecloud.paths import rel
from edgecloud.procs import die_with_parent, stop_process_group

POLL_S = 0.5
LOG_TAIL_LINES = 20


class StackError(EdgecloudError):
    """A part of the serving stack could not start (busy port, early exit, no health in time)."""


# ---------------------------------------------------------------------------------------------
# Command lines and config


def log_paths(params: Params) -> dict[str, Path]:
    return {part: artifacts.path(key, params) for part, key in
            (("edge", "deploy_log"), ("cloud", "deploy_cloud_log"), ("gateway", "gateway_log"))}


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
        "model": model_dir, "model_type": m.model_type, "template": m.template,
        "infer_backend": d.infer_backend, "host": d.host, "port": port, "served_model_name": served_name,
        "max_new_tokens": d.max_new_tokens, "temperature": 0, "verbose": "false",
    }
    if params.eval.torch_dtype != "auto":
        args["torch_dtype"] = params.eval.torch_dtype
    if adapter is not None:
        args["adapters"] = adapter
    out: list[str] = []
    for k, v in args.items():
        out += [f"--{k}", str(v)]
    return out


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
            "(the backend this workspace runs on a CPU)")


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
    return [sys.executable, "-m", "edgecloud.edge.server", "--variant-dir", str(folder),
            "--tokenizer", str(artifacts.path("edge_merged", params)), "--template", params.model.template,
            "--port", str(port),
            "--served-model-name", served_name, "--threads", str(d.edge_threads),
            "--max-tokens-default", str(d.max_new_tokens), "--suppress-first", *map(str, suppress_first_ids(params))]


def suppress_first_ids(params: Params) -> list[int]:
    """Token ids the calibrated edge never starts its reply with (the forward token), [] without calibration."""
    from edgecloud.eval.calibrate import load_calibration

    cal = load_calibration(params)
    return list(cal.get("suppress_token_ids") or []) if cal else []


def edge_variant_log(params: Params) -> Path:
    return artifacts.path("edge_server_log", params, variant=params.deploy.edge_variant)


def _check_edge_variant(params: Params) -> None:
    from edgecloud.edge.backends import VARIANT_META
    from edgecloud.edge.variants import get_variant, runtime_missing

    name = params.deploy.edge_variant
    folder = get_variant(name).folder(params.run_name)
    if not (folder / VARIANT_META).is_file():
        raise StackError(f"deploy.edge_variant={name}: {rel(folder)} holds no exported variant; run 07_edge_bench "
                         f"first with {name} in edge_bench.variants (python -m edgecloud run --params <profile> "
                         "--only 07_edge_bench)")
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
        cloud = {"cloud_base_url": f"http://{host}:{d.cloud_port}/v1", "cloud_model": names["cloud"],
                 "cloud_api_key_env": None}
    elif d.cloud.mode == "remote":
        cloud = {"cloud_base_url": d.cloud.base_url, "cloud_model": d.cloud.model,
                 "cloud_api_key_env": d.cloud.api_key_env}
    return {
        "host": host, "port": d.gateway_port,
        **({"edge_base_url": urls[0]} if len(urls) == 1 else {"edge_base_urls": urls}), "edge_model": names["edge"],
        "edge_system_prompt": params.data.system_prompt,
        **cloud,
        "cloud_label": cloud_label(params) or "no cloud tier (deploy.cloud.mode none)",
        "edge_timeout_s": d.edge_timeout_s, "cloud_timeout_s": d.cloud_timeout_s,
        "api_keys_env": d.api_keys_env, "max_tokens_default": d.max_new_tokens,
        **routing_config(params),
    }


def routing_config(params: Params) -> dict[str, Any]:
    """The gateway's routing threshold and decision token from the run's calibration (03_train), if any."""
    from edgecloud.eval.calibrate import load_calibration
    from edgecloud.routing import forward_token

    cal = load_calibration(params)
    return {"routing_threshold": cal["threshold"] if cal else None,
            "forward_token": forward_token(params.data.forward_reply)}


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


# ---------------------------------------------------------------------------------------------
# Processes


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on host:port now (SO_REUSEADDR, like uvicorn: TIME_WAIT is no obstacle)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def port_bindable_plain(port: int) -> bool:
    """Whether ms-swift will take this port: its find_free_port binds ('', port) WITHOUT SO_REUSEADDR and
    silently moves to the next port when that fails, which a port in TIME_WAIT (left by a stack that
    just stopped) makes it do."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("", port))
        except OSError:
            return False
    return True


def wait_for_time_wait(parts: list["Part"], echo: Callable[[str], None], limit_s: float = 90) -> None:
    """Wait (up to `limit_s`) until the swift deploy ports leave TIME_WAIT, so ms-swift keeps its port."""
    t0 = time.perf_counter()
    pending = [p for p in parts if p.name != "gateway" and not port_bindable_plain(p.port)]
    if pending:
        echo("waiting for port(s) " + ", ".join(str(p.port) for p in pending)
             + " to leave TIME_WAIT (a stack on them just stopped) ...")
    while pending and time.perf_counter() - t0 < limit_s:
        time.sleep(1)
        pending = [p for p in pending if not port_bindable_plain(p.port)]
    if pending:
        raise StackError("port(s) " + ", ".join(f"{p.port} ({p.port_key})" for p in pending)
                         + f" still not free after {limit_s:.0f} s; choose other ports with --set")


def _listening_ports(pid: int) -> set[int]:
    """TCP ports a process and its descendants listen on."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return set()
    ports = set()
    for p in procs:
        try:
            ports |= {c.laddr.port for c in p.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return ports


def log_tail(path: Path, n: int = LOG_TAIL_LINES) -> str:
    if not path.is_file():
        return "(no log written)"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])


@dataclass
class Part:
    """One child process of the stack and how to tell that it is ready."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    port: int
    port_key: str  # the params key that chose the port, for error messages
    health_url: str
    served_model: str | None = None  # model servers: the name /v1/models must list
    proc: subprocess.Popen | None = None
    t0: float = 0.0
    up_s: float | None = None  # seconds from start until it answered its health check

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w", encoding="utf-8") as fh:
            fh.write("$ " + " ".join(shlex.quote(c) for c in self.command) + "\n")
            fh.flush()
            # The child holds its own copy of the file descriptor: closing ours here is fine.
            self.proc = subprocess.Popen(self.command, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=self.env, start_new_session=True, preexec_fn=die_with_parent)
        self.t0 = time.perf_counter()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL after procs.stop_process_group's grace period (20 s); then
        SIGKILL to whatever is left of the group (children of a leader that already exited)."""
        if self.proc is None:
            return
        stop_process_group(self.proc)
        try:  # the leader may have exited before its children: the group id is still theirs
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def check_ready(self, client: httpx.Client) -> bool:
        """Up = answers its health URL from a port that this child itself listens on (ms-swift silently
        moves to the next free port when its own is taken, so a 200 alone could be someone else's)."""
        try:
            resp = client.get(self.health_url, timeout=2.0)
        except httpx.HTTPError:
            return False
        if self.name == "gateway":
            ok = resp.status_code in (200, 503) and "gateway" in resp.text  # the gateway itself is up
        else:
            try:
                served = {m.get("id") for m in resp.json().get("data", [])}
            except (ValueError, AttributeError, TypeError):
                return False
            ok = resp.status_code == 200 and self.served_model in served
        return ok and self.port in _listening_ports(self.proc.pid)

    def failure(self, what: str) -> str:
        return (f"{self.name} ({self.port_key}={self.port}) {what}; last lines of {rel(self.log)}:\n"
                f"{log_tail(self.log)}")


# Every stack not stopped yet: the atexit safety net stops them if a caller forgot to.
_LIVE: list["Stack"] = []


@atexit.register
def _stop_all_at_exit() -> None:
    for stack in list(_LIVE):
        stack.stop()


@dataclass
class Stack:
    """A running stack. URLs: `gateway_url` is the gateway's root (it also serves /healthz, /api/chat and
    the web page); `edge_url` (the first edge replica), `edge_urls` (all) and `cloud_url` are OpenAI base URLs
    (ending in /v1). Parts: gateway, edge, edge-2 ... (replicas), cloud."""

    run_name: str
    gateway_url: str
    edge_url: str
    cloud_url: str | None
    cloud_label: str | None
    cloud_mode: str
    served_model: str  # what the edge server serves (the gateway also accepts "edge-gateway")
    cloud_model: str | None
    gateway_config: Path
    logs: dict[str, Path]
    started_s: dict[str, float] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict, repr=False)
    edge_urls: list[str] = field(default_factory=list)

    @property
    def pids(self) -> dict[str, int]:
        return {n: p.proc.pid for n, p in self.parts.items() if p.proc is not None}

    @property
    def ports(self) -> dict[str, int]:
        return {n: p.port for n, p in self.parts.items()}

    def stop(self) -> None:
        """Stop every part, gateway first (so it never reports a half-stopped stack); idempotent."""
        for name in ("gateway", *(n for n in self.parts if n.startswith("edge")), "cloud"):
            if name in self.parts:
                self.parts[name].stop()
        if self in _LIVE:
            _LIVE.remove(self)


def edge_model_dir(params: Params, model_dir: Path) -> Path:
    """The base model folder swift deploy serves as the edge. With a routing calibration, a view of
    `model_dir` (links to its files) whose generation_config.json adds `begin_suppress_tokens`: the
    calibrated score decides, and the edge's answer never starts the forward reply (see `routing`).
    Without one, `model_dir` itself."""
    from edgecloud.routing import SUPPRESS_KEY

    suppress = suppress_first_ids(params)
    if not suppress:
        return model_dir
    view = artifacts.path("edge_model_view", params)
    if view.exists():
        shutil.rmtree(view)
    view.mkdir(parents=True)
    for f in model_dir.iterdir():
        if f.name != "generation_config.json":
            (view / f.name).symlink_to(f.resolve())
    src = model_dir / "generation_config.json"
    gen = json.loads(src.read_text(encoding="utf-8")) if src.is_file() else {}
    gen[SUPPRESS_KEY] = suppress
    (view / "generation_config.json").write_text(json.dumps(gen, indent=2), encoding="utf-8")
    return view


def _parts(params: Params, model_dir: Path, adapter: Path, device: str, ports: list[int]) -> list[Part]:
    d, host = params.deploy, params.deploy.host
    names, logs = served_names(params), log_paths(params)
    env = swift_env(params, device)
    served_dir = edge_model_dir(params, model_dir) if d.edge_variant is None else None
    parts = []
    for i, port in enumerate(ports, start=1):  # the edge replicas, each its own server on its own port
        edge_cmd = (deploy_command(params, served_dir, port, names["edge"], adapter) if served_dir is not None
                    else edge_variant_command(params, port, names["edge"]))
        edge_log = (artifacts.path("edge_replica_log", params, replica=i) if i > 1
                    else logs["edge"] if d.edge_variant is None else edge_variant_log(params))
        parts.append(Part("edge" if i == 1 else f"edge-{i}", edge_cmd, env, edge_log, port,
                          "deploy.edge_port" if i == 1 else "deploy.edge_replicas",
                          f"http://{host}:{port}/v1/models", names["edge"]))
    if d.cloud.mode == "local_standin":
        parts.append(Part("cloud", deploy_command(params, model_dir, d.cloud_port, names["cloud"], None), env,
                          logs["cloud"], d.cloud_port, "deploy.cloud_port",
                          f"http://{host}:{d.cloud_port}/v1/models", names["cloud"]))
    cfg_path = artifacts.path("gateway_config", params)
    gw_env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # the gateway reads the key variables itself
    parts.append(Part("gateway", [sys.executable, "-m", "edgecloud.serve.gateway", "--config", str(cfg_path)], gw_env,
                      logs["gateway"], d.gateway_port, "deploy.gateway_port",
                      f"http://{host}:{d.gateway_port}/healthz"))
    return parts


def _check_inputs(params: Params, model_dir: Path, adapter: Path, parts: list[Part]) -> None:
    if not (model_dir / "config.json").is_file():
        raise StackError(f"the base model folder {rel(model_dir)} has no config.json: run 02_prepare first")
    if not (adapter / "adapter_config.json").is_file():
        raise StackError(f"the adapter {rel(adapter)} has no adapter_config.json: run 03_train first "
                         "(the best checkpoint is read from its summary)")
    if params.deploy.edge_variant is not None:
        _check_edge_variant(params)
    busy = [p for p in parts if not port_is_free(params.deploy.host, p.port)]
    if busy:
        raise StackError("port(s) already in use: " + ", ".join(f"{p.port} ({p.port_key}, for the {p.name})"
                                                                  for p in busy)
                         + ". Stop what listens there (`ss -ltnp`) or choose another port, e.g. "
                         f"--set {busy[0].port_key}={busy[0].port + 100}")


def _wait_ready(stack: Stack, parts: list[Part], params: Params, echo: Callable[[str], None], t_start: float) -> None:
    """Poll until every part is up and the gateway sees its tiers healthy, or fail naming the part and its log."""
    timeout = params.deploy.startup_timeout_s
    deadline = t_start + timeout
    gateway = next(p for p in parts if p.name == "gateway")
    with httpx.Client(trust_env=False) as client:
        while True:
            for p in parts:
                if not p.alive():
                    raise StackError(p.failure(f"exited with code {p.proc.returncode} during start-up"))
                if p.up_s is None and p.check_ready(client):
                    p.up_s = round(time.perf_counter() - p.t0, 1)
                    stack.started_s[p.name] = p.up_s
                    echo(f"  {p.name} up after {p.up_s:.1f} s on port {p.port}")
            if all(p.up_s is not None for p in parts):
                body = _gateway_health(client, gateway.health_url)
                if body is not None and _stack_healthy(body, params.deploy.cloud.mode):
                    return
            if time.perf_counter() > deadline:
                late = [p for p in parts if p.up_s is None] or [gateway]
                what = (f"did not answer {late[0].health_url} within deploy.startup_timeout_s={timeout:g} s"
                        if late[0].up_s is None else
                        f"is up but reports its tiers unhealthy after {timeout:g} s "
                        f"({_gateway_health(client, gateway.health_url)})")
                raise StackError(late[0].failure(what))
            time.sleep(POLL_S)


def _gateway_health(client: httpx.Client, url: str) -> dict[str, Any] | None:
    try:
        return client.get(url, timeout=5.0).json()
    except (httpx.HTTPError, ValueError):
        return None


def _stack_healthy(body: dict[str, Any], cloud_mode: str) -> bool:
    """Edge served (every replica); a local stand-in must be served too. A remote cloud is not ours to wait for:
    the gateway reports it (status degraded) and forwards get status cloud_unavailable until it answers."""
    edge = body.get("edge", {})
    edge_ok = bool(edge.get("ok")) and all(r.get("healthy") for r in edge.get("replicas", []))
    if cloud_mode == "local_standin":
        return edge_ok and bool(body.get("cloud", {}).get("ok"))
    return edge_ok


def has_trained(params: Params) -> bool:
    """Whether 03_train wrote the training summary or the routing calibration (either names the adapter)."""
    return any(p.is_file() for p in artifacts.evidence("03_train", params))


def _require_trained(params: Params) -> None:
    """The stack serves the adapter 03_train chose: a run without 03_train's reports says so."""
    if not has_trained(params):
        reports = artifacts.evidence("03_train", params)  # the training summary and the routing calibration
        raise StackError(f"run {params.run_name!r} has not trained yet ({rel(reports[0])} is missing): run 03_train "
                         "first, e.g. python -m edgecloud run --params params/<profile>.yaml --only 03_train")


@contextmanager
def running_stack(params: Params, echo: Callable[[str], None] = print, *, model_dir: Path | None = None,
                  adapter: Path | None = None) -> Iterator[Stack]:
    """Start edge, cloud stand-in and gateway for a run, yield a healthy Stack, stop everything after.

    `model_dir` and `adapter` default to what 02_prepare and 03_train chose (the best checkpoint).
    Raises StackError (an EdgecloudError) when a port is busy, a part exits early or the stack is
    not healthy within `deploy.startup_timeout_s`, after stopping whatever had started.
    """
    from edgecloud.model import best_adapter
    from edgecloud.train.devices import pick_device
    from edgecloud.train.prepare import prepared_model_dir

    check_infer_backend(params)
    model_dir = Path(model_dir) if model_dir is not None else prepared_model_dir(params)
    if adapter is None:
        _require_trained(params)
    adapter = Path(adapter) if adapter is not None else best_adapter(params)
    d = params.deploy
    device = pick_device(params.model.device)
    ports = edge_ports(params)
    parts = _parts(params, model_dir, adapter, device, ports)
    _check_inputs(params, model_dir, adapter, parts)
    wait_for_time_wait(parts, echo)

    cfg = gateway_config(params, ports)
    cfg_path = artifacts.path("gateway_config", params)
    write_json(cfg_path, cfg)
    names = served_names(params)
    stack = Stack(
        run_name=params.run_name, gateway_url=f"http://{d.host}:{d.gateway_port}",
        edge_url=f"http://{d.host}:{d.edge_port}/v1", cloud_url=cfg["cloud_base_url"],
        cloud_label=cloud_label(params), cloud_mode=d.cloud.mode,
        served_model=names["edge"], cloud_model=cfg["cloud_model"], gateway_config=cfg_path,
        logs={p.name: p.log for p in parts}, parts={p.name: p for p in parts},
        edge_urls=[f"http://{d.host}:{port}/v1" for port in ports])
    commands = "\n".join(" ".join(shlex.quote(c) for c in p.command) for p in parts)
    command_file = artifacts.path("deploy_command", params)
    command_file.parent.mkdir(parents=True, exist_ok=True)  # a stack over a given model and adapter: a new run
    command_file.write_text(commands + "\n", encoding="utf-8")

    _LIVE.append(stack)
    try:
        t_start = time.perf_counter()
        echo(f"Starting the stack of run {params.run_name!r} on {device} (adapter {rel(adapter)}):")
        for p in parts:
            p.start()
            echo(f"  {p.name}: pid {p.proc.pid}, port {p.port}, log {rel(p.log)}")
        _wait_ready(stack, parts, params, echo, t_start)
        stack.started_s["stack"] = round(time.perf_counter() - t_start, 1)
        cloud = f"{stack.cloud_label} at {stack.cloud_url}" if stack.cloud_url else "none"
        echo(f"Stack ready after {stack.started_s['stack']:.1f} s: gateway {stack.gateway_url}, "
             f"edge {', '.join(stack.edge_urls)} ({stack.served_model}), cloud: {cloud}")
        yield stack
    finally:
        stack.stop()
        echo(f"Stack of run {params.run_name!r} stopped.")
