"""`python -m edgecloud serve`: the stack of a trained run stays up until a signal, then nothing is left.

The integration test starts the real command (swift deploy of the 1-step smoke adapter of the session's
`trained` run, the cloud stand-in, the gateway), chats through it and stops it with SIGTERM.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from edgecloud import paths
from edgecloud.__main__ import main
from edgecloud.params import load_params
from edgecloud.serve.command import Stopped, stages_to_run, stop_on_signals
from edgecloud.serve.stack_parts import port_is_free

from test_stack import alive, free_ports, listeners


def test_an_untrained_run_names_the_command_that_trains_it_and_starts_nothing(run_name, capsys):
    before = {c.pid for c in psutil.Process().children(recursive=True)}
    rc = main(
        [
            "serve",
            "--params",
            "params/smoke.yaml",
            "--set",
            f"run_name={run_name}",
            "--set",
            "deploy.edge_variant=gguf-q8_0",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2
    assert (
        f"run '{run_name}' has not trained yet (outputs/{run_name}/reports/swift_train_{run_name}_summary.json" in err
    )
    assert (
        f"Run first: python -m edgecloud run --params params/smoke.yaml --set run_name={run_name} "
        "--set deploy.edge_variant=gguf-q8_0 --only 01_convert,02_prepare,03_train"
    ) in err
    assert {c.pid for c in psutil.Process().children(recursive=True)} == before
    assert not (paths.OUTPUTS_DIR / run_name).exists()


def test_a_trained_run_without_its_prepared_model_asks_for_02_prepare_only(run_name):
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    summary = paths.RunDirs(run_name).reports / f"swift_train_{run_name}_summary.json"
    summary.parent.mkdir(parents=True)
    summary.write_text("{}", encoding="utf-8")
    assert stages_to_run(p) == ["02_prepare"]
    (summary.parent / f"model_prepare_{p.model.name}.json").write_text("{}", encoding="utf-8")
    assert stages_to_run(p) == []


def test_the_first_signal_stops_later_ones_wait_and_the_handlers_come_back():
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with pytest.raises(Stopped, match="SIGTERM"):
        with stop_on_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler raises at the next bytecode, long before this ends
    with stop_on_signals():
        with pytest.raises(Stopped, match="SIGINT"):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN  # the clean-up cannot be cut short
        os.kill(os.getpid(), signal.SIGTERM)
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


@pytest.mark.integration
def test_serve_answers_until_sigterm_then_leaves_nothing_running(trained):
    name, _ = trained
    ports = free_ports(3)
    sets = [
        f"run_name={name}",
        *(f"deploy.{k}_port={v}" for k, v in zip(("gateway", "edge", "cloud"), ports)),
        "deploy.max_new_tokens=12",
        "deploy.startup_timeout_s=150",
    ]
    cmd = [sys.executable, "-m", "edgecloud", "serve", "--params", "params/smoke.yaml"]
    proc = subprocess.Popen(
        [*cmd, *(a for s in sets for a in ("--set", s))],
        cwd=paths.ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        out = ""
        while "  logs " not in out:  # the last line of the banner; serve gives up by itself after startup_timeout_s
            line = proc.stdout.readline()
            assert line, out
            out += line
        url = re.search(r"OpenAI endpoint +(http://127\.0\.0\.1:\d+/v1/chat/completions)", out).group(1)
        assert f"chat page        http://127.0.0.1:{ports[0]}/\n" in out and f"{ports[0]}/healthz" in out
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 3
        resp = httpx.post(url, timeout=120, json={"messages": [{"role": "user", "content": "打开客厅的灯"}]})
        assert resp.status_code == 200 and resp.json()["choices"][0]["message"]["content"].strip()
        proc.send_signal(signal.SIGTERM)
        out += proc.communicate(timeout=120)[0]
    finally:
        if proc.poll() is None:
            proc.kill()  # its children die with it (PR_SET_PDEATHSIG)
            proc.wait()
    assert proc.returncode == 0, out
    assert "SIGTERM: every process of the stack has been stopped" in out
    assert not [c.pid for c in children if alive(c.pid)]
    assert not listeners(ports) and all(port_is_free("127.0.0.1", port) for port in ports)
