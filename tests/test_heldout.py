"""Tests of the held-out routing set (src/edgecloud/data/heldout.py, data/heldout/) and the multi-turn e2e cases.

The held-out set measures how routing generalises, so it must be made of requests the training
generator never makes: no held-out request (final or earlier user turn) may equal or nearly equal
(normalised text, the same text with other numbers, a shared run of 8+ words or 12+ Chinese
characters) any request that `edgecloud.data.datagen` generates, whatever datagen currently contains.
The shipped file must be exactly what the committed script makes, balanced as documented, with
labels that follow the categories and cues that are what they claim; the loader names file, line
and field of a bad record. The cue checks below use their own keyword lists, not the module's.
"""

from __future__ import annotations

import collections
import hashlib
import json
import random
import re
import unicodedata
from pathlib import Path

import pytest

from edgecloud.data import heldout, heldout_templates
from edgecloud.data.heldout import HeldoutError, load_heldout

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "heldout" / "routing_heldout_v1.jsonl"
MULTITURN = ROOT / "data" / "e2e" / "cases_multiturn.jsonl"
SINGLE_TURN = ROOT / "data" / "e2e" / "cases.jsonl"
N, SEED = 480, 7
TRAIN_N, TRAIN_SEED = 1000, 20260210

EDGE = ("device_control", "timer_reminder", "lookup", "translation", "arithmetic", "chitchat")
CLOUD = ("proof_derivation", "long_analysis", "planning", "coding")
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")

# Independent copies of the keyword heuristic's word lists (datagen's docstring) and thresholds.
ZH_WORDS = (
    "证明",
    "推导",
    "分析",
    "规划",
    "计划",
    "行程",
    "代码",
    "实现",
    "算法",
    "论文",
    "报告",
    "详细",
    "步骤",
    "比较",
    "策略",
    "设计",
    "优化",
)
EN_WORDS = re.compile(
    r"(?<![a-z])(prove|proves|proved|proving|proof|proofs|derive\w*|deriving|derivation\w*|"
    r"analy[sz]\w*|plan|plans|planned|planning|planner|itinerar\w*|code|codes|coding|coded|"
    r"algorithms?|essays?|reports?|compar\w*|strateg\w*|design\w*|optimi[sz]\w*)(?![a-z])"
)
LONG = {"zh": 40, "en": 120}
SHORT = {"zh": 20, "en": 60}


def has_word(text: str) -> bool:
    return any(w in text for w in ZH_WORDS) or EN_WORDS.search(text.lower()) is not None


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def shipped() -> list[dict]:
    return read_jsonl(SHIPPED)


# ---------------------------------------------------------------------------------------------
# Reproducible


def test_the_shipped_file_is_exactly_what_the_script_makes(tmp_path, capsys):
    random.seed(12345)  # the global RNG must not matter
    out = tmp_path / "heldout.jsonl"
    heldout.main(["--n", str(N), "--seed", str(SEED), "--out", str(out)])
    assert "wrote 480 records" in capsys.readouterr().out
    assert out.read_bytes() == SHIPPED.read_bytes()


# sha256 of other generations (sizes, seeds) made at commit 2523820, before the tables moved out of heldout.py
# into heldout_templates.py: moving code between the engine and its tables must not change a byte for any seed.
# A deliberate change of a table or of the engine changes them: regenerate the shipped file and put the new
# hashes here (python -m edgecloud.data.heldout --n N --seed S --out x.jsonl; sha256sum x.jsonl).
PINNED = {
    (480, 1): "a9baf453486e3777c066354e7d0210b793ad2ccea1f2debd456d6478836e7aa3",
    (200, 8): "a42e90ba7b5a598a528753da6da50df46b78b8f4ba15651d3fc4a5e567eb7360",
    (100, 2026): "c3257b4eea3358bce913d895b51699f2573bc19ce6171889d4c13eb8f100bd43",
}


@pytest.mark.parametrize("args", list(PINNED), ids=lambda a: "n{}-seed{}".format(*a))
def test_other_sizes_and_seeds_are_byte_for_byte_as_pinned(args, tmp_path, capsys):
    n, seed = args
    out = tmp_path / "heldout.jsonl"
    heldout.main(["--n", str(n), "--seed", str(seed), "--out", str(out)])
    assert f"wrote {n} records" in capsys.readouterr().out
    assert hashlib.sha256(out.read_bytes()).hexdigest() == PINNED[args], (
        f"heldout --n {n} --seed {seed} changed its output; if the change is deliberate, update PINNED"
    )


