"""Seeded generator of the raw dataset of requests to an on-device (edge) assistant.

Why this module exists
----------------------
The thesis fine-tunes a small on-device model to answer simple requests itself and to reply
"转发云端 / forward to cloud" for complex ones. The raw data it learns from must be

* realistic: many genuinely different phrasings per intent, in natural Simplified Chinese and
  English, with slot fills (rooms, cities, times, numbers, phrases, topics, claims, programs);
* correct: arithmetic and unit-conversion replies are computed exactly (``fractions``), and
  translations come from hand-checked phrase tables, so the model is not taught wrong facts;
* reproducible: the committed script regenerates the committed file byte for byte. Only
  ``random.Random(seed)`` is used - never the global RNG, the clock, or ``hash()`` of strings
  (which depends on PYTHONHASHSEED) - and every table is a tuple iterated in a fixed order;
* split-friendly: every record carries a ``group`` naming the phrasing template it came from.
  The downstream train/valid/test split keeps whole groups together, so test phrasings never
  occur in training. Groups are small (1-6 records) so exact split sizes are reachable.

Edge records (``needs_cloud`` false) carry the reply a good on-device assistant would give.
Complex records (``needs_cloud`` true) carry ``response: null``; the converter fills in the fixed
forward-to-cloud reply. No edge reply ever mentions forwarding to the cloud.

Surface cues do not give the label away
---------------------------------------
The thesis compares the fine-tuned router with a keyword/length heuristic (forward when a request
contains a complex-task word such as prove/derive/analyze/plan/itinerary/code/algorithm/essay/
report/compare/strategy/design/optimize, 证明/推导/分析/规划/计划/行程/代码/实现/算法/论文/报告/详细/步骤/比较/
策略/设计/优化, or is longer than 40 Chinese / 120 English characters). If every complex request
had such a word and every simple one lacked it, that heuristic would route perfectly and the
comparison would say nothing - and a model trained on such data learns the words and the length,
not the task: it forwards "translate 'proof'" and keeps "Prove that √2 is irrational." at the
edge. Real traffic is not like that: people mention their report while setting a reminder, ask how
to say "algorithm" in French, tell a story before asking for the weather - and ask hard questions
in one short line ("推导一下二次方程求根公式", "quicksort in Rust?") or without naming the task
("为什么 1/n 的级数发散？"). So every template has a ``cue``:

* KEYWORD (edge): a simple request that mentions a complex-task word in one of many roles (the
  document a reminder is about, the work a timer or a lamp is for, a word being translated, the
  homework a multiplication comes from, "比较" meaning "rather", good or bad news in chit-chat),
  with a correct simple reply; 25% of every edge (category, language) stratum;
* LONG (edge): a simple request in chatty context, longer than 40 / 120 characters, with none of
  those words; 12% of every edge stratum;
* PLAIN (complex): a request that clearly needs multi-step reasoning, long writing, planning under
  constraints or real programming, phrased without any of those words; 30% of every complex stratum;
* SHORT (complex): a complex request no longer than 40 / 120 characters, usually far shorter
  (median about 15 / 50): bare claims and terse imperatives ("证明{claim}", "Derive {deriv}.",
  "用{lang}写个{prog}", "Plan a {n}-day trip to {place} for {who}.", "分析一下{topic}"), casual
  one-liners and the odd typo ("推倒一下...", "proove that ..."), with or without a keyword, drawn
  from large tables of claims, derivations, algorithms, programs, topics, places and goals;
  35% of every complex stratum (with the PLAIN questions, most complex requests are short);
* TYPICAL: the rest, whose cues agree with the label. Typical edge templates also name hard
  subjects without asking for them (translate "勾股定理", review your quicksort notes), and
  several are a few characters long ("48*26", "timer 3 minutes").

The shares are per stratum (round(quota * share), see ``cue_quotas``), so they hold for every
category, both languages and every seed; at n=1000 a keyword-or-length rule gets only ~61% right
(keywords alone ~68%, below always-edge's 80%). Misleading templates are ordinary paraphrase
groups like all others.

Conversations
-------------
The edge model sees the chat so far and must route the LAST user turn. So round(quota * 0.2) records
of every stratum (``CONVERSATION_SHARE``) carry 1-2 earlier exchanges (user + assistant) before
their request: usually a forwarded complex request (assistant: the forward reply) before a simple
one, usually a simple exchange (with its correct reply) before a complex one, sometimes two
exchanges of either kind, about one exchange in seven in the other language. Label, category,
group and reply are those of the final request. These records use the ms-swift messages layout
with the metadata (``CONVERSATION_FIELDS``: ``messages`` ends with the final user turn, ``response``
is its reply, null when it forwards); single requests keep the plain layout (``FIELDS``). History
phrasings (``HISTORY_TEMPLATES``) are never final requests, and no history request repeats any
other request of the file, so no test request is trained on as someone else's history.

Files
-----
``data/raw/edge_requests_v2.jsonl`` is made by this version:
``python -m edgecloud.data.datagen --n 1000 --seed 20260210 --out data/raw/edge_requests_v2.jsonl``.
``data/raw/edge_requests_v1.jsonl`` (500 records) and ``data/raw/edge_requests_smoke.jsonl`` (60)
were made by the previous version (git commit 36e4528: single requests only, no SHORT cue,
KEYWORD 18% / PLAIN 40%) and are kept unchanged because earlier runs refer to them; this version
no longer reproduces them (``git show 36e4528:src/edgecloud/datagen.py`` does).

Modules
-------
This module is the engine: the dataset's shape, quotas, group sizes, de-duplication, conversations
and the public functions (``generate_records``, ``file_rows``, ``dedup_key``, the command line). The
tables it draws from are modules of their own, data only but for the samplers:
``datagen_templates`` (every phrasing, ``Template``, the cue names, ``HISTORY_TEMPLATES``),
``datagen_samplers`` (``SAMPLERS``: a template's sampler by name; chit-chat, complex tasks,
confounders), ``datagen_slots`` (the device, time, look-up, translation and arithmetic samplers, exact
numbers) and ``datagen_words`` (the words the slots are filled with).
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from pathlib import Path
from typing import Sequence

from edgecloud.data.datagen_samplers import SAMPLERS
from edgecloud.data.datagen_slots import Slots
from edgecloud.data.datagen_templates import (
    HISTORY_TEMPLATES,
    KEYWORD,
    LONG,
    PLAIN,
    SHORT,
    TEMPLATES,
    TYPICAL,
    Template,
)
from edgecloud.jsonio import write_jsonl

# ---------------------------------------------------------------------------------------------
# Dataset shape

FIELDS = ("id", "lang", "category", "needs_cloud", "group", "query", "response")
# A conversation record (earlier turns before the final request) uses ms-swift's messages layout:
# `messages` ends with the final user turn; `response` is the reply to that turn (None: forward).
CONVERSATION_FIELDS = ("id", "lang", "category", "needs_cloud", "group", "messages", "response")
LANGS = ("zh", "en")
EDGE_CATEGORIES = ("device_control", "timer_reminder", "lookup", "translation", "arithmetic", "chitchat")
CLOUD_CATEGORIES = ("proof_derivation", "long_analysis", "planning", "coding")
CATEGORIES = EDGE_CATEGORIES + CLOUD_CATEGORIES

MAX_GROUP_SIZE = 6
# Draw weights of a group's size (1..6): mostly 2-4, so the exact-size split has small pieces.
GROUP_SIZE_WEIGHTS = ((1, 6), (2, 24), (3, 32), (4, 24), (5, 9), (6, 5))
# Slot draws tried per record before a template counts as exhausted (all fills already used).
MAX_DRAWS_PER_RECORD = 40
# Bounds a generated query must respect (a template producing anything else is a bug here).
MIN_QUERY_CHARS, MAX_QUERY_CHARS = 2, 220

# Share of every (category, language) stratum drawn from the templates of each misleading cue;
# the rest comes from TYPICAL templates. Per stratum the count is round(stratum quota * share).
EDGE_CUE_SHARES = {KEYWORD: 0.25, LONG: 0.12}
CLOUD_CUE_SHARES = {PLAIN: 0.30, SHORT: 0.35}
# Share of every (category, language) stratum whose final request gets 1-2 earlier turns.
CONVERSATION_SHARE = 0.2
# Earlier turns of a conversation: P(two pairs rather than one); P(the pair just before the final
# request is complex) when the final request is simple / complex; P(a pair is in the other language).
HISTORY_TWO_PAIRS = 0.35
HISTORY_LAST_COMPLEX = {False: 0.6, True: 0.25}
HISTORY_OTHER_LANG = 0.15

# ---------------------------------------------------------------------------------------------
# Generation


def dedup_key(text: str) -> str:
    """Key under which two queries count as duplicates.

    Case-folded with all whitespace and punctuation removed. This is deliberately coarser than
    the converter's duplicate check (case, runs of whitespace, trailing punctuation), so nothing
    generated here is rejected downstream as a duplicate, and "早安" / "早安！" are not two records.
    """
    return "".join(ch for ch in text.casefold() if not (ch.isspace() or unicodedata.category(ch).startswith("P")))


def category_quotas(n: int, cloud_share: float) -> dict[str, int]:
    """Records per category: round(n * cloud_share) cloud records split evenly over the complex
    categories, the rest evenly over the edge categories; remainders go to the first ones."""
    n_cloud = round(n * cloud_share)
    quotas: dict[str, int] = {}
    for cats, total in ((EDGE_CATEGORIES, n - n_cloud), (CLOUD_CATEGORIES, n_cloud)):
        base, rest = divmod(total, len(cats))
        for i, cat in enumerate(cats):
            quotas[cat] = base + (1 if i < rest else 0)
    return quotas


def language_quotas(category: str, quota: int) -> dict[str, int]:
    """Split a category's quota ~50/50 over zh/en; the odd record alternates between languages
    from one category to the next so the totals stay balanced."""
    first = "zh" if CATEGORIES.index(category) % 2 == 0 else "en"
    half, odd = divmod(quota, 2)
    return {lang: half + (odd if lang == first else 0) for lang in LANGS}


def _draw_group_size(rng: random.Random) -> int:
    sizes = [s for s, _ in GROUP_SIZE_WEIGHTS]
    weights = [w for _, w in GROUP_SIZE_WEIGHTS]
    return rng.choices(sizes, weights=weights)[0]


def _with_capitals(slots: Slots) -> Slots:
    """Add 'Foo' for every slot 'foo', with the value's first letter upper-cased."""
    out = dict(slots)
    for key, value in slots.items():
        out[key[:1].upper() + key[1:]] = value[:1].upper() + value[1:]
    return out


