"""The illustrative parcel set (示例数据) of 林海循环经济示范区 and the 团泊 wetland works."""

from __future__ import annotations

from collections import defaultdict
from importlib import resources
from pathlib import Path

import yaml

from carbonpeak.forestry.io import read_table
from carbonpeak.forestry.model import Parcel, WetlandFactor, load_parameters

DEMO_FILE = "linhai-parcels-2020-2024.csv"
DEMO_GEOJSON = "linhai-parcels-2024.geojson"
WETLAND_FILE = "linhai-wetland-factor.yaml"
DEMO_ZONE = "林海循环经济示范区"


def demo_dir() -> Path:
    """The folder holding the demo files: packaged (_bundled/demo) or the repository's data/demo."""
    packaged = resources.files("carbonpeak").joinpath("_bundled/demo")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "data" / "demo"


def demo_surveys() -> dict[int, list[Parcel]]:
    out: dict[int, list[Parcel]] = defaultdict(list)
    for p in read_table(demo_dir() / DEMO_FILE, load_parameters()):
        out[p.survey_year].append(p)
    return dict(out)


def demo_wetland_factor() -> WetlandFactor:
    data = yaml.safe_load((demo_dir() / WETLAND_FILE).read_text(encoding="utf-8"))
    return WetlandFactor(float(data["t_co2_per_ha_year"]), str(data["source"]), illustrative=True)