def test_generation_is_deterministic_and_depends_on_the_seed():
    random.seed(1)
    first = heldout.generate_records(N, SEED)
    random.seed(2)
    assert heldout.generate_records(N, SEED) == first
    assert heldout.generate_records(N, SEED + 1) != first


def test_the_loader_reads_back_what_the_generator_made(shipped):
    assert load_heldout(SHIPPED) == shipped == heldout.generate_records(N, SEED)


# ---------------------------------------------------------------------------------------------
# Shape and counts


def test_counts_per_category_language_and_cue(shipped):
    assert len(shipped) == N
    assert [r["id"] for r in shipped] == [f"heldout-{i:04d}" for i in range(1, N + 1)]
    by_cat = collections.Counter(r["category"] for r in shipped)
    assert by_cat == {
        "device_control": 63,
        "timer_reminder": 63,
        "lookup": 62,
        "translation": 62,
        "arithmetic": 62,
        "chitchat": 62,
        "proof_derivation": 27,
        "long_analysis": 27,
        "planning": 26,
        "coding": 26,
    }
    assert by_cat == heldout.category_quotas(N)
    assert collections.Counter(r["lang"] for r in shipped) == {"zh": 240, "en": 240}
    assert sum(r["needs_cloud"] for r in shipped) == 106  # 22 %
    assert collections.Counter(r["cue"] for r in shipped) == {
        "typical": 226,
        "history": 76,
        "keyword": 72,
        "long": 48,
        "plain": 32,
        "short": 26,
    }
    strata = collections.Counter((r["category"], r["lang"], r["cue"]) for r in shipped)
    for cat, quota in heldout.category_quotas(N).items():
        for lang, lang_quota in heldout.language_quotas(cat, quota).items():
            assert sum(v for (c, la, _), v in strata.items() if (c, la) == (cat, lang)) == lang_quota
            for cue, n in heldout.cue_quotas(cat, lang_quota).items():
                assert strata[(cat, lang, cue)] == n, (cat, lang, cue)
    # every stratum has every cue of its kind
    for cat in EDGE + CLOUD:
        for lang in ("zh", "en"):
            cues = {cue for (c, la, cue) in strata if (c, la) == (cat, lang)}
            assert cues == (
                {"typical", "keyword", "long", "history"} if cat in EDGE else {"typical", "short", "plain", "history"}
            ), (cat, lang)


def test_groups_are_small_paraphrase_templates(shipped):
    groups = collections.Counter(r["group"] for r in shipped)
    assert len(groups) >= 200
    assert max(groups.values()) <= 8
    for rec in shipped:
        assert re.fullmatch(rf"heldout/{rec['category']}/{rec['lang']}/t\d\d", rec["group"])
    by_group = collections.defaultdict(set)
    for rec in shipped:
        by_group[rec["group"]].add(rec["cue"])
    assert all(len(cues) == 1 for cues in by_group.values())  # a template has one cue


def test_labels_follow_the_category(shipped):
    for rec in shipped:
        assert rec["needs_cloud"] is (rec["category"] in CLOUD), rec
        assert rec["category"] in EDGE + CLOUD
        if rec["needs_cloud"]:
            assert rec["cue"] in ("typical", "short", "plain", "history"), rec
        else:
            assert rec["cue"] in ("typical", "keyword", "long", "history"), rec


def test_records_carry_no_reply_and_distinct_requests(shipped):
    for rec in shipped:
        assert set(rec) <= {"id", "lang", "category", "needs_cloud", "group", "cue", "query", "history"}
        assert ("history" in rec) is (rec["cue"] == "history")
        assert rec["query"] == rec["query"].strip() and rec["query"]
    keys = [heldout.dedup_key(" ".join(m["content"] for m in r.get("history", [])) + " " + r["query"]) for r in shipped]
    assert len(set(keys)) == len(keys)
    assert len({heldout.dedup_key(r["query"]) for r in shipped}) >= 440  # follow-ups may repeat after other turns


def test_languages(shipped):
    for rec in shipped:
        cjk = len(CJK.findall(rec["query"]))
        latin = len(re.findall(r"[A-Za-z]", rec["query"]))
        if rec["lang"] == "zh":
            assert cjk >= 2, rec
        else:
            assert latin > cjk, rec


# ---------------------------------------------------------------------------------------------
# Cues: the hard cases are really there