def _fill_template(rng: random.Random, category: str, lang: str, index: int, want: int, seen: set[str]) -> list[dict]:
    """Draw up to `want` records from one template whose queries are not in `seen` (updated).

    Fewer records than `want` means the template ran out of unused fills.
    """
    template = TEMPLATES[category][lang][index]
    sampler = SAMPLERS[template.sampler]
    group = f"{category}/{lang}/t{index + 1:02d}"
    made: list[dict] = []
    for _ in range(want):
        for _attempt in range(MAX_DRAWS_PER_RECORD):
            slots = _with_capitals(sampler(rng, lang))
            query = template.query.format(**slots)
            key = dedup_key(query)
            if key not in seen:
                break
        else:
            return made  # exhausted
        if not MIN_QUERY_CHARS <= len(query) <= MAX_QUERY_CHARS:
            raise RuntimeError(f"template {group} made a query of {len(query)} characters: {query!r}")
        seen.add(key)
        response = None if template.response is None else template.response.format(**slots)
        made.append(
            {
                "lang": lang,
                "category": category,
                "needs_cloud": category in CLOUD_CATEGORIES,
                "group": group,
                "query": query,
                "response": response,
            }
        )
    return made


def cue_quotas(category: str, quota: int) -> dict[str, int]:
    """Records of one (category, language) stratum per cue: round(quota * share) for each
    misleading cue of the category's kind (EDGE_CUE_SHARES / CLOUD_CUE_SHARES), the rest TYPICAL."""
    shares = CLOUD_CUE_SHARES if category in CLOUD_CATEGORIES else EDGE_CUE_SHARES
    quotas = {cue: round(quota * share) for cue, share in shares.items()}
    return {TYPICAL: quota - sum(quotas.values()), **quotas}


