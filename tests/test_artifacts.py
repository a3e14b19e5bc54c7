"""The artifact registry (edgecloud.artifacts): every product is declared once, the README's pipeline table
says the same, and renaming a report is one line (the writer and the readers follow the registry)."""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path

import pytest

from edgecloud import artifacts, stages
from edgecloud.data.convert import convert
from edgecloud.params import load_params
from edgecloud.paths import ROOT, RunDirs, rel
from edgecloud.publish import numbers, summary_facts
from edgecloud.train import trainer

PLACEHOLDER_VALUES = {"stage": "03_train", "variant": "torch-fp32", "replica": "2"}


def expand(item: str) -> list[str]:
    """Brace expansion as a shell does it: `a_{x,y}.{md,json}` -> a_x.md, a_x.json, a_y.md, a_y.json."""
    parts = re.split(r"(\{[^{}]*,[^{}]*\})", item)
    choices = [p[1:-1].split(",") if p.startswith("{") and "," in p else [p] for p in parts]
    return ["".join(c) for c in itertools.product(*choices)]


def readme_pipeline() -> dict[str, tuple[str, set[str]]]:
    """{stage name or "run": (reads cell, files of the writes cell)} from README's table under '## The pipeline'."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## The pipeline\n", 1)[1]
    rows = re.search(r"^\|.*?(?=\n\n)", section, flags=re.M | re.S).group(0).splitlines()[2:]  # after the header
    names = {s.name[:2]: s.name for s in stages.STAGES}
    out = {}
    for row in rows:
        stage, _, reads, writes = [c.strip() for c in row.strip("|").split(" | ")]
        key = names.get(stage, artifacts.RUNNER if "runner" in row else stage)
        out[key] = (reads, {f for item in re.findall(r"`([^`]+)`", writes) for f in expand(item)})
    return out


def test_the_readme_pipeline_table_lists_every_product_of_the_registry_and_nothing_else():
    table = readme_pipeline()
    assert set(table) == {s.name for s in stages.STAGES} | {artifacts.RUNNER}
    for stage, (_, listed) in table.items():
        declared = {f for a in artifacts.products(stage) for f in artifacts.shown(a)}
        assert listed - declared == set(), f"{stage}: in the README, not in artifacts.py"
        assert declared - listed == set(), f"{stage}: in artifacts.py, not in the README"


def test_the_readme_reads_column_names_the_upstream_stages():
    for stage, (reads, _) in readme_pipeline().items():
        if stage != artifacts.RUNNER:
            assert re.findall(r"\b0\d\b", reads) == [s[:2] for s in artifacts.upstream(stage)], stage


def test_every_artifact_has_a_path_in_its_folder_and_a_known_stage():
    p = load_params("params/smoke.yaml")
    writers = {s.name for s in stages.STAGES} | {artifacts.RUNNER}
    for key, a in artifacts.ARTIFACTS.items():
        assert a.stage in writers, key
        values = {k: v for k, v in PLACEHOLDER_VALUES.items() if k in a.placeholders}
        for f in artifacts.files(key, p, **values):
            assert "{" not in str(f) and p.run_name in str(f) or a.base in ("models", "thesis"), (key, f)
            if a.base in ("run", "figures"):
                inner = f.relative_to(RunDirs(p.run_name).root if a.base == "run" else RunDirs(p.run_name).figures)
                assert artifacts.match(inner.as_posix(), a.base, p)[0] is a, key  # the index finds it again
    for stage, (required, optional) in artifacts.READS.items():
        for k in required + optional:
            assert artifacts.get(k).stage not in (stage, artifacts.RUNNER) or k == "manifest", (stage, k)


def test_stage_products_are_the_registry_files_and_upstream_the_writers_of_its_reads():
    p = load_params("params/smoke.yaml")
    for st in stages.STAGES:
        assert st.products(p) == artifacts.product_files(st.name, p)
        assert set(artifacts.evidence(st.name, p)) <= set(st.products(p)), st.name
        assert st.upstream == artifacts.upstream(st.name)
    assert stages.get_stage("08_publish").upstream == ("01_convert",)  # a partial run can still publish
    optional = {a.key for a in artifacts.reads("08_publish", optional=True)}
    assert set(artifacts.REPORTS) - {"data_check"} <= optional  # ... and what it reads is declared


@pytest.mark.parametrize(
    "key, renamed",
    [
        ("data_check", "reports/renamed_check_{run}.json"),
        ("train_split", "data/renamed_train.jsonl"),
    ],
)
def test_renaming_a_report_is_one_line_in_the_registry(monkeypatch, run_name, key, renamed):
    """Change one pattern: 01_convert writes the new name, and the key numbers, the run report and the
    runner's upstream check read it there."""
    a = artifacts.get(key)
    monkeypatch.setitem(artifacts.ARTIFACTS, key, dataclasses.replace(a, pattern=renamed))
    p = load_params("params/smoke.yaml", [f"run_name={run_name}"])
    old = RunDirs(run_name).root / a.pattern.format(run=run_name)
    new = RunDirs(run_name).root / renamed.format(run=run_name)
    convert(p)
    assert new.is_file() and not old.exists()
    assert not [f for _, f in stages.missing_upstream("03_train", p) if f == rel(new)]
    if key == "data_check":
        assert stages.missing_upstream("08_publish", p) == []
        got = numbers.collect(p)["EdgeDataTotal"]
        assert got["value"] == 60 and got["source"] == rel(new)
        facts = summary_facts.gather(p)
        assert facts.reports["data_check"]["splits"]["total"] == 60 and facts.sources["data_check"] == rel(new)
        index = {x.path: (x.group, x.label) for x in facts.artifacts}
        assert index[rel(new)] == ("01_convert", a.label)
    else:  # 03_train hashes the split it trains on (its resume fingerprint): a read of the old name would fail
        assert len(trainer.train_fingerprint(p, Path("model"))) == 64
        assert [x for x in summary_facts.gather(p).artifacts if x.path == rel(new)][0].label == a.label
