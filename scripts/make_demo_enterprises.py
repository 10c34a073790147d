"""Write the illustrative enterprise ledger (示例数据): data/demo/enterprises.csv (the registry) and
data/demo/enterprise-reports-2025.csv (12 monthly reports each), deterministically (no randomness).

Run: ``python scripts/make_demo_enterprises.py``. The enterprises, codes and figures are invented:
the codes are valid 统一社会信用代码 in form (GB 32100-2015 check character, Jinghai's division code
120118) with the organisation part ``EXAMP000n`` so that nobody takes them for a real firm.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from carbonpeak.ledgers import uscc_check_char

OUT = Path(__file__).resolve().parents[1] / "data" / "demo"
NOTE = (
    "# 示例数据（illustrative）: invented enterprises and figures, made by scripts/make_demo_enterprises.py"
)


def code(n: int) -> str:
    first = f"91120118EXAMP{n:04d}"
    return first + uscc_check_char(first)


# (name, division, town, two_high, category, monthly base: {fuel: (amount, unit)}, output 万元/month)
ENTERPRISES = [
    (
        "示例金属制品有限公司（示例数据）",
        "33",
        "大邱庄镇",
        False,
        "",
        {"electricity": (120.0, "万千瓦时"), "natural_gas": (18.0, "万立方米"), "diesel": (20.0, "吨")},
        6000.0,
    ),
    (
        "示例钢材压延有限公司（示例数据）",
        "31",
        "大邱庄镇",
        True,
        "钢铁",
        {"electricity": (350.0, "万千瓦时"), "natural_gas": (60.0, "万立方米"), "diesel": (35.0, "吨")},
        15000.0,
    ),
    (
        "示例铜铝材加工有限公司（示例数据）",
        "32",
        "子牙镇",
        False,
        "",
        {"electricity": (200.0, "万千瓦时"), "natural_gas": (25.0, "万立方米")},
        12000.0,
    ),
    (
        "示例橡塑制品有限公司（示例数据）",
        "29",
        "唐官屯镇",
        False,
        "",
        {"electricity": (80.0, "万千瓦时"), "heat": (3000.0, "GJ"), "natural_gas": (3.0, "万立方米")},
        2500.0,
    ),
]


def production(month: int) -> float:
    """Spring Festival dip in February, a slow rise over the year."""
    return 0.8 if month == 2 else 1.0 + 0.01 * (month - 6)


def heating(month: int) -> float:
    """More gas and heat in winter."""
    return 1.0 + 0.15 * math.cos(2 * math.pi * (month - 1) / 12)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "enterprises.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(NOTE + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "id",
                "name",
                "industry",
                "town",
                "two_high",
                "two_high_category",
                "benchmark_product",
                "illustrative",
            ]
        )
        for i, (name, division, town, two_high, cat, _, _) in enumerate(ENTERPRISES, start=1):
            w.writerow([code(i), name, division, town, "是" if two_high else "否", cat, "无", "是"])
    with (OUT / "enterprise-reports-2025.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(NOTE + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["enterprise_id", "period", "fuel", "amount", "unit", "output_value"])
        for i, (_, _, _, _, _, base, output) in enumerate(ENTERPRISES, start=1):
            for month in range(1, 13):
                p = production(month)
                for fuel, (amount, unit) in base.items():
                    factor = p * (heating(month) if fuel in ("natural_gas", "heat") else 1.0)
                    w.writerow(
                        [
                            code(i),
                            f"2025-{month:02d}",
                            fuel,
                            round(amount * factor, 2),
                            unit,
                            round(output * p, 1),
                        ]
                    )


if __name__ == "__main__":
    main()
