"""The downloadable XLSX template: 说明 (instructions in Chinese), activity and macro sheets with the
codes as drop-down lists, an example sheet, and the code lists."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from carbonpeak.accounting.catalog import (
    FUELS,
    MACRO_VARIABLES,
    UNIT_CHOICES,
    sector_codes,
    sector_key,
    sector_name_zh,
)
from carbonpeak.accounting.io import ACTIVITY_COLUMNS, MACRO_COLUMNS

INSTRUCTIONS = [
    "区级碳排放统计核算 — 活动水平数据填报模板",
    "",
    "1. 在 activity 工作表填报能源活动数据，每行一条：year（年份）、sector（部门代码）、"
    "fuel（能源品种代码）、amount（实物量，非负数）、unit（计量单位）、note（备注，可选）。",
    "2. sector、fuel、unit 请从下拉列表选择；部门代码可在二级代码后继续用“|”细分"
    "（如 industry|metal_products|企业编号），核算时汇总到二级部门。",
    "3. electricity（电力）按用电部门填报全社会用电量；本地光伏、风电、生物质发电量填在"
    " energy|generation 部门，对应 solar_power、wind_power、biomass_power；"
    "本地化石能源电厂发电量以 electricity 填在 energy|generation。",
    "4. heat（热力）仅填报从核算边界外购入的热力；工业过程排放以 process_co2（吨二氧化碳）填报，"
    "碳汇以 sink_co2（吨二氧化碳，正数表示吸收）填报。",
    "5. 同一年份、部门、品种、备注的行不得重复；需要分企业、分月份填报时，"
    "请在 note 或部门第三级写明企业和月份。",
    "6. 在 macro 工作表填报宏观数据：year、variable、value、unit，地区生产总值须为基期不变价。",
    "7. 导入前运行 carbonpeak activity validate 文件名 检查；"
    "任何一处错误都会列出文件、行、列，且不导入任何数据。",
    "",
    "示例见 example 工作表（示例数据，非真实统计）。",
]

EXAMPLE = [
    (2023, "industry|metal_products", "natural_gas", 1200, "万立方米", "示例数据"),
    (2023, "industry|metal_products", "electricity", 15000, "万千瓦时", "示例数据"),
    (2023, "transport|road_freight", "diesel", 2.1, "万吨", "示例数据"),
    (2023, "residential|urban", "heat", 850000, "GJ", "示例数据"),
    (2023, "energy|generation", "solar_power", 32000, "万千瓦时", "示例数据"),
    (2023, "industry|building_materials", "process_co2", 12000, "tCO2", "示例数据"),
    (2023, "land_use|forest", "sink_co2", 7.5, "万吨二氧化碳", "示例数据"),
]


def _list_sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)


def write_template(path: str | Path) -> Path:
    """Write the template to ``path`` (.xlsx) and return the path."""
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    for line in INSTRUCTIONS:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120

    units = sorted({u for choices in UNIT_CHOICES.values() for u in choices})
    sectors = sector_codes()
    _list_sheet(
        wb,
        "fuels",
        ["fuel", "名称", "unit", "description"],
        [[f.code, f.name_zh, f.unit, f.description] for f in FUELS.values()],
    )
    _list_sheet(wb, "sectors", ["sector", "名称"], [[s, sector_name_zh(sector_key(s) or s)] for s in sectors])
    _list_sheet(wb, "units", ["unit"], [[u] for u in units])
    _list_sheet(
        wb, "variables", ["variable", "名称", "unit"], [[k, v[1], v[0]] for k, v in MACRO_VARIABLES.items()]
    )

    act = wb.create_sheet("activity", 1)
    act.append([*ACTIVITY_COLUMNS, "note"])
    for col, sheet, n in (
        ("B", "sectors", len(sectors)),
        ("C", "fuels", len(FUELS)),
        ("E", "units", len(units)),
    ):
        dv = DataValidation(type="list", formula1=f"={sheet}!$A$2:$A${n + 1}", allow_blank=False)
        dv.error = "请从下拉列表中选择代码"
        act.add_data_validation(dv)
        dv.add(f"{col}2:{col}5000")
    num = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0")
    num.error = "amount 必须为非负数"
    act.add_data_validation(num)
    num.add("D2:D5000")

    mac = wb.create_sheet("macro", 2)
    mac.append([*MACRO_COLUMNS, "note"])
    dv = DataValidation(type="list", formula1=f"=variables!$A$2:$A${len(MACRO_VARIABLES) + 1}")
    mac.add_data_validation(dv)
    dv.add("B2:B1000")

    ex = wb.create_sheet("example", 3)
    ex.append([*ACTIVITY_COLUMNS, "note"])
    for row in EXAMPLE:
        ex.append(list(row))
    ex.append([])
    ex.append(["示例数据 illustrative — 非真实统计"])
    for sheet in (act, mac, ex):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = Path(path)
    wb.save(out)
    return out
