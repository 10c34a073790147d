"""Plan search (方案检索, issue 14): by words of the plan's Chinese text, all words required."""

from __future__ import annotations

from tests.conftest import REPO

from carbonpeak.plan import load_plan
from carbonpeak.plan.search import search_plan, search_words

JINGHAI = REPO / "data" / "plans" / "jinghai-2023.yaml"


def test_words_are_split_on_spaces_and_chinese_commas() -> None:
    assert search_words(" 光伏　屋顶、分布式 ") == ["光伏", "屋顶", "分布式"]
    assert search_words("ＰＶ") == ["pv"]
    assert search_words("   ") == []


def test_every_word_must_occur_and_hits_are_in_plan_order() -> None:
    plan = load_plan(JINGHAI)
    solar = search_plan(plan, "光伏")
    kinds = {h.kind for h in solar}
    assert {"task", "project"} <= kinds
    both = search_plan(plan, "光伏 屋顶")
    assert both and len(both) < len(solar) and {h.id for h in both} <= {h.id for h in solar}
    task_text = {t.id: t.text + t.title for t in plan.tasks}
    for hit in both:
        if hit.kind == "task":
            assert "光伏" in task_text[hit.id] and "屋顶" in task_text[hit.id]
        assert "光伏" in hit.excerpt or "屋顶" in hit.excerpt
    order = [h.kind for h in solar]
    assert order == sorted(order, key=["indicator", "task", "project"].index)
    assert search_plan(plan, "光伏 不存在的词语甲乙") == []
