"""Tests of the seeded raw-data generator (src/edgecloud/datagen.py) and the two files it made.

The shipped files must be exactly what the committed script produces; the records must be valid,
distinct, balanced, split-friendly (small paraphrase groups) and factually right (arithmetic, unit
conversions, translations are checked against independent computations here, not the module's).
Routing must not be solvable from surface cues: some simple requests mention complex-task words
or are long, and many complex requests are phrased without those words (keyword lists below).
"""
from __future__ import annotations

import collections
import json
import os
import random
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from edgecloud import datagen

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
V1 = RAW / "edge_requests_v1.jsonl"
SMOKE = RAW / "edge_requests_smoke.jsonl"
SHIPPED = [(V1, 500, 20260210), (SMOKE, 60, 7)]

FIELDS = ["id", "lang", "category", "needs_cloud", "group", "query", "response"]
EDGE = {"device_control", "timer_reminder", "lookup", "translation", "arithmetic", "chitchat"}
CLOUD = {"proof_derivation", "long_analysis", "planning", "coding"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def v1() -> list[dict]:
    return load(V1)


@pytest.fixture(scope="module", params=[V1, SMOKE], ids=["v1", "smoke"])
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
        lhs = text[start:m.start()].strip()
        rhs = re.match(r"\s*\$?(-?\d+(?:\.\d+)?%?)", text[m.end():])
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
    ("km", "mi"): lambda x: x / Fraction("1.609344"), ("mi", "km"): lambda x: x * Fraction("1.609344"),
    ("c", "f"): lambda x: x * Fraction(9, 5) + 32, ("f", "c"): lambda x: (x - 32) * Fraction(5, 9),
    ("kg", "lb"): lambda x: x / Fraction("0.45359237"), ("lb", "kg"): lambda x: x * Fraction("0.45359237"),
    ("cm", "in"): lambda x: x / Fraction("2.54"), ("in", "cm"): lambda x: x * Fraction("2.54"),
    ("l", "gal"): lambda x: x / Fraction("3.785411784"), ("gal", "l"): lambda x: x * Fraction("3.785411784"),
}
_UNITS = {"公里": "km", "英里": "mi", "摄氏度": "c", "华氏度": "f", "公斤": "kg", "磅": "lb", "厘米": "cm",
          "英寸": "in", "加仑": "gal", "升": "l", "km": "km", "miles": "mi", "mile": "mi", "°C": "c", "°F": "f",
          "kg": "kg", "pounds": "lb", "pound": "lb", "cm": "cm", "inches": "in", "inch": "in", "liters": "l",
          "liter": "l", "gallons": "gal", "gallon": "gal"}
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


@pytest.mark.parametrize("path,n,seed", SHIPPED, ids=["v1", "smoke"])
def test_shipped_file_is_exactly_what_the_script_makes(path, n, seed, tmp_path):
    out = tmp_path / path.name
    datagen.main(["--n", str(n), "--seed", str(seed), "--out", str(out)])
    assert out.read_bytes() == path.read_bytes(), (
        f"{path.relative_to(ROOT)} differs from a fresh generation: re-run "
        f"python -m edgecloud.datagen --n {n} --seed {seed} --out {path.relative_to(ROOT)}")


