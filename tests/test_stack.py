"""05_deploy: the serving stack starts from params, answers through the gateway, and leaves nothing running.

Real processes: `swift deploy` of the smoke model with a 1-step adapter trained once per session (the
`trained` fixture of conftest.py, shared with tests/test_serve.py), the local cloud stand-in and the
gateway, on free loopback ports.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import psutil
import pytest

from edgecloud.errors import ParamsError
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs
from edgecloud.serve.smoke import report_paths, run_smoke
from edgecloud.serve.stack import running_stack
from edgecloud.serve.stack_commands import check_infer_backend, deploy_args, deploy_command, gateway_config
from edgecloud.serve.stack_parts import StackError, log_tail, port_is_free


def free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def stack_params(name: str, *extra: str):
    gw, edge, cloud = free_ports(3)
    return load_params(
        "params/smoke.yaml",
        [
            f"run_name={name}",
            f"deploy.gateway_port={gw}",
            f"deploy.edge_port={edge}",
            f"deploy.cloud_port={cloud}",
            "deploy.max_new_tokens=12",
            "deploy.startup_timeout_s=150",
            *extra,
        ],
    )


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def listeners(ports) -> list:
    return [c for c in psutil.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN and c.laddr.port in ports]


def stack_children() -> list[psutil.Process]:
    out = []
    for c in psutil.Process().children(recursive=True):
        try:
            if any(k in " ".join(c.cmdline()) for k in ("swift.cli.deploy", "edgecloud.serve.gateway")):
                out.append(c)
        except psutil.NoSuchProcess:
            pass
    return out


# ---------------------------------------------------------------------------------------------
# From params (no processes)


def test_deploy_command_comes_from_params(tmp_path):
    p = load_params("params/smoke.yaml", ["deploy.max_new_tokens=32"])
    argv = deploy_args(p, tmp_path / "model", 9001, "edge-name", tmp_path / "ckpt")
    a = dict(zip(argv[::2], argv[1::2]))
    assert a["--model"].endswith("model") and a["--adapters"].endswith("ckpt")
    assert (a["--model_type"], a["--template"], a["--infer_backend"]) == ("llama", "chatml", "transformers")
    assert (a["--host"], a["--port"], a["--served_model_name"]) == ("127.0.0.1", "9001", "edge-name")
    assert a["--max_new_tokens"] == "32" and a["--temperature"] == "0"
    assert a["--torch_dtype"] == "float32"  # what 04_eval scored, not the training dtype from args.json
    assert "--check_model" not in a  # an sft-only argument: swift deploy refuses it
    assert "--adapters" not in deploy_args(p, tmp_path, 9002, "cloud", None)


def test_a_checkpoint_trained_with_the_loss_scale_plugin_gets_this_package_s_copy(tmp_path):
    """args.json of a checkpoint names the plugin by its absolute path at training time (here: where it lived
    before the re-layout); swift deploy would import that path and fail, so the command names the current file."""
    p = load_params("params/smoke.yaml")
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    (ckpt / "args.json").write_text(json.dumps({"external_plugins": ["/gone/src/edgecloud/swift_loss_scale.py"]}))
    a = dict(zip(*[iter(deploy_args(p, tmp_path / "model", 9001, "edge", ckpt))] * 2))
    plugin = Path(a["--external_plugins"])
    assert plugin.is_file() and plugin.name == "swift_loss_scale.py" and plugin.parent.name == "train"
    (ckpt / "args.json").write_text(json.dumps({"external_plugins": []}))  # trained without it: nothing added
    assert "--external_plugins" not in deploy_args(p, tmp_path / "model", 9001, "edge", ckpt)
    assert "--external_plugins" not in deploy_args(p, tmp_path / "model", 9001, "edge", None)


@pytest.mark.parametrize("backend", ["transformers", "vllm", "sglang", "lmdeploy"])
def test_the_inference_backend_is_passed_to_swift_deploy_as_given(tmp_path, backend):
    p = load_params("params/smoke.yaml", [f"deploy.infer_backend={backend}"])
    argv = deploy_command(p, tmp_path / "model", 9001, "edge-name", tmp_path / "ckpt")
    assert argv[:3] == [sys.executable, "-m", "swift.cli.deploy"]
    assert argv.count("--infer_backend") == 1 and argv[argv.index("--infer_backend") + 1] == backend


def test_an_unknown_inference_backend_is_refused_naming_the_key():
    with pytest.raises(ParamsError) as err:
        load_params("params/smoke.yaml", ["deploy.infer_backend=tensorrt"])
    assert "deploy.infer_backend" in str(err.value) and "vllm" in str(err.value)


@pytest.mark.parametrize("backend,requirement", [("vllm", "vllm"), ("sglang", "sglang[all]"), ("lmdeploy", "lmdeploy")])
def test_a_backend_whose_package_is_missing_stops_the_stack_before_anything_starts(backend, requirement, run_name):
    """None of the three is installed here (no GPU): the stack names the pip package and stops, before it looks
    for a trained run or starts a process."""
    if importlib.util.find_spec(backend) is not None:
        pytest.skip(f"{backend} is installed here")
    p = stack_params(run_name, f"deploy.infer_backend={backend}")
    before = stack_children()
    with pytest.raises(StackError) as err:
        with running_stack(p, echo=lambda _: None):
            pass
    msg = str(err.value)
    assert f"deploy.infer_backend={backend}" in msg and f"pip install '{requirement}'" in msg and "GPU" in msg
    assert "has not trained" not in msg and stack_children() == before


def test_an_importable_backend_package_passes_the_check(tmp_path, monkeypatch):
    """The check asks Python's import system: a package `vllm` on the path is enough for it (a real GPU box)."""
    (tmp_path / "vllm").mkdir()
    (tmp_path / "vllm" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    check_infer_backend(load_params("params/smoke.yaml", ["deploy.infer_backend=vllm"]))
    check_infer_backend(load_params("params/smoke.yaml", ["deploy.infer_backend=transformers"]))
    if importlib.util.find_spec("lmdeploy") is None:  # the path change made vllm importable, nothing else
        with pytest.raises(StackError, match="lmdeploy"):
            check_infer_backend(load_params("params/smoke.yaml", ["deploy.infer_backend=lmdeploy"]))


def test_gateway_config_from_params_holds_key_names_only():
    p = load_params("params/smoke.yaml", ["deploy.api_keys_env=CLIENT_KEYS"])
    cfg = gateway_config(p)
    d = p.deploy
    assert cfg["port"] == d.gateway_port and cfg["edge_base_url"] == f"http://127.0.0.1:{d.edge_port}/v1"
    assert cfg["cloud_base_url"] == f"http://127.0.0.1:{d.cloud_port}/v1" and "standin" in cfg["cloud_model"]
    assert cfg["cloud_label"] == d.cloud.label and cfg["edge_system_prompt"] == p.data.system_prompt
    assert cfg["api_keys_env"] == "CLIENT_KEYS" and cfg["max_tokens_default"] == d.max_new_tokens
    remote = gateway_config(
        load_params(
            "params/smoke.yaml",
            [
                "deploy.cloud.mode=remote",
                "deploy.cloud.base_url=https://api.example.com/v1",
                "deploy.cloud.model=big",
                "deploy.cloud.api_key_env=CLOUD_KEY",
            ],
        )
    )
    assert (remote["cloud_base_url"], remote["cloud_model"], remote["cloud_api_key_env"]) == (
        "https://api.example.com/v1",
        "big",
        "CLOUD_KEY",
    )
    assert "stand-in" not in remote["cloud_label"]
    none = gateway_config(load_params("params/smoke.yaml", ["deploy.cloud.mode=none"]))
    assert none["cloud_base_url"] is None and none["cloud_model"] is None


# ---------------------------------------------------------------------------------------------
# Real processes


@pytest.mark.integration
def test_stack_serves_through_the_gateway_and_leaves_nothing_running(trained, monkeypatch):
    name, folder = trained
    monkeypatch.setenv("EDGECLOUD_TEST_CLIENT_KEYS", "sekret-client-key")
    p = stack_params(name, "deploy.api_keys_env=EDGECLOUD_TEST_CLIENT_KEYS")
    lines: list[str] = []
    with running_stack(p, echo=lines.append, model_dir=folder) as s:
        pids, ports = dict(s.pids), dict(s.ports)
        assert set(pids) == {"edge", "cloud", "gateway"} and all(alive(pid) for pid in pids.values())
        assert set(s.started_s) == {"edge", "cloud", "gateway", "stack"}
        assert s.gateway_url == f"http://127.0.0.1:{p.deploy.gateway_port}" and s.cloud_label == p.deploy.cloud.label
        health = httpx.get(f"{s.gateway_url}/healthz", timeout=10).json()
        assert health["status"] == "ok" and health["edge"]["ok"] and health["cloud"]["ok"]
        served = httpx.get(f"{s.edge_url}/models", timeout=10).json()["data"]
        assert [m["id"] for m in served] == [s.served_model]

        headers = {"Authorization": "Bearer sekret-client-key"}
        resp = httpx.post(
            f"{s.gateway_url}/v1/chat/completions",
            headers=headers,
            timeout=120,
            json={"messages": [{"role": "user", "content": "打开客厅的灯"}]},
        )
        assert resp.status_code == 200
        body = resp.json()
        assert body["choices"][0]["message"]["content"].strip()
        assert body["edgecloud"]["tier"] in ("edge", "cloud") and body["edgecloud"]["status"]
        assert (
            httpx.post(
                f"{s.gateway_url}/v1/chat/completions",
                timeout=30,  # no key: refused
                json={"messages": [{"role": "user", "content": "hi"}]},
            ).status_code
            == 401
        )

        report = run_smoke(p, s, echo=lines.append)

        # the key stays in the environment: not in the config file, not passed to the model servers
        assert "sekret" not in s.gateway_config.read_text()
        assert "EDGECLOUD_TEST_CLIENT_KEYS" not in psutil.Process(pids["edge"]).environ()
        assert psutil.Process(pids["gateway"]).environ()["EDGECLOUD_TEST_CLIENT_KEYS"] == "sekret-client-key"

    assert report["ok"], report["problems"]
    saved = json.loads(report_paths(p)["json"].read_text(encoding="utf-8"))
    assert [r["name"] for r in saved["requests"]] == ["edge", "complex", "bad"]
    bad = saved["requests"][2]
    assert (bad["http_status"], bad["error_code"]) == (400, "missing_messages")
    for r in saved["requests"][:2]:
        assert r["http_status"] == 200 and r["reply"].strip() and r["tier"] and r["status"] and r["latency_s"] > 0
    md = report_paths(p)["md"].read_text(encoding="utf-8")
    assert "网关冒烟测试 gateway smoke test" in md and "通过 PASS" in md and "sekret" not in md
    logs = RunDirs(name).reports
    assert (logs / f"swift_deploy_{name}.log").stat().st_size > 0
    assert (logs / f"swift_deploy_{name}_cloud.log").stat().st_size > 0

    # after the with block: no process of the stack, nothing listening on its ports
    time.sleep(0.5)
    assert not [n for n, pid in pids.items() if alive(pid)]
    assert not listeners(ports.values()) and all(port_is_free("127.0.0.1", port) for port in ports.values())
    assert not stack_children()
    assert any("stopped" in line for line in lines)


@pytest.mark.integration
def test_a_calibrated_edge_never_starts_the_forward_reply_and_still_scores_it(trained):
    """With a routing calibration swift deploy serves a view of the base folder whose generation config
    forbids the decision token as first reply token: the reply starts otherwise, while `top_logprobs` of the
    first position still come from the raw logits (the score the gateway decides on). The token suppressed
    here is the one this adapter's greedy reply starts with, so the check cannot pass by accident."""
    import torch

    from edgecloud.eval.calibrate import calibration_path
    from edgecloud.jsonio import write_json
    from edgecloud.model import chat_inputs, load_model
    from edgecloud.serve.stack import edge_model_dir

    name, folder = trained
    p = stack_params(name, "deploy.cloud.mode=none")
    ckpt = next((RunDirs(name).root / "train").glob("checkpoint-*"))
    model, tok = load_model(folder, "float32", "cpu", ckpt)

    def greedy_first(user: str) -> int:
        msgs = [{"role": "system", "content": p.data.system_prompt}, {"role": "user", "content": user}]
        with torch.inference_mode():
            return int(model(**chat_inputs(tok, msgs, "cpu")).logits[0, -1].argmax())

    # a request whose greedy first token is a whole character (a byte piece of a CJK character decodes to
    # U+FFFD, and the server's token texts could not tell such pieces apart); this few-step adapter's
    # replies vary by machine, so a few requests are tried
    tried = {
        u: greedy_first(u)
        for u in (
            "Turn on the living room light",
            "What is 2 + 3?",
            "Hello!",
            "Set a timer for ten minutes",
            "打开客厅的灯",
            "你好",
        )
    }
    user, first = next(((u, t) for u, t in tried.items() if "\ufffd" not in tok.decode([t])), (None, None))
    msgs = [
        {"role": "system", "content": p.data.system_prompt},
        {"role": "user", "content": user or "Turn on the living room light"},
    ]
    if first is None:  # every greedy start is a byte piece: the most likely whole-character first token
        with torch.inference_mode():
            ranked = model(**chat_inputs(tok, msgs, "cpu")).logits[0, -1].argsort(descending=True)[:5].tolist()
        first = next((t for t in ranked if "\ufffd" not in tok.decode([t])), None)
        assert first is not None, {u: tok.decode([t]) for u, t in tried.items()}
    model = None  # free the weights (the closures above share this variable)
    write_json(
        calibration_path(p), {"threshold": 50.0, "checkpoint": str(ckpt), "step": 1, "suppress_token_ids": [first]}
    )
    try:
        view = edge_model_dir(p, folder)
        assert view != folder and json.loads((view / "generation_config.json").read_text())[
            "begin_suppress_tokens"
        ] == [first]
        assert (view / "config.json").resolve() == (folder / "config.json").resolve()
        assert gateway_config(p)["routing_threshold"] == 50.0
        with running_stack(p, echo=lambda m: None, model_dir=folder, adapter=ckpt) as s:
            body = httpx.post(
                f"{s.edge_url}/chat/completions",
                timeout=120,
                json={"model": s.served_model, "messages": msgs, "max_tokens": 4, "logprobs": True, "top_logprobs": 5},
            ).json()
            # streamed, swift deploy lists the first position after the suppression (without that token): the
            # gateway's default 'probe' scores a streamed request as the non-streamed one (stream_routing)
            events = httpx.post(
                f"{s.edge_url}/chat/completions",
                timeout=120,
                json={
                    "model": s.served_model,
                    "messages": msgs,
                    "max_tokens": 4,
                    "logprobs": True,
                    "top_logprobs": 5,
                    "stream": True,
                },
            ).text
            chunks = [json.loads(x[6:]) for x in events.splitlines() if x.startswith("data: {")]
            lp = next(c["choices"][0]["logprobs"] for c in chunks if c["choices"] and c["choices"][0].get("logprobs"))
            assert tok.decode([first]) not in {t["token"] for t in lp["content"][0]["top_logprobs"]}
            assert gateway_config(p)["stream_routing"] == "probe"
            user = msgs[-1]["content"]
            plain = httpx.post(
                f"{s.gateway_url}/v1/chat/completions",
                timeout=120,
                json={"messages": [{"role": "user", "content": user}], "max_tokens": 4},
            ).json()["edgecloud"]
            streamed = httpx.post(
                f"{s.gateway_url}/v1/chat/completions",
                timeout=120,
                json={"messages": [{"role": "user", "content": user}], "max_tokens": 4, "stream": True},
            ).text
            meta = [json.loads(x[6:]) for x in streamed.splitlines() if x.startswith("data: {")][-1]["edgecloud"]
            assert meta["routing_score"] == pytest.approx(plain["routing_score"], abs=1e-3)
            assert meta["tier"] == plain["tier"] == "edge"  # threshold 50: nothing forwards
        content = body["choices"][0]["logprobs"]["content"]
        assert "\ufffd" not in tok.decode([first])  # a whole-character token, so texts identify tokens
        assert content[0]["token"] != tok.decode([first])
        listed = {t["token"]: t["logprob"] for t in content[0]["top_logprobs"]}
        assert tok.decode([first]) in listed  # the suppressed token is still scored from the raw logits
    finally:
        calibration_path(p).unlink()
    assert not stack_children()


@pytest.mark.integration
def test_a_taken_port_fails_fast_naming_the_params_key(trained):
    name, folder = trained
    p = stack_params(name)
    with socket.socket() as s:
        s.bind(("127.0.0.1", p.deploy.edge_port))
        s.listen()
        t0 = time.perf_counter()
        with pytest.raises(StackError, match=rf"{p.deploy.edge_port} \(deploy.edge_port, for the edge\)"):
            with running_stack(p, echo=lambda m: None, model_dir=folder):
                pass
        assert time.perf_counter() - t0 < 10
    assert not stack_children()


@pytest.mark.integration
def test_a_broken_adapter_stops_everything_and_names_the_log(trained, tmp_path):
    name, folder = trained
    ckpt = next((RunDirs(name).root / "train").glob("checkpoint-*"))
    broken = shutil.copytree(ckpt, tmp_path / "broken-checkpoint")
    (broken / "adapter_model.safetensors").write_bytes(b"not a safetensors file")
    p = stack_params(name)
    with pytest.raises(StackError) as err:
        with running_stack(p, echo=lambda m: None, model_dir=folder, adapter=broken):
            pytest.fail("the stack must not come up with a broken adapter")
    msg = str(err.value)
    assert "edge (deploy.edge_port=" in msg and "exited with code" in msg
    assert f"outputs/{name}/reports/swift_deploy_{name}.log" in msg and len(msg.splitlines()) > 5  # the log tail
    time.sleep(0.5)
    assert not stack_children()
    assert not listeners([p.deploy.gateway_port, p.deploy.edge_port, p.deploy.cloud_port])


@pytest.mark.integration
def test_no_health_before_the_deadline_stops_everything(trained):
    name, folder = trained
    p = stack_params(name, "deploy.startup_timeout_s=3", "deploy.cloud.mode=none")
    with pytest.raises(StackError, match=r"did not answer .* within deploy.startup_timeout_s=3 s; last lines of "):
        with running_stack(p, echo=lambda m: None, model_dir=folder):
            pass
    time.sleep(0.5)
    assert not stack_children()


@pytest.mark.integration
def test_the_stack_dies_with_a_killed_kernel(trained, tmp_path):
    """A notebook kernel killed while the stack runs (papermill timeout, a crash) must not leave servers."""
    name, folder = trained
    p = stack_params(name, "deploy.cloud.mode=none")
    d = p.deploy
    script = tmp_path / "kernel.py"
    overrides = [
        f"run_name={name}",
        f"deploy.gateway_port={d.gateway_port}",
        f"deploy.edge_port={d.edge_port}",
        "deploy.cloud.mode=none",
    ]
    script.write_text(
        textwrap.dedent(f"""
        import time
        from pathlib import Path
        from edgecloud.params import load_params
        from edgecloud.serve.stack import running_stack
        p = load_params("params/smoke.yaml", {overrides!r})
        with running_stack(p, echo=lambda m: None, model_dir=Path({str(folder)!r})) as s:
            print(" ".join(str(pid) for pid in s.pids.values()), flush=True)
            time.sleep(600)
    """)
    )
    kernel = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(x) for x in kernel.stdout.readline().split()]
        assert len(pids) == 2 and all(alive(pid) for pid in pids)
        os.kill(kernel.pid, signal.SIGKILL)  # no finally, no atexit: only PR_SET_PDEATHSIG is left
        kernel.wait()
        deadline = time.time() + 30
        while time.time() < deadline and any(alive(pid) for pid in pids):
            time.sleep(0.5)
        assert not [pid for pid in pids if alive(pid)]
        assert not listeners([d.gateway_port, d.edge_port])
    finally:
        if kernel.poll() is None:
            kernel.kill()
            kernel.wait()