def test_cues_are_what_they_claim(shipped):
    for rec in shipped:
        q, lang, cue = rec["query"], rec["lang"], rec["cue"]
        n, kw = len(q), has_word(q)
        if cue == "keyword":
            assert kw and n <= LONG[lang], rec
        elif cue == "long":
            assert n > LONG[lang] and not kw, rec
        elif cue == "typical" and not rec["needs_cloud"]:
            assert n <= LONG[lang] and not kw, rec
        elif cue == "typical":
            assert kw and n > SHORT[lang], rec
        elif cue == "short":
            assert n <= SHORT[lang], rec
        elif cue == "plain":
            assert n > SHORT[lang] and not kw, rec


def test_a_keyword_or_length_rule_cannot_route_the_set(shipped):
    right = sum((has_word(r["query"]) or len(r["query"]) > LONG[r["lang"]]) == r["needs_cloud"] for r in shipped)
    assert right / len(shipped) < 0.8
    short_complex = [r for r in shipped if r["needs_cloud"] and len(r["query"]) <= SHORT[r["lang"]]]
    assert {r["lang"] for r in short_complex} == {"zh", "en"} and len(short_complex) >= 20


def test_multi_turn_records(shipped):
    multi = [r for r in shipped if "history" in r]
    assert 0.13 <= len(multi) / len(shipped) <= 0.18
    complex_users = {u for u, _a, _f in heldout_templates.ZH_THREADS + heldout_templates.EN_THREADS}
    kinds = collections.Counter()
    for rec in multi:
        hist = rec["history"]
        assert len(hist) in (2, 4)
        assert [m["role"] for m in hist] == ["user", "assistant"] * (len(hist) // 2)
        assert all(m["content"].strip() for m in hist)
        last_prior_complex = hist[-2]["content"] in complex_users
        kinds[(len(hist) // 2, last_prior_complex, rec["needs_cloud"])] += 1
    # 1 and 2 earlier turns; complex before simple, simple before complex, and complex follow-ups
    assert {k[0] for k in kinds} == {1, 2}
    assert sum(v for (_, prior, final), v in kinds.items() if prior and not final) >= 20
    assert sum(v for (_, prior, final), v in kinds.items() if not prior and final) >= 3
    assert sum(v for (_, prior, final), v in kinds.items() if prior and final) >= 3
    assert sum(v for (_, prior, final), v in kinds.items() if not prior and not final) >= 10


def test_no_forward_reply_in_any_history(shipped):
    from edgecloud.routing import is_forward

    for rec in shipped:
        for m in rec.get("history", []):
            if m["role"] == "assistant":
                assert not is_forward(m["content"]), rec
                assert "转发云端" not in m["content"] and "forward to cloud" not in m["content"].lower()


# ---------------------------------------------------------------------------------------------
# Never seen in training: no held-out request is (nearly) a datagen request


def _norm(text: str) -> str:
    return "".join(ch for ch in text.casefold() if not (ch.isspace() or unicodedata.category(ch).startswith("P")))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.casefold())


def _word_runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def _cjk_runs(text: str, n: int = 12) -> set[str]:
    return {run[i : i + n] for run in CJK_RUN.findall(_norm(text)) for i in range(len(run) - n + 1)}


class Index:
    """Training texts by normalised form, normalised form with numbers masked, 8-word and 12-character runs."""

    def __init__(self, texts):
        self.norm, self.masked, self.words, self.chars = {}, {}, {}, {}
        for t in texts:
            self.norm.setdefault(_norm(t), t)
            self.masked.setdefault(re.sub(r"\d+", "#", _norm(t)), t)
            for g in _word_runs(t):
                self.words.setdefault(g, t)
            for g in _cjk_runs(t):
                self.chars.setdefault(g, t)

    def match(self, text: str) -> str | None:
        """How `text` nearly equals an indexed text (and which), or None."""
        if _norm(text) in self.norm:
            return f"same text as {self.norm[_norm(text)]!r}"
        masked = re.sub(r"\d+", "#", _norm(text))
        if masked in self.masked:
            return f"same text but numbers as {self.masked[masked]!r}"
        for g in _word_runs(text):
            if g in self.words:
                return f"shares {' '.join(g)!r} with {self.words[g]!r}"
        for g in _cjk_runs(text):
            if g in self.chars:
                return f"shares {g!r} with {self.chars[g]!r}"
        return None


def user_texts(rec: dict) -> list[str]:
    """Every user turn of a record, whatever its layout: query, history, ms-swift messages, sharegpt."""
    texts = [rec["query"]] if isinstance(rec.get("query"), str) else []
    for key in ("history", "messages"):
        texts += [m["content"] for m in rec.get(key) or [] if m.get("role") == "user"]
    texts += [m["value"] for m in rec.get("conversations") or [] if m.get("from") in ("human", "user")]
    return texts


@pytest.fixture(scope="module")
def training() -> Index:
    from edgecloud.data.datagen import generate_records

    texts = [t for rec in generate_records(TRAIN_N, TRAIN_SEED) for t in user_texts(rec)]
    assert len(texts) >= TRAIN_N
    return Index(texts)


def _offenders(records: list[dict], index: Index) -> list[str]:
    found = []
    for rec in records:
        for text in user_texts(rec):
            why = index.match(text)
            if why:
                found.append(f"{rec['id']}: {text!r} {why}")
    return found


def test_no_heldout_request_nearly_equals_a_training_request(shipped, training):
    offenders = _offenders(shipped, training)
    assert not offenders, f"{len(offenders)} held-out requests are (nearly) training requests:\n" + "\n".join(
        offenders[:30]
    )


def test_no_multiturn_e2e_request_nearly_equals_a_training_request(training):
    offenders = _offenders(read_jsonl(MULTITURN), training)
    assert not offenders, "\n".join(offenders)


def test_no_heldout_request_nearly_equals_a_shipped_raw_request(shipped):
    """The raw files of earlier runs (made by earlier generator versions) count as training data too."""
    raw = sorted((ROOT / "data" / "raw").glob("*.jsonl"))
    assert raw
    index = Index([t for path in raw for rec in read_jsonl(path) for t in user_texts(rec)])
    offenders = _offenders(shipped, index) + _offenders(read_jsonl(MULTITURN), index)
    assert not offenders, "\n".join(offenders[:30])


def test_no_heldout_request_shares_a_phrase_with_a_training_template(shipped):
    """Beyond one seeded sample: the literal text between the slots of every datagen template."""
    from edgecloud.data import datagen_templates

    patterns: set[str] = set()

    def walk(obj):
        if isinstance(getattr(obj, "query", None), str) and hasattr(obj, "cue"):
            patterns.add(obj.query)
            for turn in getattr(obj, "history", ()) or ():
                patterns.update(t for t in (turn if isinstance(turn, tuple) else (turn,)) if isinstance(t, str))
        elif isinstance(obj, dict):
            for v in obj.values():
                walk(v)
        elif isinstance(obj, (tuple, list)):
            for v in obj:
                walk(v)

    for name, value in vars(datagen_templates).items():
        if name.isupper():
            walk(value)
    if not patterns:
        pytest.skip("datagen exposes no template objects with a query pattern")
    segments = [seg for p in patterns for seg in re.split(r"\{[^{}]*\}", p) if seg.strip()]
    index = Index(segments)
    index.norm, index.masked = {}, {}  # segments are fragments: only the shared runs count here
    offenders = _offenders(shipped, index) + _offenders(read_jsonl(MULTITURN), index)
    assert not offenders, "\n".join(offenders[:30])


# ---------------------------------------------------------------------------------------------
# The loader


GOOD = {
    "id": "heldout-0003",
    "lang": "zh",
    "category": "lookup",
    "needs_cloud": False,
    "group": "heldout/lookup/zh/t01",
    "cue": "typical",
    "query": "今年中秋节是几月几号",
}
HIST = [{"role": "user", "content": "给我出个谜语"}, {"role": "assistant", "content": "什么东西越洗越脏？"}]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": "heldout-0003", "lang": "zh"', "not valid JSON"),
        ('["heldout-0003"]', "expected a JSON object"),
        ({k: v for k, v in GOOD.items() if k != "query"}, "missing field 'query'"),
        ({**GOOD, "response": "好的"}, "unknown field 'response'"),
        ({**GOOD, "id": "edge-0003"}, "field 'id'"),
        ({**GOOD, "lang": "fr"}, "field 'lang'"),
        ({**GOOD, "category": "weather"}, "field 'category'"),
        ({**GOOD, "needs_cloud": True}, "field 'needs_cloud'"),
        ({**GOOD, "needs_cloud": "no"}, "field 'needs_cloud'"),
        ({**GOOD, "group": "heldout/lookup/en/t01"}, "field 'group'"),
        ({**GOOD, "cue": "plain"}, "field 'cue'"),
        ({**GOOD, "query": "  "}, "field 'query'"),
        ({**GOOD, "cue": "history"}, "field 'history'"),
        ({**GOOD, "history": HIST}, "field 'history'"),
        ({**GOOD, "cue": "history", "history": HIST[:1]}, "field 'history'"),
        ({**GOOD, "cue": "history", "history": HIST[::-1]}, "field 'history[0].role'"),
        (
            {**GOOD, "cue": "history", "history": [HIST[0], {"role": "assistant", "content": ""}]},
            "field 'history[1].content'",
        ),
        ({**GOOD, "id": "heldout-0001"}, "already used on line 1"),
        ("SAME_AS_LINE_2", "duplicate of line 2"),
    ],
)
def test_a_bad_line_is_named_with_file_line_and_field(tmp_path, shipped, line, message):
    first, second = shipped[0], shipped[1]
    if line == "SAME_AS_LINE_2":  # the same request under another id
        line = dict(second, id="heldout-0003")
    path = tmp_path / "bad_heldout.jsonl"
    body = [
        json.dumps(first, ensure_ascii=False),
        json.dumps(second, ensure_ascii=False),
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False),
    ]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    with pytest.raises(HeldoutError) as err:
        load_heldout(path)
    text = str(err.value)
    assert f"{path} line 3" in text and message in text, text


