"""`python -m edgecloud serve` (`make serve`): the stack of a trained run, up until Ctrl-C or SIGTERM.

05_deploy and 06_e2e keep the stack only for their own checks; this keeps it up for a person (the chat
page in a browser) or a real OpenAI client. The stack is `stack.running_stack`, as there: the deployed
checkpoint, the profile's cloud tier, `deploy.edge_variant`, loopback only, the same port and start-up
errors. SIGINT and SIGTERM leave its `with` block, which stops every process it started (whole process
groups, SIGKILL after the grace period); further signals are ignored until that is done, so a second
Ctrl-C cannot cut the clean-up short. A part that exits on its own stops the rest and is an error.
"""

from __future__ import annotations

import signal
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from edgecloud import artifacts
from edgecloud.params import Params, load_params
from edgecloud.paths import RunDirs, rel
from edgecloud.serve.stack import Stack, has_trained, running_stack
from edgecloud.serve.stack_parts import StackError
from edgecloud.stages import run_command

SIGNALS = (signal.SIGINT, signal.SIGTERM)
WATCH_S = 1.0


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived (a BaseException, like KeyboardInterrupt: no `except Exception` swallows it)."""


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise Stopped once; later ones are ignored while the stack stops."""

    def handler(signum: int, frame: object) -> None:
        for s in SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        raise Stopped(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def stages_to_run(params: Params) -> list[str]:
    """The stages this run still needs before its stack can start, in order ([] when it can start).
    Trained means what the stack accepts (stack.has_trained); 01_convert only matters for training."""

    def done(name: str) -> bool:
        return all(p.exists() for p in artifacts.evidence(name, params))

    if has_trained(params):
        return [] if done("02_prepare") else ["02_prepare"]
    return [s for s in ("01_convert", "02_prepare") if not done(s)] + ["03_train"]


def require_servable(params: Params, params_file: str, overrides: list[str]) -> None:
    """Refuse, before anything starts, a run with no adapter or base model to serve, naming the command
    that makes them (the same params file and --set options)."""
    needed = stages_to_run(params)
    if not needed:
        return
    what = "has not trained yet" if "03_train" in needed else "has no prepared base model"
    missing = artifacts.evidence(needed[-1], params)[0]  # the training summary, or 02_prepare's report
    raise StackError(
        f"run {params.run_name!r} {what} ({rel(missing)} is missing), so there is nothing to serve. "
        f"Run first: {run_command(params_file, overrides, needed)}"
    )


def banner(params: Params, stack: Stack) -> str:
    url = stack.gateway_url
    lines = [
        f"Serving run {params.run_name!r} on 127.0.0.1 until Ctrl-C or SIGTERM:",
        f"  chat page        {url}/",
        f"  OpenAI endpoint  {url}/v1/chat/completions  (base URL {url}/v1, model {stack.served_model!r} "
        "or 'edge-gateway')",
        f"  health           {url}/healthz",
        f"  logs             {RunDirs(params.run_name).reports}/: "  # the real folder (EDGECLOUD_OUTPUTS)
        + ", ".join(f"{n} {p.name}" for n, p in stack.logs.items()),
    ]
    if params.deploy.api_keys_env:
        lines.append(f"  clients send     Authorization: Bearer <a key listed in ${params.deploy.api_keys_env}>")
    return "\n".join(lines)


def watch(stack: Stack) -> None:
    """Return never: sleep until a signal raises Stopped, or raise StackError when a part exits on its own."""
    while True:
        for part in stack.parts.values():
            if not part.alive():
                raise StackError(part.failure(f"exited with code {part.proc.returncode} while serving"))
        time.sleep(WATCH_S)


def _echo(line: str) -> None:
    print(line, flush=True)  # a pipe (make, a test, a service manager) sees each line when it is written


def serve(params_file: str, overrides: list[str], echo: Callable[[str], None] = _echo) -> int:
    """Start the run's stack, print where it answers, keep it up until SIGINT/SIGTERM; 0 after a clean stop."""
    params = load_params(params_file, overrides)
    require_servable(params, params_file, overrides)
    try:
        with stop_on_signals(), running_stack(params, echo=echo) as stack:
            echo(banner(params, stack))
            watch(stack)
    except Stopped as sig:
        echo(f"{sig.args[0]}: every process of the stack has been stopped")
    return 0
