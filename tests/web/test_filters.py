"""The Jinja filters of every page: a code's words in the page's language, figures through
carbonpeak.units.display."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment

from carbonpeak.web.core import filters


def render(source: str, **context: object) -> str:
    env = Environment(autoescape=True)
    filters.install(env)
    return env.from_string(source).render(**context)


def test_code_words_in_the_page_language() -> None:
    assert render("{{ 'off_track'|label('indicator_status') }}", lang="zh-CN") == "严重滞后"
    assert render("{{ 'off_track'|label('indicator_status') }}", lang="en") == "severely lagging"
    assert render("{{ g|label('grade') }}", g="excellent", lang="zh-CN") == "优秀"
    assert render("{{ g|label('grade') }}", g="unknown", lang="zh-CN") == "—"  # never the raw code


def test_numbers_as_the_office_writes_them() -> None:
    assert render("{{ v|num }}", v=28.7829) == "28.8"
    assert render("{{ v|pct }}", v=12.345) == "12.3%"
    assert render("{{ v|qty('吨二氧化碳') }}", v=3254000.0, lang="zh-CN") == "325.4 万吨CO2"
    assert render("{{ v|qty('吨二氧化碳') }}", v=3254000.0, lang="en") == "325.4 10 kt CO2"
    moment = dt.datetime(2026, 12, 7, 1, 5, tzinfo=dt.UTC)
    assert render("{{ m|localtime }}", m=moment) == "2026-12-07 09:05"
    assert render("{{ m|localtime }}", m="2026-12-07T01:05:00") == "2026-12-07 09:05"