def _build_stratum(rng: random.Random, category: str, lang: str, quota: int, seen: set[str]) -> list[dict]:
    """Records of one (category, language): each cue's quota (cue_quotas) from that cue's templates."""
    templates = TEMPLATES[category][lang]
    out: list[dict] = []
    for cue, cue_quota in cue_quotas(category, quota).items():
        if cue_quota:
            indices = [i for i, t in enumerate(templates) if t.cue == cue]
            if not indices:
                raise RuntimeError(f"no {cue} templates for {category}/{lang}")
            out.extend(_build_pool(rng, category, lang, indices, cue_quota, seen))
    return out


def _build_pool(
    rng: random.Random, category: str, lang: str, indices: list[int], quota: int, seen: set[str]
) -> list[dict]:
    """`quota` records from the templates `indices` of one (category, language): visit them in a
    seeded order, drawing a small group (1-6, mostly 2-4) from each, pass after pass.

    Groups never grow beyond 6 while any template can still take records under that cap; only
    when every template is full (6) or out of fills does the cap rise by 6 (large n). Extra
    records then join the template's existing group, because a phrasing must never straddle
    the train/test split.
    """
    order = list(indices)
    rng.shuffle(order)
    sizes = dict.fromkeys(order, 0)
    exhausted = dict.fromkeys(order, False)
    out: list[dict] = []
    cap = MAX_GROUP_SIZE
    while len(out) < quota:
        progressed = False
        for idx in order:
            room = min(quota - len(out), cap - sizes[idx])
            if room <= 0 or exhausted[idx]:
                continue
            want = min(_draw_group_size(rng), room)
            made = _fill_template(rng, category, lang, idx, want, seen)
            exhausted[idx] = len(made) < want
            sizes[idx] += len(made)
            out.extend(made)
            progressed = progressed or bool(made)
            if len(out) >= quota:
                break
        if not progressed:  # every template is exhausted or at the cap
            if all(exhausted.values()):
                cue = TEMPLATES[category][lang][order[0]].cue
                raise ValueError(
                    f"cannot make {quota} distinct {lang} records for category {category!r} from its "
                    f"{len(order)} {cue} templates: they ran out of unused slot fills after {len(out)}; lower --n"
                )
            cap += MAX_GROUP_SIZE
    return out


