"""Errors meant for the user: they say what was wrong, where, and what to do."""

from __future__ import annotations

from dataclasses import dataclass


class EdgecloudError(Exception):
    """A problem the user can fix (bad params, missing upstream, no data, offline hub, ...)."""


@dataclass(frozen=True)
class ParamsProblem:
    """One mistake in the params: where it came from (a file and its line, or one `--set KEY=VALUE`), the key, why."""

    message: str
    file: str | None = None  # the params file, relative to the workspace root
    line: int | None = None  # 1-based line in that file
    key: str | None = None  # dotted key, e.g. train.max_steps
    override: str | None = None  # the `--set` item that caused it, e.g. train.max_steps=-1

    @property
    def where(self) -> str:
        if self.override is not None:
            return f"--set {self.override}"
        if self.file is None:
            return "params"
        return f"{self.file} line {self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.where}: " + (f"key '{self.key}': " if self.key else "") + self.message


class ParamsError(EdgecloudError):
    """A params file or --set override that does not fit the schema.

    Raised with one or more `ParamsProblem`s (each names the file and line, or the `--set` item, and the key);
    `ParamsError("text")` still works for a message of its own.
    """

    def __init__(self, *problems: ParamsProblem | str):
        self.problems = [p if isinstance(p, ParamsProblem) else ParamsProblem(p) for p in problems]
        super().__init__(self._render())

    def _render(self) -> str:
        probs = self.problems
        if len(probs) == 1 and probs[0].file is None and probs[0].override is None:
            return probs[0].message  # a plain message
        if len(probs) == 1:
            return f"Invalid params: {probs[0]}"
        files = sorted({p.file for p in probs if p.file is not None and p.override is None})
        origin = " and ".join(
            [f"in {', '.join(files)}"] * bool(files) + ["from --set"] * any(p.override is not None for p in probs)
        )
        return f"Invalid params {origin}:\n" + "\n".join(f"  - {p}" for p in probs)


class UpstreamMissing(EdgecloudError):
    """A stage was started before the stage whose artifacts it reads."""


class UpstreamStale(UpstreamMissing):
    """A stage was started on products of an upstream stage that failed, was interrupted, or ran with other params."""


class DataError(EdgecloudError):
    """Raw data that cannot make the requested dataset (no accepted records, too few for the split)."""