def test_a_good_line_loads_and_a_missing_or_empty_file_is_named(tmp_path):
    good = tmp_path / "ok.jsonl"
    good.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert load_heldout(good) == [GOOD]
    with pytest.raises(HeldoutError, match="nope.jsonl.*not found"):
        load_heldout(tmp_path / "nope.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(HeldoutError, match="empty.jsonl: no records"):
        load_heldout(empty)


def test_loader_errors_are_data_errors():
    from edgecloud.errors import DataError

    assert issubclass(HeldoutError, DataError) and issubclass(HeldoutError, ValueError)


def test_bad_arguments_are_refused():
    for bad in (0, -1, True, 10000):
        with pytest.raises(ValueError):
            heldout.generate_records(bad, SEED)
    with pytest.raises(ValueError):
        heldout.generate_records(N, SEED, cloud_share=1.5)


# ---------------------------------------------------------------------------------------------
# Multi-turn end-to-end cases (data/e2e/cases_multiturn.jsonl; e2e.py reads single-turn cases today)

# id -> (earlier turns, the turn just before the request is complex)
MIX = {
    "e2e-mt-01": (1, False),
    "e2e-mt-02": (1, False),
    "e2e-mt-03": (1, False),
    "e2e-mt-04": (1, False),
    "e2e-mt-05": (1, True),
    "e2e-mt-06": (1, True),
    "e2e-mt-07": (2, True),
    "e2e-mt-08": (1, True),
    "e2e-mt-09": (1, False),
    "e2e-mt-10": (1, False),
    "e2e-mt-11": (1, True),
    "e2e-mt-12": (1, True),
}


def test_multiturn_cases_have_the_single_turn_fields_plus_history():
    from edgecloud.serve.e2e import EDGE_CATEGORIES, Case
    from edgecloud.serve.gateway_request import validate_messages

    cases = read_jsonl(MULTITURN)
    assert [c["id"] for c in cases] == list(MIX)
    assert not {c["id"] for c in cases} & {c["id"] for c in read_jsonl(SINGLE_TURN)}
    for case in cases:
        assert list(case) == ["id", "lang", "category", "query", "expected_tier", "history"]
        Case.model_validate({k: v for k, v in case.items() if k != "history"})
        hist = case["history"]
        assert [m["role"] for m in hist] == ["user", "assistant"] * MIX[case["id"]][0]
        assert len(hist) <= 6  # the web client sends at most its last 6 messages
        validate_messages([*hist, {"role": "user", "content": case["query"]}], 4000)  # the gateway accepts it
        assert (case["expected_tier"] == "cloud") is (case["category"] not in EDGE_CATEGORIES)
    assert {c["lang"] for c in cases} == {"zh", "en"}
    assert collections.Counter(c["expected_tier"] for c in cases) == {"edge": 6, "cloud": 6}
    assert {c["category"] for c in cases if c["expected_tier"] == "edge"} == set(EDGE_CATEGORIES)
    assert {c["category"] for c in cases if c["expected_tier"] == "cloud"} == set(CLOUD)
    mix = collections.Counter((MIX[c["id"]][1], c["expected_tier"]) for c in cases)
    assert mix == {(False, "cloud"): 4, (True, "edge"): 4, (False, "edge"): 2, (True, "cloud"): 2}


def test_multiturn_history_shows_what_the_client_saw_not_the_forward_reply():
    from edgecloud.routing import is_forward

    for case in read_jsonl(MULTITURN):
        for m in case["history"]:
            assert m["content"].strip()
            if m["role"] == "assistant":
                assert not is_forward(m["content"]), case["id"]