def _history_pair(rng: random.Random, kind: str, lang: str, seen: set[str], used: set[Template]) -> list[dict]:
    """One earlier exchange (user, assistant) of `kind` ("simple" / "complex") in `lang`, whose
    request is in no other record (`seen`, updated), from a template not in `used` (updated)."""
    templates = [t for t in HISTORY_TEMPLATES[kind][lang] if t not in used]
    for _attempt in range(MAX_DRAWS_PER_RECORD):
        template = rng.choice(templates)
        slots = _with_capitals(SAMPLERS[template.sampler](rng, lang))
        query = template.query.format(**slots)
        key = dedup_key(query)
        if key not in seen:
            break
    else:
        raise ValueError(f"ran out of distinct {kind} {lang} history turns; lower --n or --conversation-share")
    if not MIN_QUERY_CHARS <= len(query) <= MAX_QUERY_CHARS:
        raise RuntimeError(f"a {kind} {lang} history template made a request of {len(query)} characters: {query!r}")
    seen.add(key)
    used.add(template)
    return [{"role": "user", "content": query}, {"role": "assistant", "content": template.response.format(**slots)}]


def _with_history(rng: random.Random, rec: dict, seen: set[str]) -> dict:
    """`rec` as a conversation: 1-2 earlier exchanges, then its request as the final user turn.

    The exchange just before the final request is complex (answered with the forward reply) with
    probability HISTORY_LAST_COMPLEX[final needs_cloud], so a simple request often follows a
    forwarded one and a complex request usually follows a simple one; an earlier second exchange
    (HISTORY_TWO_PAIRS) is either kind. Each exchange is in the other language with probability
    HISTORY_OTHER_LANG. Label, category, group and reply stay those of the final request.
    """
    kinds = ["complex" if rng.random() < HISTORY_LAST_COMPLEX[rec["needs_cloud"]] else "simple"]
    if rng.random() < HISTORY_TWO_PAIRS:
        kinds.insert(0, rng.choice(("simple", "complex")))
    messages: list[dict] = []
    used: set[Template] = set()  # two earlier exchanges never share a phrasing
    for kind in kinds:
        lang = rec["lang"]
        if rng.random() < HISTORY_OTHER_LANG:
            lang = "en" if lang == "zh" else "zh"
        messages.extend(_history_pair(rng, kind, lang, seen, used))
    messages.append({"role": "user", "content": rec["query"]})
    return {
        "lang": rec["lang"],
        "category": rec["category"],
        "needs_cloud": rec["needs_cloud"],
        "group": rec["group"],
        "messages": messages,
        "response": rec["response"],
    }


