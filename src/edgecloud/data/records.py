"""Raw records in the formats people have, each turned into one edge example or one reject.

Every raw record ends in exactly one place: an accepted `Example` or a `Reject` carrying the file,
line and reason. Nothing is dropped silently, so `accepted + rejected == read` always holds.

The files themselves are read by `edgecloud.data.raw_files.read_raw` (one policy for every format); here
each record it yields is interpreted (`interpret`) and the duplicates are found (`convert_files`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from edgecloud.data.raw_files import RawRecord, printable, read_raw
from edgecloud.paths import rel
from edgecloud.routing import is_forward

FORMATS = ("query_response", "alpaca", "sharegpt", "messages")

# Reasons a record is rejected (the keys of the data check's `rejects_by_reason`).
REASONS = {
    "bad_json": "the line is not valid JSON",
    "not_an_object": "the record is not a JSON object",
    "unknown_format": "no known format fits the record's keys",
    "missing_field": "a field the format requires is missing",
    "bad_field_type": "a field has the wrong type",
    "unknown_role": "a message role is not system/user/assistant",
    "wrong_role_order": "messages are not [system] user assistant (user assistant)...",
    "empty_request": "the user request is empty",
    "empty_reply": "an edge record has no reference reply",
    "bad_label": "needs_cloud is not true/false",
    "label_conflict": "needs_cloud is false but the reply forwards to the cloud",
    "too_long": "the request or reply is longer than data.max_chars",
    "duplicate": "the same request (or id) appeared earlier",
    "bad_encoding": "the record is not UTF-8 text (bytes of another encoding, a NUL byte, a lone surrogate)",
    "bad_csv_row": "a CSV row has values outside the header's named columns (an unquoted comma?)",
}


@dataclass
class Reject:
    source: str
    line: int
    reason: str
    detail: str
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Example:
    """A normalised single-turn example of the edge task."""

    id: str
    lang: str
    category: str
    needs_cloud: bool
    group: str
    query: str
    response: str
    source: str
    line: int
    history: list[dict[str, str]] = field(default_factory=list)

    def to_swift(self, system_prompt: str) -> dict[str, Any]:
        """ms-swift `messages` format, with the metadata the evaluation needs alongside."""
        messages = [
            {"role": "system", "content": system_prompt},
            *self.history,
            {"role": "user", "content": self.query},
            {"role": "assistant", "content": self.response},
        ]
        return {
            "messages": messages,
            "id": self.id,
            "lang": self.lang,
            "category": self.category,
            "needs_cloud": self.needs_cloud,
            "group": self.group,
        }


class _Rejected(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


_SURROGATE = re.compile("[\ud800-\udfff]")


def detect_format(data: dict[str, Any]) -> str | None:
    if "messages" in data:
        return "messages"
    if "conversations" in data:
        return "sharegpt"
    if "instruction" in data:
        return "alpaca"
    if "query" in data or "prompt" in data:
        return "query_response"
    return None


_ROLE_ALIASES = {
    "system": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "bot": "assistant",
    "model": "assistant",
}


def _text(data: dict[str, Any], key: str, required: bool) -> str | None:
    if key not in data or data[key] is None:
        if required:
            raise _Rejected("missing_field", f"field {key!r} is missing")
        return None
    value = data[key]
    if not isinstance(value, str):
        raise _Rejected("bad_field_type", f"field {key!r} should be text, got {type(value).__name__}")
    return value


def _turns(messages: Any, key: str, role_key: str, content_key: str) -> tuple[list[dict[str, str]], str, str | None]:
    """Validate a chat and return (history, last user text, final assistant text or None)."""
    if not isinstance(messages, list) or not messages:
        raise _Rejected("missing_field" if not messages else "bad_field_type", f"{key!r} must be a non-empty list")
    turns: list[tuple[str, str]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or role_key not in m or content_key not in m:
            raise _Rejected("missing_field", f"{key}[{i}] needs {role_key!r} and {content_key!r}")
        role = _ROLE_ALIASES.get(str(m[role_key]).lower())
        if role is None:
            raise _Rejected("unknown_role", f"{key}[{i}] has role {m[role_key]!r}")
        content = m[content_key]
        if not isinstance(content, str):
            raise _Rejected("bad_field_type", f"{key}[{i}].{content_key} should be text")
        turns.append((role, content))
    if turns[0][0] == "system":
        turns = turns[1:]
    roles = [r for r, _ in turns]
    expected_user_last = ["user", "assistant"] * (len(roles) // 2) + ["user"] * (len(roles) % 2)
    if not roles or roles != expected_user_last[: len(roles)] or "system" in roles:
        raise _Rejected("wrong_role_order", f"roles are {roles}; expected user, assistant, user, assistant, ...")
    if roles[-1] == "user":
        return [{"role": r, "content": c} for r, c in turns[:-1]], turns[-1][1], None
    return [{"role": r, "content": c} for r, c in turns[:-2]], turns[-2][1], turns[-1][1]


def _label(data: dict[str, Any]) -> bool | None:
    if "needs_cloud" not in data or data["needs_cloud"] is None:
        return None
    v = data["needs_cloud"]
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "1", "yes"):
        return True
    if isinstance(v, str) and v.strip().lower() in ("false", "0", "no"):
        return False
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    raise _Rejected("bad_label", f"needs_cloud is {v!r}; use true or false")


def _lang(text: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def interpret(rec: RawRecord, fmt: str, forward_reply: str, max_chars: int) -> Example:
    """Turn a parsed raw record into an Example, or raise _Rejected with the reason."""
    if rec.error:
        raise _Rejected(rec.reason or "bad_json", rec.error)
    data = rec.data
    if not isinstance(data, dict):
        raise _Rejected("not_an_object", f"expected a JSON object, got {type(data).__name__}")
    kind = detect_format(data) if fmt == "auto" else fmt
    if kind is None:
        raise _Rejected("unknown_format", f"keys {sorted(data)} fit none of {', '.join(FORMATS)}")
    history: list[dict[str, str]] = []
    if kind in ("messages", "sharegpt"):
        key, role_key, content_key = (
            ("messages", "role", "content") if kind == "messages" else ("conversations", "from", "value")
        )
        history, query, response = _turns(data.get(key), key, role_key, content_key)
        if response is None:  # the chat ends with the user's request: its reply may be in `response`
            response = _text(data, "response", False)
        # An earlier turn that forwarded gets the configured forward reply, like the final one.
        history = [
            {"role": m["role"], "content": forward_reply}
            if m["role"] == "assistant" and is_forward(m["content"])
            else m
            for m in history
        ]
    elif kind == "alpaca":
        query = _text(data, "instruction", True) or ""
        extra = _text(data, "input", False)
        query = f"{query}\n{extra}" if extra and extra.strip() else query
        response = _text(data, "output", False)
    else:
        qkey = "query" if "query" in data else "prompt"
        query = _text(data, qkey, True) or ""
        response = _text(data, "response", False)

    query = query.strip()
    response = response.strip() if response else ""
    if not query:
        raise _Rejected("empty_request", "the request text is empty")
    label = _label(data)
    if label is None:
        if not response:
            raise _Rejected("empty_reply", "no reply and no needs_cloud label: cannot tell edge from cloud")
        label = is_forward(response)
    if label:
        response = forward_reply
    elif not response:
        raise _Rejected("empty_reply", "an edge request (needs_cloud false) needs a reference reply")
    elif is_forward(response):
        raise _Rejected("label_conflict", "needs_cloud is false but the reply forwards to the cloud")
    longest = max(len(query), len(response))
    if longest > max_chars:
        raise _Rejected("too_long", f"{longest} characters > data.max_chars={max_chars}")

    rid = data.get("id")
    rid = str(rid) if rid not in (None, "") else f"{Path(rec.source).stem}:{rec.line}"
    category = data.get("category") or "uncategorized"
    group = data.get("group") or f"id:{rid}"
    lang = data.get("lang") or _lang(query)
    for key, value in (("category", category), ("group", group), ("lang", lang)):
        if not isinstance(value, str):
            raise _Rejected("bad_field_type", f"field {key!r} should be text")
    texts = [
        ("id", rid),
        ("category", category),
        ("group", group),
        ("lang", lang),
        ("query", query),
        ("response", response),
        *((f"history[{i}]", m["content"]) for i, m in enumerate(history)),
    ]
    for key, value in texts:
        if m := _SURROGATE.search(value):
            raise _Rejected(
                "bad_encoding",
                f"field {key!r} holds U+{ord(m.group()):04X}, half of a surrogate pair "
                "(a \\udXXX escape without its other half?), which is not a character: fix the escape",
            )
    return Example(
        id=rid,
        lang=lang,
        category=category,
        needs_cloud=label,
        group=group,
        query=query,
        response=response,
        source=rec.source,
        line=rec.line,
        history=history,
    )


def normalise_text(text: str) -> str:
    """Key for duplicate detection: case, width of spaces and trailing punctuation do not matter."""
    return re.sub(r"[\s。．.!！?？]+$", "", " ".join(text.casefold().split()))


def duplicate_key(ex: Example) -> str:
    """Key under which two examples are the same request: the normalised request, preceded by the
    normalised earlier turns when there are any (the same request after a different conversation
    is a different example; a single request keeps its plain key)."""
    if not ex.history:
        return normalise_text(ex.query)
    turns = [f"{m['role']}:{normalise_text(m['content'])}" for m in ex.history]
    return "\x1e".join([*turns, f"user:{normalise_text(ex.query)}"])


def convert_files(
    paths: list[Path], fmt: str, forward_reply: str, max_chars: int
) -> tuple[list[Example], list[Reject], dict[str, dict[str, int]]]:
    """Read and interpret every record of every file; return (accepted, rejects, per-file counts)."""
    accepted: list[Example] = []
    rejects: list[Reject] = []
    per_file: dict[str, dict[str, int]] = {}
    seen_text: dict[str, str] = {}
    seen_id: dict[str, str] = {}
    for path in paths:
        counts = per_file.setdefault(rel(path), {"read": 0, "accepted": 0, "rejected": 0})
        for rec in read_raw(path):
            counts["read"] += 1
            try:
                ex = interpret(rec, fmt, forward_reply, max_chars)
                key = duplicate_key(ex)
                if key in seen_text:
                    raise _Rejected("duplicate", f"same request as {seen_text[key]}")
                if ex.id in seen_id:
                    raise _Rejected("duplicate", f"id {ex.id!r} already used at {seen_id[ex.id]}")
            except _Rejected as rj:
                rejects.append(Reject(rec.source, rec.line, rj.reason, printable(rj.detail), printable(rec.raw[:2000])))
                counts["rejected"] += 1
                continue
            seen_text[key] = seen_id[ex.id] = f"{rec.source}:{rec.line}"
            accepted.append(ex)
            counts["accepted"] += 1
    return accepted, rejects, per_file
