"""Seeded generator of the HELD-OUT routing set: requests the training generator never makes.

Why this module exists
----------------------
The train/valid/test split of the raw data keeps every phrasing template in one split, but all
templates come from one generator (``edgecloud.data.datagen``): same intents, same slot tables, same
style. A router that learnt datagen's surface would look better on its test split than on real
traffic. This set measures how the routing *generalises*: its template tables are written fresh
here, with other intents and sentence shapes (new devices and situations, new kinds of look-ups,
new proof/derivation topics, new analysis subjects, new planning scenarios, new programming tasks),
and ``tests/test_heldout.py`` checks that no held-out request equals or nearly equals anything
datagen generates or any phrase of its templates. Topics were also chosen away from datagen's topic
tables as they stood when this was written (e.g. no √2, primes, pendulum, Heron, LRU cache, skip
list, Iceland or Temu); the test guards the text, not the topics, so re-check topics when datagen
grows. It measures routing only: records carry the label, no reference reply.

The records
-----------
``{"id": "heldout-0001", "lang", "category", "needs_cloud", "group", "cue", "query"}`` plus, for
multi-turn records, ``"history": [{"role": "user", ...}, {"role": "assistant", ...}, ...]`` (1-2
earlier turns). The label belongs to the LAST user turn, ``query``. Categories are datagen's; the
group ``heldout/<category>/<lang>/tNN`` names the template. History assistant turns hold what the
client would have shown: the edge's answer for a simple turn, the cloud's (shortened) answer for a
complex one; never the forward-to-cloud reply.

Cues (what makes a request easy or hard for a keyword/length router), one per record:

* ``typical``: cues agree with the label (a short simple request without complex-task words, or a
  complex request that names its task: 证明/推导/分析/规划/代码/..., prove/derive/analyze/plan/code/...);
* ``keyword`` (simple): a simple request with a complex-task word in a simple role
  ("周四下午三点喊我去打印开题报告", "Put the weather report on the den TV");
* ``long`` (simple): a chatty simple request longer than 40 zh / 120 en characters, no such word;
* ``short`` (complex): at most 20 zh / 60 en characters ("推导一下斯特林公式", "write a rope in rust");
* ``plain`` (complex): longer, and without any complex-task word
  ("为什么随机游走在一维和二维一定会回到原点，三维却不一定？");
* ``history``: 1-2 earlier turns before the request (simple then complex, complex then simple,
  and follow-ups that only make sense in context, "那日落呢？" / "那个积分为什么一定是整数？").

The generator enforces these definitions on every record it makes (a template that breaks its cue
is a bug and raises). Shares are per (category, language) stratum (``cue_quotas``).

Reproducible: only ``random.Random(seed)`` is used, every table is a tuple iterated in order, and
the output is written with fixed separators and ``\\n`` line ends, so the file is byte-reproducible:

    python -m edgecloud.data.heldout --n 480 --seed 7 --out data/heldout/routing_heldout_v1.jsonl

This module is the engine (shape, quotas, cue checks, generation, the loader, the command line); the
phrasings and their slot tables are in ``heldout_templates``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Any, Sequence

from edgecloud.data import datagen
from edgecloud.data.datagen import CATEGORIES, CLOUD_CATEGORIES, dedup_key, language_quotas  # the same categories
from edgecloud.data.heldout_templates import HISTORY, KEYWORD, LONG, PLAIN, SHORT, TEMPLATES, TYPICAL, Template
from edgecloud.errors import DataError
from edgecloud.eval.routers import KEYWORDS_ZH
from edgecloud.jsonio import write_jsonl

# ---------------------------------------------------------------------------------------------
# Dataset shape

FIELDS = ("id", "lang", "category", "needs_cloud", "group", "cue", "query", "history")
REQUIRED_FIELDS = FIELDS[:-1]
LANGS = ("zh", "en")
EDGE_CUES = (TYPICAL, KEYWORD, LONG, HISTORY)
CLOUD_CUES = (TYPICAL, SHORT, PLAIN, HISTORY)
# Share of every (category, language) stratum per cue; the rest is TYPICAL.
EDGE_CUE_SHARES = {HISTORY: 0.15, KEYWORD: 0.18, LONG: 0.12}
CLOUD_CUE_SHARES = {HISTORY: 0.15, SHORT: 0.25, PLAIN: 0.30}
DEFAULT_CLOUD_SHARE = 0.22

# A simple request longer than this looks long; a complex one of at most SHORT looks short.
LONG_QUERY_CHARS = {"zh": 40, "en": 120}
SHORT_QUERY_CHARS = {"zh": 20, "en": 60}

# Complex-task words: the keyword router's (eval/routers.py), without 论述, which it gained after this set was
# built (v1's records and cue labels stay as they are).
ZH_KEYWORDS = tuple(w for w in KEYWORDS_ZH if w != "论述")
# Word edges are ASCII letters, so "floor plan是什么意思" counts ("是" is a word character to \b).
EN_KEYWORD_RE = re.compile(
    r"(?<![A-Za-z])(?:prov(?:e|es|ed|en|ing)|proofs?|deriv[a-z]*|analy[sz][a-z]*|plan(?:s|ned|ning|ner|ners)?"
    r"|itinerar[a-z]*|cod(?:e|es|ed|ing)|algorithms?|essays?|reports?|compar[a-z]*|strateg[a-z]*|design[a-z]*"
    r"|optimi[sz][a-z]*)(?![A-Za-z])",
    re.IGNORECASE,
)

ID_RE = re.compile(r"^heldout-\d{4}$")
GROUP_RE = re.compile(r"^heldout/([a-z_]+)/(zh|en)/t\d{2}$")

# Group sizes (records drawn from one template per visit) and their weights.
GROUP_SIZE_WEIGHTS = ((1, 20), (2, 40), (3, 30), (4, 10))
MAX_GROUP_SIZE = 4
MAX_DRAWS_PER_RECORD = 40


def has_keyword(text: str) -> bool:
    """True when `text` contains a complex-task word (either language's list)."""
    return any(k in text for k in ZH_KEYWORDS) or EN_KEYWORD_RE.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Generation


def category_quotas(n: int, cloud_share: float = DEFAULT_CLOUD_SHARE) -> dict[str, int]:
    """datagen's quotas per category (the same categories), with this set's default cloud share."""
    return datagen.category_quotas(n, cloud_share)


def cue_quotas(category: str, quota: int) -> dict[str, int]:
    """Records of one (category, language) stratum per cue: round(quota * share) per misleading
    cue and for history, the rest TYPICAL."""
    shares = CLOUD_CUE_SHARES if category in CLOUD_CATEGORIES else EDGE_CUE_SHARES
    quotas = {cue: round(quota * share) for cue, share in shares.items()}
    return {TYPICAL: quota - sum(quotas.values()), **quotas}


def _draw_slots(rng: random.Random, template: Template) -> dict[str, str]:
    slots: dict[str, str] = {}
    for names, rows in template.specs:
        row = rng.choice(rows)
        keys = names.split()
        if len(keys) == 1:
            slots[keys[0]] = row
        else:
            slots.update(zip(keys, row, strict=True))
    for key, value in list(slots.items()):
        slots[key[:1].upper() + key[1:]] = value[:1].upper() + value[1:]
    return slots


def cue_problem(cue: str, category: str, lang: str, query: str) -> str | None:
    """Why `query` does not fit the definition of `cue` (module docstring), or None when it does."""
    kw, n = has_keyword(query), len(query)
    long_, short = n > LONG_QUERY_CHARS[lang], n <= SHORT_QUERY_CHARS[lang]
    if cue == HISTORY:
        return None
    if category in CLOUD_CATEGORIES:
        if cue == SHORT:
            return None if short else f"not short ({n} > {SHORT_QUERY_CHARS[lang]} chars)"
        if cue == PLAIN:
            return "has a complex-task word" if kw else ("too short" if short else None)
        if cue == TYPICAL:
            return "lacks a complex-task word" if not kw else ("too short" if short else None)
        return f"cue {cue!r} is not a complex cue"
    if cue == KEYWORD:
        return "lacks a complex-task word" if not kw else ("too long" if long_ else None)
    if cue == LONG:
        return "has a complex-task word" if kw else (None if long_ else f"not long ({n} chars)")
    if cue == TYPICAL:
        return "has a complex-task word" if kw else ("too long" if long_ else None)
    return f"cue {cue!r} is not a simple cue"


def _fill(rng: random.Random, category: str, lang: str, index: int, want: int, seen: set[str]) -> list[dict]:
    """Up to `want` new records from one template (fewer when its fills run out)."""
    template = TEMPLATES[category][lang][index]
    group = f"heldout/{category}/{lang}/t{index + 1:02d}"
    made: list[dict] = []
    for _ in range(want):
        for _attempt in range(MAX_DRAWS_PER_RECORD):
            slots = _draw_slots(rng, template)
            query = template.query.format(**slots)
            history = [
                {"role": role, "content": text.format(**slots)}
                for user, assistant in template.history
                for role, text in (("user", user), ("assistant", assistant))
            ]
            key = dedup_key(" ".join(m["content"] for m in history) + " " + query)
            if key not in seen:
                break
        else:
            return made
        problem = cue_problem(template.cue, category, lang, query)
        if problem:
            raise RuntimeError(f"template {group} ({template.cue}) made {query!r}: {problem}")
        seen.add(key)
        rec = {
            "lang": lang,
            "category": category,
            "needs_cloud": category in CLOUD_CATEGORIES,
            "group": group,
            "cue": template.cue,
            "query": query,
        }
        if history:
            rec["history"] = history
        made.append(rec)
    return made


def _build_pool(rng: random.Random, category: str, lang: str, cue: str, quota: int, seen: set[str]) -> list[dict]:
    """`quota` records from the `cue` templates of one stratum: visit them in a seeded order, a
    small group (1-4) from each, pass after pass; a template grows past 4 only when all are full."""
    order = [i for i, t in enumerate(TEMPLATES[category][lang]) if t.cue == cue]
    if not order:
        raise RuntimeError(f"no {cue} templates for {category}/{lang}")
    rng.shuffle(order)
    sizes = dict.fromkeys(order, 0)
    exhausted = dict.fromkeys(order, False)
    sizes_w = [s for s, _ in GROUP_SIZE_WEIGHTS], [w for _, w in GROUP_SIZE_WEIGHTS]
    out: list[dict] = []
    cap = MAX_GROUP_SIZE
    while len(out) < quota:
        progressed = False
        for idx in order:
            room = min(quota - len(out), cap - sizes[idx])
            if room <= 0 or exhausted[idx]:
                continue
            want = min(rng.choices(*sizes_w)[0], room)
            made = _fill(rng, category, lang, idx, want, seen)
            exhausted[idx] = len(made) < want
            sizes[idx] += len(made)
            out.extend(made)
            progressed = progressed or bool(made)
            if len(out) >= quota:
                break
        if not progressed:
            if all(exhausted.values()):
                raise ValueError(
                    f"cannot make {quota} distinct {cue} records for {category}/{lang}: its templates ran "
                    f"out of unused fills after {len(out)}; lower --n"
                )
            cap += MAX_GROUP_SIZE
    return out


def generate_records(n: int = 480, seed: int = 7, cloud_share: float = DEFAULT_CLOUD_SHARE) -> list[dict]:
    """`n` held-out records, deterministically from `seed`, ids heldout-0001... in file order."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if n > 9999:
        raise ValueError(f"n={n} exceeds the 4-digit id space (heldout-0001..heldout-9999)")
    if not 0.0 <= cloud_share <= 1.0:
        raise ValueError(f"cloud_share must be within [0, 1], got {cloud_share!r}")
    rng = random.Random(seed)
    seen: set[str] = set()
    records: list[dict] = []
    for category, quota in category_quotas(n, cloud_share).items():
        for lang, lang_quota in language_quotas(category, quota).items():
            for cue, cue_quota in cue_quotas(category, lang_quota).items():
                if cue_quota:
                    records.extend(_build_pool(rng, category, lang, cue, cue_quota, seen))
    rng.shuffle(records)
    return [
        {"id": f"heldout-{i:04d}", **{k: rec[k] for k in FIELDS[1:] if k in rec}} for i, rec in enumerate(records, 1)
    ]


def file_rows(records: list[dict]) -> list[dict]:
    """The records as the raw file holds them: keys in FIELDS order (write with `reports.write_jsonl(...,
    compact=True)`: one compact object per line, byte-reproducible)."""
    return [{k: rec[k] for k in FIELDS if k in rec} for rec in records]


# ---------------------------------------------------------------------------------------------
# Loading


class HeldoutError(DataError, ValueError):
    """A held-out file that is not what this module writes; the message names file, line and field."""


def _check_record(doc: Any) -> str | None:
    """What is wrong with one parsed line, naming the field, or None."""
    if not isinstance(doc, dict):
        return "expected a JSON object"
    for key in doc:
        if key not in FIELDS:
            return f"unknown field {key!r}"
    for key in REQUIRED_FIELDS:
        if key not in doc:
            return f"missing field {key!r}"
    if not isinstance(doc["id"], str) or not ID_RE.match(doc["id"]):
        return f"field 'id': expected 'heldout-NNNN', got {doc['id']!r}"
    if doc["lang"] not in LANGS:
        return f"field 'lang': expected one of {', '.join(LANGS)}, got {doc['lang']!r}"
    if doc["category"] not in CATEGORIES:
        return f"field 'category': unknown category {doc['category']!r}"
    if not isinstance(doc["needs_cloud"], bool):
        return f"field 'needs_cloud': expected true or false, got {doc['needs_cloud']!r}"
    if doc["needs_cloud"] != (doc["category"] in CLOUD_CATEGORIES):
        return (
            f"field 'needs_cloud': {doc['needs_cloud']} contradicts category {doc['category']!r} "
            f"({'complex' if doc['category'] in CLOUD_CATEGORIES else 'simple'})"
        )
    m = GROUP_RE.match(doc["group"]) if isinstance(doc["group"], str) else None
    if not m or m.group(1) != doc["category"] or m.group(2) != doc["lang"]:
        return f"field 'group': expected 'heldout/{doc['category']}/{doc['lang']}/tNN', got {doc['group']!r}"
    allowed = CLOUD_CUES if doc["needs_cloud"] else EDGE_CUES
    if doc["cue"] not in allowed:
        return f"field 'cue': expected one of {', '.join(allowed)} for this category, got {doc['cue']!r}"
    if not isinstance(doc["query"], str) or not doc["query"].strip():
        return "field 'query': expected a non-empty string"
    history = doc.get("history")
    if (history is not None) != (doc["cue"] == HISTORY):
        return (
            "field 'history': required when cue is 'history'"
            if history is None
            else "field 'history': only records with cue 'history' carry one"
        )
    if history is not None:
        if not isinstance(history, list) or len(history) not in (2, 4):
            return "field 'history': expected a list of 1-2 earlier turns (2 or 4 messages)"
        for i, msg in enumerate(history):
            role = "user" if i % 2 == 0 else "assistant"
            if not isinstance(msg, dict) or set(msg) != {"role", "content"}:
                return f"field 'history[{i}]': expected an object with exactly 'role' and 'content'"
            if msg["role"] != role:
                return f"field 'history[{i}].role': expected {role!r}, got {msg['role']!r}"
            if not isinstance(msg["content"], str) or not msg["content"].strip():
                return f"field 'history[{i}].content': expected a non-empty string"
    return None


def load_heldout(path: str | Path) -> list[dict]:
    """Read and validate a held-out JSONL file; a bad line raises HeldoutError naming the file,
    the line and the field. Blank lines are skipped."""
    path = Path(path)
    if not path.is_file():
        raise HeldoutError(
            f"{path}: held-out file not found (make it with: python -m edgecloud.data.heldout --n 480 "
            "--seed 7 --out data/heldout/routing_heldout_v1.jsonl)"
        )
    records: list[dict] = []
    ids: dict[str, int] = {}
    keys: dict[str, int] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise HeldoutError(f"{path} line {lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
        problem = _check_record(doc)
        if problem:
            raise HeldoutError(f"{path} line {lineno}: {problem}")
        if doc["id"] in ids:
            raise HeldoutError(
                f"{path} line {lineno}: field 'id': {doc['id']!r} is already used on line {ids[doc['id']]}"
            )
        key = dedup_key(" ".join(m["content"] for m in doc.get("history", [])) + " " + doc["query"])
        if key in keys:
            raise HeldoutError(f"{path} line {lineno}: field 'query': duplicate of line {keys[key]}")
        ids[doc["id"]], keys[key] = lineno, lineno
        records.append(doc)
    if not records:
        raise HeldoutError(f"{path}: no records (one JSON object per line)")
    return records


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m edgecloud.data.heldout",
        description="Generate the seeded held-out routing set (JSONL): templates and phrasings that the training "
        "generator (edgecloud.data.datagen) never makes.",
    )
    parser.add_argument("--n", type=int, default=480, help="number of records (default 480)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--cloud-share",
        type=float,
        default=DEFAULT_CLOUD_SHARE,
        help=f"share of complex records (default {DEFAULT_CLOUD_SHARE})",
    )
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl path")
    args = parser.parse_args(argv)
    try:
        records = generate_records(args.n, args.seed, args.cloud_share)
    except ValueError as exc:
        parser.error(str(exc))
    write_jsonl(args.out, file_rows(records), compact=True)
    n_cloud = sum(r["needs_cloud"] for r in records)
    n_hist = sum("history" in r for r in records)
    print(
        f"wrote {len(records)} records ({n_cloud} needs_cloud, {n_hist} multi-turn, "
        f"{len({r['group'] for r in records})} groups) to {args.out}"
    )


if __name__ == "__main__":
    main()
