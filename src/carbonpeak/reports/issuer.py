"""The issuing body of the documents (``data/documents.yaml``, with its source)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from carbonpeak.errors import Lang


@functools.cache
def _conventions() -> dict[str, Any]:
    text = resources.files("carbonpeak.reports").joinpath("data/documents.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def issuer(district: str, lang: Lang = "zh-CN") -> str:
    """The office that issues the documents, e.g. 天津市静海区碳达峰碳中和工作领导小组办公室."""
    c = _conventions()
    return str(c["issuer_en" if lang == "en" else "issuer"]).format(district=district)