def final_query(record: dict) -> str:
    """The request a record is labelled for: `query`, or a conversation's last user turn."""
    return record["messages"][-1]["content"] if "messages" in record else record["query"]


def history_of(record: dict) -> list[dict]:
    """A conversation record's earlier turns (user, assistant, ...); [] for a single request."""
    return record["messages"][:-1] if "messages" in record else []


def generate_records(
    n: int, seed: int, cloud_share: float = 0.2, conversation_share: float = CONVERSATION_SHARE
) -> list[dict]:
    """Generate `n` records, deterministically from `seed`.

    Returns dicts with keys in FIELDS order (single requests) or CONVERSATION_FIELDS order
    (round(stratum quota * conversation_share) records of every (category, language) stratum get
    earlier turns, see _with_history), ids edge-0001... in (shuffled) file order.
    Raises ValueError for a bad n / share or when n cannot be met without duplicates.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if n > 9999:
        raise ValueError(f"n={n} exceeds the 4-digit id space (edge-0001..edge-9999)")
    if not 0.0 <= cloud_share <= 1.0:
        raise ValueError(f"cloud_share must be within [0, 1], got {cloud_share!r}")
    if not 0.0 <= conversation_share <= 1.0:
        raise ValueError(f"conversation_share must be within [0, 1], got {conversation_share!r}")
    rng = random.Random(seed)
    seen: set[str] = set()
    strata: list[list[dict]] = []
    for category, quota in category_quotas(n, cloud_share).items():
        for lang, lang_quota in language_quotas(category, quota).items():
            if lang_quota:
                strata.append(_build_stratum(rng, category, lang, lang_quota, seen))
    # Histories are drawn after every final request exists, so none repeats a final request.
    records: list[dict] = []
    for stratum in strata:
        for i in sorted(rng.sample(range(len(stratum)), round(len(stratum) * conversation_share))):
            stratum[i] = _with_history(rng, stratum[i], seen)
        records.extend(stratum)
    rng.shuffle(records)
    out = []
    for i, rec in enumerate(records, 1):
        fields = CONVERSATION_FIELDS if "messages" in rec else FIELDS
        out.append({"id": f"edge-{i:04d}", **{k: rec[k] for k in fields[1:]}})
    return out


def file_rows(records: list[dict]) -> list[dict]:
    """The records as the raw file holds them: keys in FIELDS order, or CONVERSATION_FIELDS order for a
    conversation record (write with `reports.write_jsonl(..., compact=True)`: one compact object per line,
    byte-reproducible)."""
    return [{k: rec[k] for k in (CONVERSATION_FIELDS if "messages" in rec else FIELDS)} for rec in records]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m edgecloud.data.datagen",
        description="Generate the seeded raw dataset of requests to an on-device assistant (JSONL).",
    )
    parser.add_argument("--n", type=int, default=500, help="number of records (default 500)")
    parser.add_argument("--seed", type=int, default=20260210, help="random seed (default 20260210)")
    parser.add_argument(
        "--cloud-share", type=float, default=0.2, help="share of complex records that need the cloud (default 0.2)"
    )
    parser.add_argument(
        "--conversation-share",
        type=float,
        default=CONVERSATION_SHARE,
        help=f"share of records with earlier turns (default {CONVERSATION_SHARE})",
    )
    parser.add_argument("--out", type=Path, required=True, help="output .jsonl path")
    args = parser.parse_args(argv)
    try:
        records = generate_records(args.n, args.seed, args.cloud_share, args.conversation_share)
    except ValueError as exc:
        parser.error(str(exc))
    write_jsonl(args.out, file_rows(records), compact=True)
    n_cloud = sum(r["needs_cloud"] for r in records)
    n_groups = len({r["group"] for r in records})
    n_conv = sum("messages" in r for r in records)
    print(
        f"wrote {len(records)} records ({n_cloud} needs_cloud, {n_conv} conversations, {n_groups} groups) to {args.out}"
    )


if __name__ == "__main__":
    main()
