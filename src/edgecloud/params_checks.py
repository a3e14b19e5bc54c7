"""What `load_params` (edgecloud.params) checks besides the schema, and where each problem came from.

The line of every key in the YAML and the keys given twice (`_walk_keys`), the `--set KEY=VALUE`
overrides (`parse_override`), the origin of a validation problem (`_Origin`: the `--set` item that
touched the key, else the file and the line) and the check of the split against the records the raw
files hold (`_check_against_data`, counting with the converter's own reader). Helpers of params.py:
the underscored names are not used elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from edgecloud.errors import DataError, ParamsError, ParamsProblem
from edgecloud.paths import rel, resolve

if TYPE_CHECKING:
    from edgecloud.params import Params


def _walk_keys(root: yaml.Node | None) -> tuple[dict[tuple[str, ...], int], list[tuple[tuple[str, ...], int, int]]]:
    """Each key path of a composed YAML document with its 1-based line, so errors can point at the line;
    and every key given twice in one mapping as (key path, line, line of the first one)."""
    lines: dict[tuple[str, ...], int] = {}
    twice: list[tuple[tuple[str, ...], int, int]] = []

    def walk(node: Any, prefix: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for k, v in node.value:
                name, line = str(k.value), k.start_mark.line + 1
                if k.tag == "tag:yaml.org,2002:merge":
                    continue
                if name in seen:
                    twice.append(((*prefix, name), line, seen[name]))
                else:
                    seen[name] = line
                    lines[(*prefix, name)] = line
                walk(v, (*prefix, name))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                lines[(*prefix, str(i))] = v.start_mark.line + 1
                walk(v, (*prefix, str(i)))

    walk(root, ())
    return lines, twice


def parse_override(item: str) -> tuple[list[str], Any]:
    """`data.split.train=300` -> (["data", "split", "train"], 300); values are parsed as YAML."""
    if "=" not in item:
        raise ParamsError(ParamsProblem("expected key=value, e.g. --set train.max_steps=20", override=item))
    key, _, raw = item.partition("=")
    key = key.strip()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*", key):
        raise ParamsError(ParamsProblem(f"{key!r} is not a dotted key such as train.max_steps", override=item))
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
        _, twice = _walk_keys(yaml.compose(raw, Loader=yaml.SafeLoader)) if raw.strip() else ({}, [])
    except yaml.YAMLError as exc:
        raise ParamsError(ParamsProblem(f"the value is not valid YAML ({exc})", override=item)) from None
    if twice:
        raise ParamsError(
            *[
                ParamsProblem(
                    "given twice in the value: YAML would silently keep the last one",
                    override=item,
                    key=".".join([key, *p]),
                )
                for p, _, _ in twice
            ]
        )
    return key.split("."), value


def _apply_override(doc: dict[str, Any], path: list[str], value: Any, item: str) -> None:
    node = doc
    for part in path[:-1]:
        nxt = node.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ParamsError(
                ParamsProblem(
                    f"{part!r} is not a section, it cannot hold {path[-1]!r}", override=item, key=".".join(path)
                )
            )
        node = nxt
    node[path[-1]] = value


class _Origin:
    """Where a key's value came from: the `--set` item that touched it, else the file and the line of the
    closest enclosing key written there."""

    def __init__(self, source: str, lines: dict[tuple[str, ...], int], overridden: dict[tuple[str, ...], str]):
        self.source, self.lines, self.overridden = source, lines, overridden

    def problem(self, loc: tuple[str, ...], message: str) -> ParamsProblem:
        key = ".".join(loc) or "(top level)"
        from_set = [
            item
            for path, item in self.overridden.items()
            if loc and (path[: len(loc)] == loc or loc[: len(path)] == path)
        ]
        if from_set:
            return ParamsProblem(message, file=self.source, key=key, override=from_set[-1])
        line = next((self.lines[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in self.lines), None)
        return ParamsProblem(message, file=self.source, line=line, key=key)


def _validation_problems(exc: ValidationError, origin: _Origin) -> list[ParamsProblem]:
    out = []
    for err in exc.errors():
        loc = tuple(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; every key is listed in params/default.yaml)"
        else:
            msg = err["msg"].removeprefix("Value error, ")
            if "input" in err and not isinstance(err["input"], (dict, list)):
                msg += f" (got {err['input']!r})"
        out.append(origin.problem(loc, msg))
    return out


def raw_file_counts(path: Path) -> tuple[int, int, str | None]:
    """(records the reader parses, records it already rejects, the first of those with where and why).

    Reads the file with the converter's own reader (`edgecloud.data.raw_files.read_raw`), so the check and
    the conversion see the same records; a file that cannot be read at all raises DataError.
    """
    from edgecloud.data.raw_files import read_raw

    readable = unreadable = 0
    first = None
    for rec in read_raw(path):
        if rec.error is None:
            readable += 1
        else:
            unreadable += 1
            first = first or f"{rec.reason}: {rec.error}"
    return readable, unreadable, first


def count_raw_records(path: Path) -> int:
    """Upper bound of the records a raw file can give (lines, array items or CSV rows, without those
    that are not valid JSON or not UTF-8): a split can't exceed it."""
    return raw_file_counts(path)[0]


def _check_against_data(p: Params, origin: _Origin) -> None:
    total = 0
    notes = []
    for i, f in enumerate(p.data.raw_files):
        path = resolve(f)
        try:
            readable, unreadable, first = raw_file_counts(path)
        except DataError as exc:
            raise ParamsError(origin.problem(("data", "raw_files", str(i)), str(exc))) from None
        total += readable
        note = f"{rel(path)}: {readable}"
        notes.append(note + (f" ({unreadable} unreadable, the first: {first})" if unreadable else ""))
    need = p.data.split.fixed_total() + (1 if p.data.split.train == "rest" else 0)
    if need > total:
        raise ParamsError(
            origin.problem(
                ("data", "split"),
                f"the split needs {need} records ({p.data.split.model_dump()}) but data.raw_files hold only {total} "
                f"readable records [{'; '.join(notes)}]; lower the sizes, fix the files or add data",
            )
        )