def test_a_port_in_time_wait_is_waited_for_not_silently_moved(monkeypatch):
    """ms-swift moves to another port when a plain bind fails (TIME_WAIT after a stack stopped): wait instead."""
    from edgecloud.serve import stack_parts as st

    calls = {"n": 0}

    def bindable(port):
        calls["n"] += 1
        return calls["n"] > 2  # busy for the first two looks, like a port leaving TIME_WAIT

    monkeypatch.setattr(st, "port_bindable_plain", bindable)
    lines = []
    part = type("P", (), {"name": "edge", "port": 8999, "port_key": "deploy.edge_port"})()
    st.wait_for_time_wait([part], lines.append, limit_s=10)
    assert lines and "TIME_WAIT" in lines[0] and calls["n"] == 3
    calls["n"] = -100
    with pytest.raises(st.StackError, match=r"8999 \(deploy.edge_port\) still not free after 1 s"):
        st.wait_for_time_wait([part], lines.append, limit_s=1)


@pytest.mark.integration
def test_two_edge_replicas_lose_no_request_when_one_is_killed_under_load(trained):
    """deploy.edge_replicas=2: two swift deploy servers behind the gateway; one is SIGKILLed while requests are in
    flight on it. No cloud tier, so a request the edges lost would be a 503: every one must be an edge 200."""
    import asyncio

    name, folder = trained
    # a generous edge timeout: on a busy 2-core machine one swift deploy took ~20 s a request (no timeout wanted)
    p = stack_params(
        name, "deploy.edge_replicas=2", "deploy.cloud.mode=none", "deploy.max_new_tokens=4", "deploy.edge_timeout_s=600"
    )
    with running_stack(p, echo=print, model_dir=folder) as s:
        pids = dict(s.pids)
        assert set(pids) == {"edge", "edge-2", "gateway"} and len(set(s.edge_urls)) == 2
        assert json.loads(s.gateway_config.read_text())["edge_base_urls"] == s.edge_urls
        print(
            "resident MB:",
            {n: round(psutil.Process(pid).memory_info().rss / 2**20) for n, pid in pids.items()},
            "start-up s:",
            s.started_s,
        )

        async def kill_under_load() -> list[httpx.Response]:
            gate = asyncio.Semaphore(4)
            async with httpx.AsyncClient(trust_env=False, timeout=900) as client:

                async def one(i: int) -> httpx.Response:
                    async with gate:
                        t = time.perf_counter()
                        resp = await client.post(
                            f"{s.gateway_url}/v1/chat/completions",
                            json={"messages": [{"role": "user", "content": f"打开{i}号灯"}], "max_tokens": 4},
                        )
                        took.append(round(time.perf_counter() - t, 1))
                        return resp

                running = asyncio.gather(*(one(i) for i in range(8)))
                while True:  # a request in flight on the second replica
                    body = (await client.get(f"{s.gateway_url}/healthz")).json()
                    if body["edge"]["replicas"][1]["outstanding"] >= 1:
                        break
                    await asyncio.sleep(0.1)
                os.killpg(pids["edge-2"], signal.SIGKILL)
                return await running

        t0, took = time.perf_counter(), []
        try:
            resps = asyncio.run(kill_under_load())
        finally:
            print("request seconds:", took, "\ngateway log:\n", log_tail(s.logs["gateway"], 40))
        print(f"8 requests at concurrency 4 in {time.perf_counter() - t0:.1f} s")
        assert [r.status_code for r in resps] == [200] * 8, [r.text for r in resps if r.status_code != 200][:2]
        assert all(r.json()["edgecloud"]["tier"] == "edge" for r in resps)
        replicas = httpx.get(f"{s.gateway_url}/healthz", timeout=10).json()["edge"]["replicas"]
        assert replicas[1]["url"] == s.edge_urls[1] and replicas[1]["healthy"] is False
        assert replicas[1]["failures"] >= 1 and replicas[0]["healthy"] is True
    time.sleep(0.5)
    assert not [n for n, pid in pids.items() if alive(pid)] and not stack_children()
