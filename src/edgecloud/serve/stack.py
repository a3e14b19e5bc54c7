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

Here: the orchestration (`running_stack`, `Stack`); the command lines and the config are in
`edgecloud.serve.stack_commands`, one child process and the port checks in `edgecloud.serve.stack_parts`.
"""

from __future__ import annotations

import atexit
import json
import os
import shlex
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx

from edgecloud import artifacts
from edgecloud.jsonio import write_json
from edgecloud.params import Params
from edgecloud.paths import rel
from edgecloud.serve.stack_commands import (
    check_edge_variant,
    check_infer_backend,
    cloud_label,
    deploy_command,
    edge_ports,
    edge_variant_command,
    edge_variant_log,
    gateway_config,
    log_paths,
    served_names,
    suppress_first_ids,
    swift_env,
)
from edgecloud.serve.stack_parts import Part, StackError, port_is_free, wait_for_time_wait

POLL_S = 0.5


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
        edge_cmd = (
            deploy_command(params, served_dir, port, names["edge"], adapter)
            if served_dir is not None
            else edge_variant_command(params, port, names["edge"])
        )
        edge_log = (
            artifacts.path("edge_replica_log", params, replica=i)
            if i > 1
            else logs["edge"]
            if d.edge_variant is None
            else edge_variant_log(params)
        )
        parts.append(
            Part(
                "edge" if i == 1 else f"edge-{i}",
                edge_cmd,
                env,
                edge_log,
                port,
                "deploy.edge_port" if i == 1 else "deploy.edge_replicas",
                f"http://{host}:{port}/v1/models",
                names["edge"],
            )
        )
    if d.cloud.mode == "local_standin":
        parts.append(
            Part(
                "cloud",
                deploy_command(params, model_dir, d.cloud_port, names["cloud"], None),
                env,
                logs["cloud"],
                d.cloud_port,
                "deploy.cloud_port",
                f"http://{host}:{d.cloud_port}/v1/models",
                names["cloud"],
            )
        )
    cfg_path = artifacts.path("gateway_config", params)
    gw_env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # the gateway reads the key variables itself
    parts.append(
        Part(
            "gateway",
            [sys.executable, "-m", "edgecloud.serve.gateway", "--config", str(cfg_path)],
            gw_env,
            logs["gateway"],
            d.gateway_port,
            "deploy.gateway_port",
            f"http://{host}:{d.gateway_port}/healthz",
        )
    )
    return parts


def _check_inputs(params: Params, model_dir: Path, adapter: Path, parts: list[Part]) -> None:
    if not (model_dir / "config.json").is_file():
        raise StackError(f"the base model folder {rel(model_dir)} has no config.json: run 02_prepare first")
    if not (adapter / "adapter_config.json").is_file():
        raise StackError(
            f"the adapter {rel(adapter)} has no adapter_config.json: run 03_train first "
            "(the best checkpoint is read from its summary)"
        )
    if params.deploy.edge_variant is not None:
        check_edge_variant(params)
    busy = [p for p in parts if not port_is_free(params.deploy.host, p.port)]
    if busy:
        raise StackError(
            "port(s) already in use: "
            + ", ".join(f"{p.port} ({p.port_key}, for the {p.name})" for p in busy)
            + ". Stop what listens there (`ss -ltnp`) or choose another port, e.g. "
            f"--set {busy[0].port_key}={busy[0].port + 100}"
        )


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
                what = (
                    f"did not answer {late[0].health_url} within deploy.startup_timeout_s={timeout:g} s"
                    if late[0].up_s is None
                    else f"is up but reports its tiers unhealthy after {timeout:g} s "
                    f"({_gateway_health(client, gateway.health_url)})"
                )
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
        raise StackError(
            f"run {params.run_name!r} has not trained yet ({rel(reports[0])} is missing): run 03_train "
            "first, e.g. python -m edgecloud run --params params/<profile>.yaml --only 03_train"
        )


@contextmanager
def running_stack(
    params: Params, echo: Callable[[str], None] = print, *, model_dir: Path | None = None, adapter: Path | None = None
) -> Iterator[Stack]:
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
        run_name=params.run_name,
        gateway_url=f"http://{d.host}:{d.gateway_port}",
        edge_url=f"http://{d.host}:{d.edge_port}/v1",
        cloud_url=cfg["cloud_base_url"],
        cloud_label=cloud_label(params),
        cloud_mode=d.cloud.mode,
        served_model=names["edge"],
        cloud_model=cfg["cloud_model"],
        gateway_config=cfg_path,
        logs={p.name: p.log for p in parts},
        parts={p.name: p for p in parts},
        edge_urls=[f"http://{d.host}:{port}/v1" for port in ports],
    )
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
        echo(
            f"Stack ready after {stack.started_s['stack']:.1f} s: gateway {stack.gateway_url}, "
            f"edge {', '.join(stack.edge_urls)} ({stack.served_model}), cloud: {cloud}"
        )
        yield stack
    finally:
        stack.stop()
        echo(f"Stack of run {params.run_name!r} stopped.")