def test_output_does_not_depend_on_the_process_or_hash_seed(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    outs = []
    for hash_seed in ("0", "4242"):
        out = tmp_path / f"h{hash_seed}.jsonl"
        subprocess.run([sys.executable, "-m", "edgecloud.datagen", "--n", "150", "--seed", "11", "--out", str(out)],
                       env={**env, "PYTHONHASHSEED": hash_seed}, check=True, capture_output=True, cwd=tmp_path)
        outs.append(out.read_bytes())
    in_process = tmp_path / "in.jsonl"
    datagen.write_jsonl(datagen.generate_records(150, 11), in_process)
    assert outs[0] == outs[1] == in_process.read_bytes()


def test_same_seed_same_records_different_seed_different():
    assert datagen.generate_records(200, 1) == datagen.generate_records(200, 1)
    assert datagen.generate_records(200, 1) != datagen.generate_records(200, 2)
    assert datagen.generate_records(200, 1, 0.2) != datagen.generate_records(200, 1, 0.3)


def test_only_the_seeded_generator_is_used(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the global random module was used")

    for name in ("random", "choice", "choices", "shuffle", "randint", "randrange", "sample", "uniform"):
        monkeypatch.setattr(random, name, forbidden)
    assert len(datagen.generate_records(120, 5)) == 120


def test_file_format_is_compact_utf8_jsonl_with_fixed_key_order():
    raw = V1.read_bytes()
    assert raw.endswith(b"\n") and b"\r" not in raw
    text = raw.decode("utf-8")
    assert "\\u" not in text  # ensure_ascii=False
    for line in text.splitlines():
        rec = json.loads(line)
        assert list(rec) == FIELDS
        assert json.dumps(rec, ensure_ascii=False, separators=(",", ":")) == line


# ---------------------------------------------------------------------------------------------
# Counts and balance


@pytest.mark.parametrize("n,share", [(1, 0.2), (2, 0.2), (7, 0.2), (60, 0.2), (137, 0.2), (500, 0.2), (500, 0.0),
                                     (500, 0.35), (101, 1.0), (1000, 0.2), (2000, 0.2)])
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
    keys = {datagen.dedup_key(r["query"]) for r in recs}
    assert len(keys) == n


def test_counts_of_the_shipped_files():
    for path, n, _seed in SHIPPED:
        recs = load(path)
        assert len(recs) == n
        assert sum(r["needs_cloud"] for r in recs) == round(n * 0.2)


def test_every_category_in_both_languages_and_balanced(v1):
    pairs = collections.Counter((r["category"], r["lang"]) for r in v1)
    for cat in EDGE | CLOUD:
        for lang in ("zh", "en"):
            assert pairs[(cat, lang)] > 0, (cat, lang)
        assert abs(pairs[(cat, "zh")] - pairs[(cat, "en")]) <= 1, cat
    langs = collections.Counter(r["lang"] for r in v1)
    assert abs(langs["zh"] - langs["en"]) <= 10


def test_records_are_shuffled(v1):
    assert len({r["category"] for r in v1[:40]}) >= 8
    assert len({r["lang"] for r in v1[:10]}) == 2


# ---------------------------------------------------------------------------------------------
# Validity


def test_every_field_is_valid(shipped):
    from_groups: dict[str, tuple] = {}
    for r in shipped:
        assert list(r) == FIELDS
        assert re.fullmatch(r"edge-\d{4}", r["id"])
        assert r["lang"] in ("zh", "en")
        assert r["category"] in EDGE | CLOUD
        assert r["needs_cloud"] is (r["category"] in CLOUD)
        m = re.fullmatch(r"([a-z_]+)/(zh|en)/t(\d{2})", r["group"])
        assert m and m.group(1) == r["category"] and m.group(2) == r["lang"], r["group"]
        from_groups.setdefault(r["group"], (r["category"], r["lang"], r["needs_cloud"]))
        assert from_groups[r["group"]] == (r["category"], r["lang"], r["needs_cloud"])
        q = r["query"]
        assert isinstance(q, str) and q == q.strip() and 2 <= len(q) <= 220, q
        if r["lang"] == "zh":
            assert CJK.search(q), q
        else:
            assert re.search(r"[A-Za-z]{2}", q), q
        if r["needs_cloud"]:
            assert r["response"] is None
            continue
        a = r["response"]
        assert isinstance(a, str) and a.strip() == a and a, r
        assert "转发云端" not in a and "forward to cloud" not in a.casefold(), a
        assert "云端" not in a and "cloud" not in a.casefold(), a
        if r["lang"] == "zh":
            assert CJK.search(a) or r["category"] == "arithmetic", a
        elif r["category"] not in ("translation", "arithmetic"):
            assert re.search(r"[A-Za-z]{2}", a), a


def test_edge_replies_are_not_detected_as_forwards(shipped):
    routing = pytest.importorskip("edgecloud.routing")
    flagged = [r["response"] for r in shipped if not r["needs_cloud"] and routing.is_forward(r["response"])]
    assert flagged == []


def test_no_duplicate_queries(shipped):
    def brief(q):  # stripped, lower-cased, whitespace collapsed
        return " ".join(q.strip().lower().split())

    def downstream(q):  # the converter's duplicate key (edgecloud.records.normalise_text)
        return re.sub(r"[\s。．.!！?？]+$", "", " ".join(q.casefold().split()))

    for key in (brief, downstream):
        counts = collections.Counter(key(r["query"]) for r in shipped)
        assert [q for q, c in counts.items() if c > 1] == []


def test_complex_queries_tend_to_be_longer(v1):
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    edge = [len(r["query"]) for r in v1 if not r["needs_cloud"]]
    cloud = [len(r["query"]) for r in v1 if r["needs_cloud"]]
    assert mean(cloud) > 2 * mean(edge)
    assert min(edge) <= 6 and max(cloud) >= 120


# ---------------------------------------------------------------------------------------------
# Correctness of replies


def test_arithmetic_replies_are_correct(shipped):
    arithmetic = [r for r in shipped if r["category"] == "arithmetic"]
    assert arithmetic
    for r in arithmetic:
        found = equations(r["response"])
        assert found, r["response"]
        for lhs, sign, rhs in found:
            assert equation_ok(lhs, sign, rhs), r["response"]
        assert numbers(found[0][0]) & numbers(r["query"]), (r["query"], r["response"])


def test_unit_conversions_are_correct(v1):
    conversions = [r for r in v1 if r["category"] == "lookup" and _CONVERSION.search(r["response"] or "")]
    assert len(conversions) >= 20
    assert {r["lang"] for r in conversions} == {"zh", "en"}
    for r in conversions:
        assert conversion_ok(r["response"]), r["response"]
        x = _CONVERSION.search(r["response"]).group(1)
        assert x in numbers(r["query"]), (r["query"], r["response"])


def test_weather_and_time_lookups_say_they_are_checking(v1):
    others = [r for r in v1 if r["category"] == "lookup" and not _CONVERSION.search(r["response"])]
    assert others
    for r in others:
        assert r["response"].startswith(("正在为你查询", "Checking", "Let me check", "Looking up")), r["response"]


def test_translations_match_the_phrase_table(shipped):
    def bare(t):
        return t.rstrip("？?！!。. ")

    rows = datagen.PHRASES + datagen.TERMS + datagen.KW_SENTENCES
    targets = collections.Counter()
    for r in (r for r in shipped if r["category"] == "translation"):
        q, a = r["query"].casefold(), r["response"]
        hits = [(src, dst) for row in rows for src in row for dst in row
                if src != dst and bare(row[src]).casefold() in q and row[dst] in a]
        assert hits, (r["query"], r["response"])
        targets.update(dst for _, dst in hits)
    if len(shipped) >= 500:
        assert {"zh", "en", "ja", "fr"} <= set(targets)


# ---------------------------------------------------------------------------------------------
# Surface cues: neither keywords nor length may give the label away

# Words a keyword router looks for (substring match, case-insensitive; "analy" covers analysis /
# analyze, "optimi" optimize / optimization, "plan" planning). Both lists apply to every query,
# since a Chinese request can quote an English word and the other way round.
KEYWORDS_ZH = ("证明", "推导", "分析", "规划", "计划", "行程", "代码", "实现", "算法", "论文", "报告", "详细", "步骤",
               "比较", "策略", "设计", "优化", "论述")
KEYWORDS_EN = ("prove", "proof", "derive", "derivation", "analy", "plan", "itinerary", "implement", "code",
               "algorithm", "essay", "report", "compare", "strategy", "design", "step by step", "optimi",
               "in depth", "in-depth")
LONG_CHARS = {"zh": 40, "en": 120}  # a request longer than this looks complex to a length rule


def has_keyword(query: str) -> bool:
    q = query.casefold()
    return any(k in q for k in KEYWORDS_ZH + KEYWORDS_EN)


def is_long(rec: dict) -> bool:
    return len(rec["query"]) > LONG_CHARS[rec["lang"]]


def cue_shares(recs: list[dict]) -> dict[str, float]:
    edge = [r for r in recs if not r["needs_cloud"]]
    cloud = [r for r in recs if r["needs_cloud"]]
    return {"edge_with_keyword": sum(has_keyword(r["query"]) for r in edge) / len(edge),
            "cloud_without_keyword": sum(not has_keyword(r["query"]) for r in cloud) / len(cloud),
            "edge_long": sum(is_long(r) for r in edge) / len(edge)}


def test_cue_checkers_can_fail():
    assert has_keyword("提醒我明天上午10点交实验分析报告")
    assert has_keyword("How do you say 'proof' in French?")
    assert has_keyword("Planning a trip to Boston")  # case-insensitive stem
    assert not has_keyword("为什么 1/n 的级数发散，而 1/n² 收敛？")
    assert not has_keyword("Why can't you trisect an arbitrary angle with ruler and compass?")
    assert is_long({"lang": "zh", "query": "长" * 41}) and not is_long({"lang": "zh", "query": "长" * 40})
    assert is_long({"lang": "en", "query": "x" * 121}) and not is_long({"lang": "en", "query": "x" * 120})
    old_style = [{"lang": "en", "needs_cloud": False, "query": "set a timer for 5 minutes"},
                 {"lang": "en", "needs_cloud": True, "query": "Prove that √2 is irrational, step by step."}]
    assert cue_shares(old_style) == {"edge_with_keyword": 0.0, "cloud_without_keyword": 0.0, "edge_long": 0.0}


@pytest.fixture(scope="module", params=["v1", 1, 2], ids=["v1", "seed1", "seed2"])
def recs500(request, v1) -> list[dict]:
    return v1 if request.param == "v1" else datagen.generate_records(500, request.param)


def test_keywords_do_not_give_the_label_away(recs500):
    shares = cue_shares(recs500)
    assert 0.12 <= shares["edge_with_keyword"] <= 0.25, shares
    assert 0.35 <= shares["cloud_without_keyword"] <= 0.55, shares
    # Spread: every category, in both languages, has records whose keywords mislead.
    for cat in EDGE | CLOUD:
        for lang in ("zh", "en"):
            stratum = [r for r in recs500 if r["category"] == cat and r["lang"] == lang]
            misleading = [r for r in stratum if has_keyword(r["query"]) != r["needs_cloud"]]
            assert misleading, (cat, lang)


def test_length_does_not_give_the_label_away(recs500):
    shares = cue_shares(recs500)
    assert shares["edge_long"] >= 0.10, shares
    for cat in EDGE:
        for lang in ("zh", "en"):
            assert any(is_long(r) for r in recs500 if r["category"] == cat and r["lang"] == lang), (cat, lang)


def test_a_keyword_or_length_rule_is_far_from_perfect(recs500):
    """The thesis' heuristic baseline (forward on a keyword or a long request) must not ace the data."""
    right = sum((has_keyword(r["query"]) or is_long(r)) == r["needs_cloud"] for r in recs500)
    assert right / len(recs500) <= 0.85, right / len(recs500)


def check_cue(cue: str, rec: dict) -> None:
    if cue == datagen.KEYWORD:
        assert not rec["needs_cloud"] and has_keyword(rec["query"]), rec
    elif cue == datagen.LONG:
        assert not rec["needs_cloud"] and is_long(rec) and not has_keyword(rec["query"]), rec
    elif cue == datagen.PLAIN:
        assert rec["needs_cloud"] and not has_keyword(rec["query"]), rec
    else:
        assert cue == datagen.TYPICAL, cue


def test_every_template_keeps_its_cue():
    """KEYWORD templates always mention a keyword, LONG ones are always long and keyword-free, PLAIN
    (complex) ones never mention a keyword: for many fills of every such template."""
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
    assert set(n_checked) == {(datagen.KEYWORD, False), (datagen.LONG, False), (datagen.PLAIN, True)}
    # and the cue of a record's group, as generated
    for r in datagen.generate_records(2000, 4):
        cat, lang, t = r["group"].split("/")
        check_cue(datagen.TEMPLATES[cat][lang][int(t[1:]) - 1].cue, r)


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


@pytest.mark.parametrize("n,share", [(0, 0.2), (-5, 0.2), (10, 1.5), (10, -0.1)])
def test_bad_arguments_raise(n, share):
    with pytest.raises(ValueError):
        datagen.generate_records(n, 1, share)


def test_impossible_n_raises_clear_error():
    with pytest.raises(ValueError, match="cannot make"):
        datagen.generate_records(9000, 1)


def test_cli_reports_errors_without_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        datagen.main(["--n", "0", "--seed", "1", "--out", str(tmp_path / "x.jsonl")])
    assert exc.value.code == 2
    assert "positive integer" in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()
