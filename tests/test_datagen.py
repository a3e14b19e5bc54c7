"""Tests of the seeded raw-data generator (src/edgecloud/data/datagen.py, its tables datagen_*.py) and its files.

v2 must be exactly what the committed script produces; v1 and the smoke file were made by the
previous generator (commit 36e4528) and must stay byte for byte as they were. The records must be
valid, distinct, balanced, split-friendly (small paraphrase groups) and factually right (arithmetic,
unit conversions, translations are checked against independent computations here, not the
module's). Routing must not be solvable from surface cues: some simple requests mention
complex-task words or are long, many complex requests are phrased without those words, and many
are short (keyword lists below). Conversation records are routed by their last user turn.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from edgecloud.data import datagen, datagen_templates, datagen_words
from edgecloud.jsonio import write_jsonl

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
V1 = RAW / "edge_requests_v1.jsonl"
V2 = RAW / "edge_requests_v2.jsonl"
SMOKE = RAW / "edge_requests_smoke.jsonl"
SHIPPED = [(V1, 500, 20260210), (V2, 1000, 20260210), (SMOKE, 60, 7)]
# Made by the generator of this commit and kept unchanged (earlier runs refer to them).
LEGACY_COMMIT = "36e4528"
LEGACY = {
    V1: (500, 20260210, "1e8e3d300591dd3b57600aa268211a15719ce62a6c4da6671b8268b403cdb759"),
    SMOKE: (60, 7, "917b285407d451b04eb546773cdf4e5a2a5599951a2fabd6fe4721e4fe272a99"),
}

FIELDS = ["id", "lang", "category", "needs_cloud", "group", "query", "response"]
CONVERSATION_FIELDS = ["id", "lang", "category", "needs_cloud", "group", "messages", "response"]
FORWARD = "转发云端 (forward to cloud)"
EDGE = {"device_control", "timer_reminder", "lookup", "translation", "arithmetic", "chitchat"}
CLOUD = {"proof_derivation", "long_analysis", "planning", "coding"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def query(rec: dict) -> str:
    """The request a record is labelled for (a conversation's last user turn)."""
    return rec["messages"][-1]["content"] if "messages" in rec else rec["query"]


def history(rec: dict) -> list[dict]:
    return rec["messages"][:-1] if "messages" in rec else []


@pytest.fixture(scope="module")
def v1() -> list[dict]:
    return load(V1)


@pytest.fixture(scope="module")
def v2() -> list[dict]:
    return load(V2)


@pytest.fixture(scope="module", params=[V1, V2], ids=["v1", "v2"])
def big(request) -> list[dict]:
    return load(request.param)


@pytest.fixture(scope="module", params=[V1, V2, SMOKE], ids=["v1", "v2", "smoke"])
def shipped(request) -> list[dict]:
    return load(request.param)


# ---------------------------------------------------------------------------------------------
# Independent checkers (deliberately not reusing the module's code)

_EXPR_CHARS = set("0123456789.%()+−×÷ ")


def equations(text: str) -> list[tuple[str, str, str]]:
    """Every 'lhs = rhs' / 'lhs ≈ rhs' in a reply, lhs made only of numbers, operators, parens."""
    found = []
    for m in re.finditer(r"[=≈]", text):
        start = m.start()
        while start > 0 and text[start - 1] in _EXPR_CHARS:
            start -= 1
        lhs = text[start : m.start()].strip()
        rhs = re.match(r"\s*\$?(-?\d+(?:\.\d+)?%?)", text[m.end() :])
        if re.search(r"\d", lhs) and rhs:
            found.append((lhs, m.group(), rhs.group(1)))
    return found


def evaluate(expr: str) -> Fraction:
    assert set(expr) <= _EXPR_CHARS, expr
    py = expr.replace("×", "*").replace("÷", "/").replace("−", "-")
    py = re.sub(r"(\d+(?:\.\d+)?)%", r"(\1/100)", py)
    py = re.sub(r"\d+(?:\.\d+)?", lambda m: f"F('{m.group()}')", py)
    return eval(py, {"__builtins__": {}, "F": Fraction})  # safe: only digits, operators and F(...)


def shown_value(text: str) -> tuple[Fraction, Fraction]:
    """The number a reply shows and half a unit of its last (2nd) decimal, in the same scale."""
    scale = 100 if text.endswith("%") else 1
    return Fraction(text.rstrip("%")) / scale, Fraction(1, 200) / scale


def equation_ok(lhs: str, sign: str, rhs: str) -> bool:
    value = evaluate(lhs)
    shown, half_unit = shown_value(rhs)
    if sign == "=":
        return value == shown
    return value != shown and abs(value - shown) <= half_unit


_CONVERT = {  # exact definitions: international mile / pound / inch, US liquid gallon
    ("km", "mi"): lambda x: x / Fraction("1.609344"),
    ("mi", "km"): lambda x: x * Fraction("1.609344"),
    ("c", "f"): lambda x: x * Fraction(9, 5) + 32,
    ("f", "c"): lambda x: (x - 32) * Fraction(5, 9),
    ("kg", "lb"): lambda x: x / Fraction("0.45359237"),
    ("lb", "kg"): lambda x: x * Fraction("0.45359237"),
    ("cm", "in"): lambda x: x / Fraction("2.54"),
    ("in", "cm"): lambda x: x * Fraction("2.54"),
    ("l", "gal"): lambda x: x / Fraction("3.785411784"),
    ("gal", "l"): lambda x: x * Fraction("3.785411784"),
}
_UNITS = {
    "公里": "km",
    "英里": "mi",
    "摄氏度": "c",
    "华氏度": "f",
    "公斤": "kg",
    "磅": "lb",
    "厘米": "cm",
    "英寸": "in",
    "加仑": "gal",
    "升": "l",
    "km": "km",
    "miles": "mi",
    "mile": "mi",
    "°C": "c",
    "°F": "f",
    "kg": "kg",
    "pounds": "lb",
    "pound": "lb",
    "cm": "cm",
    "inches": "in",
    "inch": "in",
    "liters": "l",
    "liter": "l",
    "gallons": "gal",
    "gallon": "gal",
}
_UNIT_RE = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_CONVERSION = re.compile(rf"(-?\d+(?:\.\d+)?) ({_UNIT_RE}) ?(约等于|等于|is about|is) (-?\d+(?:\.\d+)?) ({_UNIT_RE})")


def conversion_ok(reply: str) -> bool:
    m = _CONVERSION.search(reply)
    assert m, reply
    x, src, word, y, dst = m.groups()
    value = _CONVERT[(_UNITS[src], _UNITS[dst])](Fraction(x))
    shown = Fraction(y)
    if word in ("等于", "is"):
        return value == shown
    return value != shown and abs(value - shown) <= Fraction(1, 200)


def numbers(text: str) -> set[str]:
    return set(re.findall(r"-?\d+(?:\.\d+)?", text))


def test_checkers_reject_wrong_answers():
    """The checkers used below can fail: wrong results, wrong = / ≈, wrong conversions."""
    assert equations("23 × 17 = 391。") == [("23 × 17", "=", "391")]
    assert equation_ok("23 × 17", "=", "391")
    assert not equation_ok("23 × 17", "=", "392")
    assert not equation_ok("321 ÷ 9", "=", "35.67")  # not exact: must say ≈
    assert equation_ok("321 ÷ 9", "≈", "35.67")
    assert not equation_ok("321 ÷ 9", "≈", "35.7")
    assert equation_ok("(37 − 32) ÷ 32 × 100%", "≈", "15.63%")
    assert not equation_ok("(37 − 32) ÷ 32 × 100%", "≈", "15.6%")
    assert conversion_ok("5 km is about 3.11 miles.")
    assert not conversion_ok("5 km is about 3.2 miles.")
    assert not conversion_ok("37 摄氏度约等于 98.6 华氏度。")  # exact: must say 等于
    assert conversion_ok("37 摄氏度等于 98.6 华氏度。")


# ---------------------------------------------------------------------------------------------
# Reproducibility


def test_v2_is_exactly_what_the_script_makes(tmp_path):
    out = tmp_path / V2.name
    datagen.main(["--n", "1000", "--seed", "20260210", "--out", str(out)])
    assert out.read_bytes() == V2.read_bytes(), (
        "data/raw/edge_requests_v2.jsonl differs from a fresh generation: re-run "
        "python -m edgecloud.data.datagen --n 1000 --seed 20260210 --out data/raw/edge_requests_v2.jsonl"
    )


# sha256 of generations other than the shipped file's (the smoke profile's size and seed with this generator, and
# other sizes, seeds and shares), made at commit 2523820, before the tables moved out of datagen.py into
# datagen_*.py: moving code between the engine and its tables must not change a byte for any seed or profile.
# A deliberate change of a table or of the engine changes them: regenerate data/raw/edge_requests_v2.jsonl and
# put the new hashes here (python -m edgecloud.data.datagen --n N --seed S ... | sha256sum).
PINNED = {
    (60, 7, 0.2, 0.2): "64c33a5c2fdabcfa14b3e913356a810b533d66e979dbcd30e7fd84aba5873d69",
    (200, 1, 0.3, 0.0): "33cc5098e835018aa5f70f854078f6d6d237d29fa0b5742b0ac0563a3239399e",
    (150, 11, 0.5, 1.0): "80cdf540e7b59d352e1e9edf523e3a527805aab7b2d958c77aae9f97a1551d02",
    (333, 99, 0.0, 0.2): "20a4b4bf2f062d000534e7d74edf2758f956da39ad5863a15192b9807a8dc323",
    (120, 5, 1.0, 0.5): "71916bfd3deacd83900f683083f4a859ea55cd0a0573598ad675633db714dafc",
}


@pytest.mark.parametrize("args", list(PINNED), ids=lambda a: "n{}-seed{}-cloud{}-conv{}".format(*a))
def test_other_sizes_seeds_and_shares_are_byte_for_byte_as_pinned(args, tmp_path):
    n, seed, cloud_share, conversation_share = args
    out = tmp_path / "records.jsonl"
    write_jsonl(
        out, datagen.file_rows(datagen.generate_records(n, seed, cloud_share, conversation_share)), compact=True
    )
    assert hashlib.sha256(out.read_bytes()).hexdigest() == PINNED[args], (
        f"generate_records{args} changed its output; if the change of the tables or the engine is deliberate, "
        "update PINNED (and regenerate data/raw/edge_requests_v2.jsonl)"
    )


@pytest.mark.parametrize("path", list(LEGACY), ids=["v1", "smoke"])
def test_legacy_files_are_unchanged(path):
    """v1 and the smoke file come from the previous generator; this one must not overwrite them."""
    assert hashlib.sha256(path.read_bytes()).hexdigest() == LEGACY[path][2], (
        f"{path.relative_to(ROOT)} changed; restore it with git checkout (it was made at commit {LEGACY_COMMIT})"
    )


@pytest.mark.parametrize("path", list(LEGACY), ids=["v1", "smoke"])
def test_legacy_files_are_what_the_previous_generator_makes(path, tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    old = subprocess.run(
        [git, "show", f"{LEGACY_COMMIT}:src/edgecloud/datagen.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    if old.returncode != 0:
        pytest.skip(f"commit {LEGACY_COMMIT} is not in this clone")
    script = tmp_path / "datagen_v1.py"
    script.write_text(old.stdout, encoding="utf-8")
    n, seed, _ = LEGACY[path]
    out = tmp_path / path.name
    subprocess.run(
        [sys.executable, str(script), "--n", str(n), "--seed", str(seed), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert out.read_bytes() == path.read_bytes()


def test_output_does_not_depend_on_the_process_or_hash_seed(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    outs = []
    for hash_seed in ("0", "4242"):
        out = tmp_path / f"h{hash_seed}.jsonl"
        subprocess.run(
            [sys.executable, "-m", "edgecloud.data.datagen", "--n", "150", "--seed", "11", "--out", str(out)],
            env={**env, "PYTHONHASHSEED": hash_seed},
            check=True,
            capture_output=True,
            cwd=tmp_path,
        )
        outs.append(out.read_bytes())
    in_process = tmp_path / "in.jsonl"
    write_jsonl(in_process, datagen.file_rows(datagen.generate_records(150, 11)), compact=True)
    assert outs[0] == outs[1] == in_process.read_bytes()


def test_same_seed_same_records_different_seed_different():
    assert datagen.generate_records(200, 1) == datagen.generate_records(200, 1)
    assert datagen.generate_records(200, 1) != datagen.generate_records(200, 2)
    assert datagen.generate_records(200, 1, 0.2) != datagen.generate_records(200, 1, 0.3)
    assert datagen.generate_records(200, 1, 0.2, 0.2) != datagen.generate_records(200, 1, 0.2, 0.0)


def test_only_the_seeded_generator_is_used(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the global random module was used")

    for name in ("random", "choice", "choices", "shuffle", "randint", "randrange", "sample", "uniform"):
        monkeypatch.setattr(random, name, forbidden)
    assert len(datagen.generate_records(120, 5)) == 120


@pytest.mark.parametrize("path", [V1, V2], ids=["v1", "v2"])
def test_file_format_is_compact_utf8_jsonl_with_fixed_key_order(path):
    raw = path.read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    text = raw.decode("utf-8")
    assert "\\u" not in text  # ensure_ascii=False
    layouts = collections.Counter()
    for line in text.splitlines():
        rec = json.loads(line)
        assert list(rec) in (FIELDS, CONVERSATION_FIELDS)
        layouts["messages" in rec] += 1
        if "messages" in rec:
            assert all(list(m) == ["role", "content"] for m in rec["messages"])
        assert json.dumps(rec, ensure_ascii=False, separators=(",", ":")) == line
    assert layouts[True] == (0 if path == V1 else 196)  # v2: round(quota * 0.2) of every stratum


# ---------------------------------------------------------------------------------------------
# Counts and balance


@pytest.mark.parametrize(
    "n,share",
    [
        (1, 0.2),
        (2, 0.2),
        (7, 0.2),
        (60, 0.2),
        (137, 0.2),
        (500, 0.2),
        (500, 0.0),
        (500, 0.35),
        (101, 1.0),
        (1000, 0.2),
        (2000, 0.2),
    ],
)
def test_exact_n_and_cloud_share(n, share):
    recs = datagen.generate_records(n, 3, share)
    assert len(recs) == n
    n_cloud = sum(r["needs_cloud"] for r in recs)
    assert abs(n_cloud - round(n * share)) <= 1
    assert n_cloud == round(n * share)
    assert [r["id"] for r in recs] == [f"edge-{i:04d}" for i in range(1, n + 1)]
    per_cat = collections.Counter(r["category"] for r in recs)
    for cats in (EDGE, CLOUD):
        counts = [per_cat.get(c, 0) for c in cats]
        assert max(counts) - min(counts) <= 1, per_cat  # spread evenly
    keys = {datagen.dedup_key(query(r)) for r in recs}
    assert len(keys) == n


def test_counts_of_the_shipped_files():
    for path, n, _seed in SHIPPED:
        recs = load(path)
        assert len(recs) == n
        assert sum(r["needs_cloud"] for r in recs) == round(n * 0.2)


def test_every_category_in_both_languages_and_balanced(big):
    pairs = collections.Counter((r["category"], r["lang"]) for r in big)
    for cat in EDGE | CLOUD:
        for lang in ("zh", "en"):
            assert pairs[(cat, lang)] > 0, (cat, lang)
        assert abs(pairs[(cat, "zh")] - pairs[(cat, "en")]) <= 1, cat
    langs = collections.Counter(r["lang"] for r in big)
    assert abs(langs["zh"] - langs["en"]) <= 10


def test_records_are_shuffled(big):
    assert len({r["category"] for r in big[:40]}) >= 8
    assert len({r["lang"] for r in big[:10]}) == 2


# ---------------------------------------------------------------------------------------------
# Validity


def check_reply(rec: dict, category: str, reply: str) -> None:
    """An edge reply: non-empty text that never mentions forwarding, in the request's language."""
    assert isinstance(reply, str) and reply.strip() == reply and reply, rec
    assert "转发云端" not in reply and "forward to cloud" not in reply.casefold(), reply
    assert "云端" not in reply and "cloud" not in reply.casefold(), reply


def test_every_field_is_valid(shipped):
    from_groups: dict[str, tuple] = {}
    for r in shipped:
        assert list(r) in (FIELDS, CONVERSATION_FIELDS)
        assert re.fullmatch(r"edge-\d{4}", r["id"])
        assert r["lang"] in ("zh", "en")
        assert r["category"] in EDGE | CLOUD
        assert r["needs_cloud"] is (r["category"] in CLOUD)
        m = re.fullmatch(r"([a-z_]+)/(zh|en)/t(\d{2})", r["group"])
        assert m and m.group(1) == r["category"] and m.group(2) == r["lang"], r["group"]
        from_groups.setdefault(r["group"], (r["category"], r["lang"], r["needs_cloud"]))
        assert from_groups[r["group"]] == (r["category"], r["lang"], r["needs_cloud"])
        q = query(r)
        assert isinstance(q, str) and q == q.strip() and 2 <= len(q) <= 220, q
        if r["lang"] == "zh":
            assert CJK.search(q), q
        else:
            assert re.search(r"[A-Za-z]{2}", q), q
        if r["needs_cloud"]:
            assert r["response"] is None
            continue
        a = r["response"]
        check_reply(r, r["category"], a)
        if r["lang"] == "zh":
            assert CJK.search(a) or r["category"] == "arithmetic", a
        elif r["category"] not in ("translation", "arithmetic"):
            assert re.search(r"[A-Za-z]{2}", a), a


def test_conversation_records_are_well_formed(v2):
    conversations = [r for r in v2 if "messages" in r]
    assert conversations
    for r in conversations:
        msgs = r["messages"]
        assert [m["role"] for m in msgs] == ["user", "assistant"] * (len(msgs) // 2) + ["user"], r["id"]
        assert len(msgs) in (3, 5)  # 1-2 earlier exchanges
        for user, reply in zip(msgs[:-1:2], msgs[1::2]):
            text = user["content"]
            assert text == text.strip() and 2 <= len(text) <= 220, text
            if reply["content"] != FORWARD:
                check_reply(r, "history", reply["content"])


def test_edge_replies_are_not_detected_as_forwards(shipped):
    routing = pytest.importorskip("edgecloud.routing")
    flagged = [r["response"] for r in shipped if not r["needs_cloud"] and routing.is_forward(r["response"])]
    flagged += [
        m["content"]
        for r in shipped
        for m in history(r)
        if m["role"] == "assistant" and m["content"] != FORWARD and routing.is_forward(m["content"])
    ]
    assert flagged == []
    forwards = [m["content"] for r in shipped for m in history(r) if m["content"] == FORWARD]
    assert all(routing.is_forward(f) for f in forwards)


def test_no_duplicate_queries(shipped):
    def brief(q):  # stripped, lower-cased, whitespace collapsed
        return " ".join(q.strip().lower().split())

    def downstream(q):  # the converter's duplicate key (edgecloud.data.records.normalise_text)
        return re.sub(r"[\s。．.!！?？]+$", "", " ".join(q.casefold().split()))

    finals = [query(r) for r in shipped]
    earlier = [m["content"] for r in shipped for m in history(r) if m["role"] == "user"]
    for key in (brief, downstream, datagen.dedup_key):
        counts = collections.Counter(key(q) for q in finals)
        assert [q for q, c in counts.items() if c > 1] == []
        # no earlier turn repeats a request of the file (nor another earlier turn), so no test
        # request is ever trained as part of a training record's history
        assert len({key(q) for q in earlier}) == len(earlier)
        assert not {key(q) for q in earlier} & set(counts)


def test_complex_queries_tend_to_be_longer_in_v1(v1):
    """v1's property (the length shortcut v2 removes: see test_short_complex_requests_...)."""
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    edge = [len(r["query"]) for r in v1 if not r["needs_cloud"]]
    cloud = [len(r["query"]) for r in v1 if r["needs_cloud"]]
    assert mean(cloud) > 2 * mean(edge)
    assert min(edge) <= 6 and max(cloud) >= 120


# ---------------------------------------------------------------------------------------------
# Correctness of replies


def exchanges(recs: list[dict]) -> list[tuple[str, str, str]]:
    """(category, request, reply) of every edge reply: final requests and earlier simple turns."""
    out = [(r["category"], query(r), r["response"]) for r in recs if not r["needs_cloud"]]
    out += [
        ("history", u["content"], a["content"])
        for r in recs
        for u, a in zip(history(r)[::2], history(r)[1::2])
        if a["content"] != FORWARD
    ]
    return out


def test_arithmetic_replies_are_correct(shipped):
    arithmetic = [r for r in shipped if r["category"] == "arithmetic"]
    assert arithmetic
    for r in arithmetic:
        found = equations(r["response"])
        assert found, r["response"]
        for lhs, sign, rhs in found:
            assert equation_ok(lhs, sign, rhs), r["response"]
        assert numbers(found[0][0]) & numbers(query(r)), (query(r), r["response"])
    # equations anywhere else (earlier turns, other categories) are right too
    for _cat, request, reply in exchanges(shipped):
        for lhs, sign, rhs in equations(reply):
            if set(lhs) <= _EXPR_CHARS and re.search(r"[+−×÷]", lhs):
                assert equation_ok(lhs, sign, rhs), reply
                assert numbers(lhs) & numbers(request), (request, reply)


def test_unit_conversions_are_correct(big):
    conversions = [(q, a) for _cat, q, a in exchanges(big) if _CONVERSION.search(a)]
    assert len(conversions) >= 20
    assert {bool(CJK.search(a)) for _q, a in conversions} == {True, False}
    for q, a in conversions:
        assert conversion_ok(a), a
        x = _CONVERSION.search(a).group(1)
        assert x in numbers(q), (q, a)


def test_weather_and_time_lookups_say_they_are_checking(shipped):
    others = [r for r in shipped if r["category"] == "lookup" and not _CONVERSION.search(r["response"])]
    assert others
    for r in others:
        assert r["response"].startswith(("正在为你查询", "Checking", "Let me check", "Looking up")), r["response"]


def test_translations_match_the_phrase_table(shipped):
    def bare(t):
        return t.rstrip("？?！!。. ")

    rows = datagen_words.PHRASES + datagen_words.TERMS + datagen_words.KW_SENTENCES + datagen_words.JARGON
    targets = collections.Counter()
    pairs = [(query(r), r["response"]) for r in shipped if r["category"] == "translation"]
    pairs += [
        (q, a) for _cat, q, a in exchanges(shipped) if _cat == "history" and re.search(r"in French|英语怎么讲", q)
    ]
    for q_text, a in pairs:
        q = q_text.casefold()
        hits = [
            (src, dst)
            for row in rows
            for src in row
            for dst in row
            if src != dst and bare(row[src]).casefold() in q and row[dst] in a
        ]
        assert hits, (q_text, a)
        targets.update(dst for _, dst in hits)
    if len(shipped) >= 500:
        assert {"zh", "en", "ja", "fr"} <= set(targets)


def test_forward_reply_matches_the_converter_default():
    params = pytest.importorskip("edgecloud.params")
    # the raw data's earlier forward turns carry the generator's reply; the converter replaces them with
    # data.forward_reply, whose first character is the decision token
    from edgecloud.routing import is_forward

    assert datagen_templates.FORWARD_REPLY == FORWARD and is_forward(FORWARD)
    assert is_forward(params.DEFAULT_FORWARD_REPLY) and params.DEFAULT_FORWARD_REPLY.startswith("[")


def test_v2_converts_without_rejects(v2):
    """The converter reads every v2 record, with the history of each conversation record."""
    from edgecloud.data.records import convert_files

    accepted, rejects, counts = convert_files([V2], "auto", FORWARD, 1024)
    assert rejects == [] and len(accepted) == 1000
    by_id = {r["id"]: r for r in v2}
    for ex in accepted:
        rec = by_id[ex.id]
        assert ex.query == query(rec) and ex.needs_cloud is rec["needs_cloud"] and ex.group == rec["group"]
        assert ex.history == history(rec)
        assert ex.response == (FORWARD if rec["needs_cloud"] else rec["response"])
    assert sum(bool(ex.history) for ex in accepted) == 196


# ---------------------------------------------------------------------------------------------
# Surface cues: neither keywords nor length may give the label away

# Words a keyword router looks for (substring match, case-insensitive; "analy" covers analysis /
# analyze, "optimi" optimize / optimization, "plan" planning). Both lists apply to every query,
# since a Chinese request can quote an English word and the other way round.
KEYWORDS_ZH = (
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
    "论述",
)
KEYWORDS_EN = (
    "prove",
    "proof",
    "derive",
    "derivation",
    "analy",
    "plan",
    "itinerary",
    "implement",
    "code",
    "algorithm",
    "essay",
    "report",
    "compare",
    "strategy",
    "design",
    "step by step",
    "optimi",
    "in depth",
    "in-depth",
)
LONG_CHARS = {"zh": 40, "en": 120}  # a request longer than this looks complex to a length rule


def has_keyword(text: str) -> bool:
    q = text.casefold()
    return any(k in q for k in KEYWORDS_ZH + KEYWORDS_EN)


def is_long(rec: dict) -> bool:
    return len(query(rec)) > LONG_CHARS[rec["lang"]]


def cue_shares(recs: list[dict]) -> dict[str, float]:
    edge = [r for r in recs if not r["needs_cloud"]]
    cloud = [r for r in recs if r["needs_cloud"]]
    return {
        "edge_with_keyword": sum(has_keyword(query(r)) for r in edge) / len(edge),
        "cloud_without_keyword": sum(not has_keyword(query(r)) for r in cloud) / len(cloud),
        "edge_long": sum(is_long(r) for r in edge) / len(edge),
        "cloud_short": sum(not is_long(r) for r in cloud) / len(cloud),
    }


def heuristic_accuracy(recs: list[dict], max_len: dict[str, int] = LONG_CHARS) -> float:
    """Forward on a keyword or a request longer than max_len (the thesis' heuristic baseline)."""
    right = sum((has_keyword(query(r)) or len(query(r)) > max_len[r["lang"]]) == r["needs_cloud"] for r in recs)
    return right / len(recs)


def best_fitted_heuristic_accuracy(recs: list[dict]) -> float:
    """The heuristic with each language's length threshold fitted on the very data it is scored on."""
    best = dict(LONG_CHARS)
    for lang in ("zh", "en"):
        items = [r for r in recs if r["lang"] == lang]
        if not items:
            continue
        candidates = sorted({len(query(r)) for r in items}) + [10**6]
        best[lang] = max(candidates, key=lambda t: heuristic_accuracy(items, {**best, lang: t}))
    return heuristic_accuracy(recs, best)


def test_cue_checkers_can_fail():
    assert has_keyword("提醒我明天上午10点交实验分析报告")
    assert has_keyword("How do you say 'proof' in French?")
    assert has_keyword("Planning a trip to Boston")  # case-insensitive stem
    assert not has_keyword("为什么 1/n 的级数发散，而 1/n² 收敛？")
    assert not has_keyword("Why can't you trisect an arbitrary angle with ruler and compass?")
    assert is_long({"lang": "zh", "query": "长" * 41}) and not is_long({"lang": "zh", "query": "长" * 40})
    assert is_long({"lang": "en", "query": "x" * 121}) and not is_long({"lang": "en", "query": "x" * 120})
    old_style = [
        {"lang": "en", "needs_cloud": False, "query": "set a timer for 5 minutes"},
        {
            "lang": "en",
            "needs_cloud": True,
            "query": "Prove that √2 is irrational, step by step, explaining every single inference you make "
            "along the way and why each one is valid.",
        },
    ]
    assert cue_shares(old_style) == {
        "edge_with_keyword": 0.0,
        "cloud_without_keyword": 0.0,
        "edge_long": 0.0,
        "cloud_short": 0.0,
    }
    assert heuristic_accuracy(old_style) == best_fitted_heuristic_accuracy(old_style) == 1.0
    conv = {
        "lang": "en",
        "needs_cloud": False,
        "messages": [
            {"role": "user", "content": "Prove that √2 is irrational."},
            {"role": "assistant", "content": FORWARD},
            {"role": "user", "content": "thanks"},
        ],
    }
    assert not has_keyword(query(conv)) and heuristic_accuracy([conv]) == 1.0  # the last turn decides


@pytest.fixture(scope="module", params=["v2", 500, 2000], ids=["v2", "n500", "n2000"])
def recs(request, v2) -> list[dict]:
    return v2 if request.param == "v2" else datagen.generate_records(request.param, request.param)


def test_keywords_do_not_give_the_label_away(recs):
    shares = cue_shares(recs)
    assert 0.22 <= shares["edge_with_keyword"] <= 0.35, shares
    assert 0.45 <= shares["cloud_without_keyword"] <= 0.80, shares
    # Spread: every category, in both languages, has records whose keywords mislead.
    for cat in EDGE | CLOUD:
        for lang in ("zh", "en"):
            stratum = [r for r in recs if r["category"] == cat and r["lang"] == lang]
            misleading = [r for r in stratum if has_keyword(query(r)) != r["needs_cloud"]]
            assert len(misleading) >= 0.2 * len(stratum), (cat, lang)


def test_length_does_not_give_the_label_away(recs):
    shares = cue_shares(recs)
    assert shares["edge_long"] >= 0.10, shares
    assert shares["cloud_short"] >= 0.5, shares
    for cat in EDGE:
        for lang in ("zh", "en"):
            assert any(is_long(r) for r in recs if r["category"] == cat and r["lang"] == lang), (cat, lang)


def test_short_complex_requests_in_every_complex_stratum(recs):
    """At least the SHORT share of every complex stratum is under the length threshold, and the
    SHORT requests are typically far under it (as short as the simple requests)."""
    for cat in CLOUD:
        for lang in ("zh", "en"):
            stratum = [r for r in recs if r["category"] == cat and r["lang"] == lang]
            short = [r for r in stratum if not is_long(r)]
            assert len(short) >= round(len(stratum) * datagen.CLOUD_CUE_SHARES[datagen.SHORT]), (cat, lang)
            from_short = [r for r in stratum if template_of(r).cue == datagen.SHORT]
            assert len(from_short) == round(len(stratum) * datagen.CLOUD_CUE_SHARES[datagen.SHORT]), (cat, lang)
    for lang, limit in (("zh", 20), ("en", 60)):
        lengths = [len(query(r)) for r in recs if r["lang"] == lang and template_of(r).cue == datagen.SHORT]
        edge = statistics.quantiles([len(query(r)) for r in recs if r["lang"] == lang and not r["needs_cloud"]], n=4)
        assert statistics.median(lengths) <= min(limit, 1.5 * edge[1]), lang
        assert sum(n <= edge[2] for n in lengths) >= 0.6 * len(lengths), lang  # most as short as simple requests


def test_a_keyword_or_length_rule_is_far_from_perfect(recs):
    """The thesis' heuristic baseline (forward on a keyword or a long request) must not ace the data,
    not even with its length thresholds fitted on the data it is scored on."""
    assert heuristic_accuracy(recs) <= 0.70, heuristic_accuracy(recs)
    assert best_fitted_heuristic_accuracy(recs) <= 0.72, best_fitted_heuristic_accuracy(recs)


def test_v1_cue_shares_as_documented_for_it(v1):
    shares = cue_shares(v1)
    assert 0.12 <= shares["edge_with_keyword"] <= 0.25, shares
    assert 0.35 <= shares["cloud_without_keyword"] <= 0.55, shares
    assert heuristic_accuracy(v1) <= 0.85


def template_of(rec: dict) -> datagen.Template:
    cat, lang, t = rec["group"].split("/")
    return datagen.TEMPLATES[cat][lang][int(t[1:]) - 1]


def check_cue(cue: str, rec: dict) -> None:
    if cue == datagen.KEYWORD:
        assert not rec["needs_cloud"] and has_keyword(query(rec)), rec
    elif cue == datagen.LONG:
        assert not rec["needs_cloud"] and is_long(rec) and not has_keyword(query(rec)), rec
    elif cue == datagen.PLAIN:
        assert rec["needs_cloud"] and not has_keyword(query(rec)), rec
    elif cue == datagen.SHORT:
        assert rec["needs_cloud"] and not is_long(rec), rec
    else:
        assert cue == datagen.TYPICAL, cue


def test_every_template_keeps_its_cue():
    """KEYWORD templates always mention a keyword, LONG ones are always long and keyword-free, PLAIN
    (complex) ones never mention a keyword, SHORT (complex) ones are never long: for many fills of
    every such template."""
    rng = random.Random(0)
    n_checked = collections.Counter()
    for cat, by_lang in datagen.TEMPLATES.items():
        for lang, templates in by_lang.items():
            for t in templates:
                if t.cue == datagen.TYPICAL:
                    continue
                for _ in range(300):
                    slots = datagen._with_capitals(datagen.SAMPLERS[t.sampler](rng, lang))
                    check_cue(t.cue, {"lang": lang, "needs_cloud": cat in CLOUD, "query": t.query.format(**slots)})
                n_checked[(t.cue, cat in CLOUD)] += 1
    assert set(n_checked) == {
        (datagen.KEYWORD, False),
        (datagen.LONG, False),
        (datagen.PLAIN, True),
        (datagen.SHORT, True),
    }
    # and the cue of a record's group, as generated
    for r in datagen.generate_records(2000, 4):
        check_cue(template_of(r).cue, r)


def test_short_templates_cover_many_distinct_tasks(v2):
    """Short complex requests come from large task tables, not a few memorisable lines."""
    rng = random.Random(1)
    for cat in CLOUD:
        for lang in ("zh", "en"):
            shorts = [t for t in datagen.TEMPLATES[cat][lang] if t.cue == datagen.SHORT]
            assert len(shorts) >= 8, (cat, lang)
            tasks = {tuple(sorted(datagen.SAMPLERS[t.sampler](rng, lang).items())) for t in shorts for _ in range(60)}
            assert len(tasks) >= 40, (cat, lang, len(tasks))  # distinct slot fills (claims, programs, ...)
    # in v2 itself, SHORT requests of a stratum rarely share their task once the template is stripped off
    for cat in CLOUD:
        for lang in ("zh", "en"):
            fills = [
                slot_values(template_of(r), query(r))
                for r in v2
                if r["category"] == cat and r["lang"] == lang and template_of(r).cue == datagen.SHORT
            ]
            assert len(fills) == round(25 * 0.35) and len(set(fills)) >= len(fills) - 1, (cat, lang, fills)


def slot_values(template: datagen.Template, text: str) -> tuple[str, ...]:
    """The slot fills of `text`, a request made from `template` (first letters lower-cased)."""
    pattern = re.sub(r"\\\{\w+\\\}", "(.+?)", re.escape(template.query))
    m = re.fullmatch(pattern, text, re.S)
    assert m, (template.query, text)
    return tuple(v[:1].lower() + v[1:] for v in m.groups())


# ---------------------------------------------------------------------------------------------
# Conversations: the label is the last turn's


def test_conversation_share_per_stratum(recs):
    for cat in EDGE | CLOUD:
        for lang in ("zh", "en"):
            stratum = [r for r in recs if r["category"] == cat and r["lang"] == lang]
            conv = [r for r in stratum if "messages" in r]
            assert len(conv) == round(len(stratum) * datagen.CONVERSATION_SHARE), (cat, lang)


def test_conversations_route_by_their_last_turn(recs):
    """The final request alone decides: simple requests follow forwarded complex ones, complex
    requests follow simple exchanges, histories are sometimes in the other language, and the
    label of the turn before says little about the label of the last one."""
    conv = [r for r in recs if "messages" in r]
    patterns = collections.Counter()
    for r in conv:
        check_cue(template_of(r).cue, r)  # the final turn is an ordinary record of its group
        assert r["needs_cloud"] is (r["category"] in CLOUD)
        before = history(r)[-1]["content"] == FORWARD  # the exchange just before was forwarded
        patterns[(before, r["needs_cloud"])] += 1
        langs = {("zh" if CJK.search(m["content"]) else "en") for m in history(r) if m["role"] == "user"}
        patterns["mixed"] += langs != {r["lang"]}
        patterns["two"] += len(history(r)) == 4
    n_edge = sum(not r["needs_cloud"] for r in conv)
    n_cloud = len(conv) - n_edge
    assert patterns[(True, False)] >= 0.45 * n_edge  # forwarded, then a simple request
    assert patterns[(False, True)] >= 0.55 * n_cloud  # simple exchange, then a complex request
    assert patterns[(True, True)] >= 1 and patterns[(False, False)] >= 0.2 * n_edge
    assert 0.05 * len(conv) <= patterns["mixed"] <= 0.4 * len(conv)
    assert 0.2 * len(conv) <= patterns["two"] <= 0.5 * len(conv)
    # copying the previous turn's decision would be a poor router
    copy_right = sum((history(r)[-1]["content"] == FORWARD) == r["needs_cloud"] for r in conv)
    assert copy_right / len(conv) <= 0.6


def test_history_turns_are_consistent(v2):
    """Forwarded earlier turns are complex requests, answered earlier turns simple ones."""
    for r in (r for r in v2 if "messages" in r):
        for user, reply in zip(history(r)[::2], history(r)[1::2]):
            forwarded = reply["content"] == FORWARD
            kind = "complex" if forwarded else "simple"
            lang = "zh" if CJK.search(user["content"]) else "en"
            matches = [
                t
                for t in datagen.HISTORY_TEMPLATES[kind][lang]
                if re.fullmatch(re.sub(r"\\\{\w+\\\}", ".+", re.escape(t.query)), user["content"], re.S)
            ]
            assert matches, (kind, user["content"])


# ---------------------------------------------------------------------------------------------
# Groups


def test_groups_are_small_and_many(shipped):
    sizes = collections.Counter(r["group"] for r in shipped)
    assert all(1 <= s <= 6 for s in sizes.values()), sizes.most_common(3)
    if len(shipped) >= 500:
        assert len(sizes) >= 150
        mid = sum(1 for s in sizes.values() if 2 <= s <= 4)
        assert mid >= 0.6 * len(sizes)


def test_groups_stay_small_for_moderate_n():
    for n in (100, 300, 800, 1000):
        sizes = collections.Counter(r["group"] for r in datagen.generate_records(n, 9))
        assert max(sizes.values()) <= 6, n


# ---------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize(
    "n,share,conv", [(0, 0.2, 0.2), (-5, 0.2, 0.2), (10, 1.5, 0.2), (10, -0.1, 0.2), (10, 0.2, -0.1), (10, 0.2, 1.5)]
)
def test_bad_arguments_raise(n, share, conv):
    with pytest.raises(ValueError):
        datagen.generate_records(n, 1, share, conv)


def test_impossible_n_raises_clear_error():
    with pytest.raises(ValueError, match="cannot make"):
        datagen.generate_records(9000, 1)


def test_cli_reports_errors_without_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        datagen.main(["--n", "0", "--seed", "1", "--out", str(tmp_path / "x.jsonl")])
    assert exc.value.code == 2
    assert "positive integer" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()
