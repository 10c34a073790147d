"""The enterprise registry: 统一社会信用代码 (GB 32100-2015), GB/T 4754-2017 divisions, 两高 and
the six high-energy industries, energy-efficiency benchmark products. The lists are data
(``data/industries.yaml``) with their sources."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from carbonpeak.ledgers.errors import LedgerError

# GB 32100-2015: 31 characters (no I, O, Z, S, V) and the weights of positions 1..17.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@functools.cache
def reference() -> dict[str, Any]:
    """The shipped lists (divisions, six high-energy industries, 两高 categories, benchmark products)."""
    text = resources.files("carbonpeak.ledgers").joinpath("data/industries.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def divisions() -> dict[str, str]:
    return {str(k): str(v) for k, v in reference()["divisions"]["rows"].items()}


def six_high_divisions() -> frozenset[str]:
    return frozenset(str(d) for d in reference()["six_high"]["divisions"])


def two_high_categories() -> list[str]:
    return [str(c) for c in reference()["two_high"]["categories"]]


def benchmark_products() -> list[str]:
    return [str(p) for p in reference()["benchmarks"]["products"]]


def uscc_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 from its first 17 (GB 32100-2015, mod 31)."""
    if len(first17) != 17 or any(c not in USCC_CHARS for c in first17):
        raise LedgerError(f"{first17!r}: expected 17 characters of {USCC_CHARS}")
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, or None."""
    if len(code) != 18:
        return f"{code!r} has {len(code)} characters; a 统一社会信用代码 has 18"
    bad = sorted({c for c in code if c not in USCC_CHARS})
    if bad:
        return f"{code!r} contains {''.join(bad)!r}; allowed are digits and {USCC_CHARS[10:]} (GB 32100-2015)"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"{code!r}: check character is {code[17]!r}, expected {expected!r} (GB 32100-2015)"
    return None


def parse_industry(text: str) -> str:
    """The 2-digit division code of ``"33"`` or ``"33 金属制品业"``."""
    code = text.strip()[:2]
    if code not in divisions():
        raise LedgerError(f"{text!r}: expected a GB/T 4754-2017 division code such as 33 (金属制品业)")
    return code


class Enterprise(BaseModel):
    """A key energy-using unit (重点用能单位) of the district's ledger."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="统一社会信用代码, 18 characters (GB 32100-2015)")
    name: str = Field(min_length=1, max_length=200)
    industry: str = Field(description="GB/T 4754-2017 division code, 2 digits")
    town: str = Field("", max_length=80, description="town or street (镇/街道)")
    two_high: bool = Field(False, description="on the 两高 ledger (MEE 环环评〔2021〕45号 categories)")
    two_high_category: str | None = None
    benchmark_product: str | None = Field(None, description="benchmark product, or None: no benchmark")
    illustrative: bool = False

    @field_validator("id")
    @classmethod
    def _uscc(cls, value: str) -> str:
        value = value.strip().upper()
        problem = uscc_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("industry")
    @classmethod
    def _industry(cls, value: str) -> str:
        return parse_industry(value)

    @field_validator("two_high_category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if value not in two_high_categories():
            raise ValueError(f"{value!r}: expected one of {'、'.join(two_high_categories())}")
        return value

    @field_validator("benchmark_product")
    @classmethod
    def _benchmark(cls, value: str | None) -> str | None:
        if value in (None, "", "无", "none"):
            return None
        if value not in benchmark_products():
            raise ValueError(
                f"{value!r}: expected a benchmark product ({'、'.join(benchmark_products())}) or 无"
            )
        return value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def industry_name(self) -> str:
        return divisions()[self.industry]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def six_high(self) -> bool:
        """In one of the six high-energy industries of the statistics (a different scope from 两高)."""
        return self.industry in six_high_divisions()
