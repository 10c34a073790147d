"""The overview's alert lines in the user's language (issue 14): in English the period is "Q1 2025"
and the kind is in English words, never 一季度 / 第一季度 or 报送逾期."""

from __future__ import annotations

import re

import httpx

from carbonpeak.tracking.model import QUARTERS


def _alert_lines(page: str) -> list[str]:
    found = re.search(r'<ul class="alerts" id="office-alerts">(.*?)</ul>', page, re.S)
    assert found is not None, "the office's overview shows its alerts"
    return re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)


def test_alert_lines_use_the_languages_period_words(clients: dict[str, httpx.Client]) -> None:
    office = clients["office"]
    chinese = _alert_lines(office.get("/?lang=zh-CN").text)
    english = _alert_lines(office.get("/?lang=en").text)
    office.get("/?lang=zh-CN")
    assert len(english) == len(chinese) > 0
    assert any("季度" in line for line in chinese)  # quarterly alerts are there to be translated
    for line in english:
        assert "季度" not in line and "年）" not in line and "（" not in line, line
        assert not re.search(r"报送逾期|未报送|节点逾期|数据陈旧|填报与核算不符", line), line
    quarters = "|".join(QUARTERS)
    assert any(re.search(rf"\((?:{quarters}) \d{{4}}\)", line) for line in english)
