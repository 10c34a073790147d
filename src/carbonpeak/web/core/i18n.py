"""The words on screen: zh-CN first, English on request (cookie ``lang`` or query ``?lang=en``).

The plan's own wording (titles, texts, quotes, unit names) is never translated: it is shown verbatim.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh-CN", "en"]
LANGS: tuple[Lang, ...] = ("zh-CN", "en")
LANG_COOKIE = "lang"

_WORDS: dict[str, tuple[str, str]] = {
    "app_name": ("碳达峰实施管理平台", "Carbon Peak Implementation"),
    "overview": ("总览", "Overview"),
    "plan": ("实施方案", "Plan"),
    "indicators": ("指标", "Indicators"),
    "my_tasks": ("我的任务", "My tasks"),
    "change_password": ("修改密码", "Change password"),
    "password_changed": ("密码已修改，请用新密码登录。", "Password changed; sign in with the new password."),
    "report_with_excel": ("Excel 批量填报（下载模板、上传）", "Report with Excel (template, upload)"),
    "inventory": ("清单", "Inventory"),
    "scenarios": ("情景", "Scenarios"),
    "downloads": ("下载", "Downloads"),
    "review": ("审核", "Review"),
    "assessment": ("考核", "Assessment"),
    "alerts": ("预警", "Alerts"),
    "download_trajectory": ("情景结果（规划情景，按年）", "Scenario results (plan scenario, by year)"),
    "download_targets": ("情景目标检查（规划情景）", "Scenario target checks (plan scenario)"),
    "download_more": ("更多表格", "More tables"),
    "download_tracking": ("指标跟踪评估（最新年份）", "Indicator tracking evaluation (latest year)"),
    "download_assessment": ("年度考核", "Annual assessment"),
    "download_review": ("审核队列", "Review queue"),
    "download_co2_by_sector": ("清单：分部门二氧化碳排放", "Inventory: CO2 by sector"),
    "download_co2_by_fuel": ("清单：分品种二氧化碳排放", "Inventory: CO2 by fuel"),
    "download_energy_by_sector": ("清单：分部门能源消费", "Inventory: energy by sector"),
    "download_energy_by_fuel": ("清单：分品种能源消费", "Inventory: energy by fuel"),
    "download_inventory_indicators": ("清单：核算指标", "Inventory: computed indicators"),
    "trend": ("趋势（实际值，虚线为目标路径）", "Trend (actuals; dashed: path to the target)"),
    "report": ("填报", "Report"),
    "illustrative_data": ("示例数据（illustrative）", "illustrative (示例数据)"),
    "users": ("用户", "Users"),
    "audit": ("审计日志", "Audit log"),
    "enterprise": ("企业", "Enterprise"),
    "enterprises": ("重点用能单位", "Enterprises"),
    "key_review": ("月报审核", "Report review"),
    "key_budgets": ("用能预算", "Energy budgets"),
    "key_import": ("月报导入", "Report import"),
    "forestry": ("林业碳汇", "Forestry sinks"),
    "two_high": ("两高项目", "Two-high projects"),
    "energy": ("能源项目", "Energy projects"),
    "charging": ("充电网络", "Charging network"),
    "public": ("公开指标", "Published targets"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "login_failed": ("用户名或密码错误", "Wrong user name or password"),
    "login_blocked": ("登录失败次数过多，请稍后再试", "Too many failed sign-ins; try again later"),
    "headline_targets": ("主要目标", "Headline targets"),
    "actions": ("重点任务（行动）", "Actions"),
    "action": ("行动", "Action"),
    "task": ("任务", "Task"),
    "tasks": ("任务", "Tasks"),
    "clause": ("条款", "Clause"),
    "text": ("原文", "Full text"),
    "lead": ("牵头单位", "Lead unit"),
    "support": ("配合单位", "Supporting units"),
    "responsible": ("责任单位", "Responsible units"),
    "indicator": ("指标", "Indicator"),
    "target": ("目标", "Target"),
    "year": ("目标年", "Year"),
    "shown_year": ("年份", "Year"),
    "show": ("查看", "Show"),
    "unit": ("单位", "Unit"),
    "all": ("全部", "All"),
    "filter": ("筛选", "Filter"),
    "status": ("状态", "Status"),
    "quote": ("方案原文", "Source quote"),
    "projects": ("专栏项目", "Key projects (专栏)"),
    "project": ("项目", "Project"),
    "capacity": ("规模", "Capacity"),
    "location": ("地点", "Location"),
    "milestones": ("时间节点", "Milestones"),
    "none": ("无", "none"),
    "aspirational": ("力争", "aspirational"),
    "strength_ensure": ("确保", "ensure (确保)"),
    "strength_strive": ("力争", "strive (力争)"),
    "strength_in_principle": ("原则上", "in principle (原则上)"),
    "strength_encourage": ("鼓励", "encourage (鼓励)"),
    "strength_support": ("支持", "support (支持)"),
    "strength_study": ("研究", "study (研究)"),
    "strength_pilot": ("试点", "pilot (试点)"),
    "forbidden": ("无权访问", "Access denied"),
    "error": ("无法完成", "Cannot be done"),
    "forbidden_text": ("您的账号无权查看此页面。", "Your account may not see this page."),
    "not_found": ("未找到", "Not found"),
    "document": ("文号", "Document"),
    "issued": ("成文日期", "Issued"),
    "role": ("角色", "Role"),
    "role_office": ("双碳办管理员", "Office admin"),
    "role_department": ("责任单位", "Department"),
    "role_enterprise": ("企业", "Enterprise"),
    "role_viewer": ("领导/查看", "Viewer"),
    "role_public": ("公众", "Public"),
    "display_name": ("名称", "Name"),
    "at": ("时间（UTC）", "Time (UTC)"),
    "operation": ("操作", "Action"),
    "who": ("操作人", "Who"),
    "object": ("对象", "Object"),
    "source": ("来源", "Source"),
    "download_table": ("表格", "Table"),
    "no_public": ("暂无公开指标。", "No published targets."),
    "publishing": ("公开管理", "Publishing"),
    "published": ("已公开", "published"),
    "not_published": ("未公开", "not published"),
    "publish": ("公开", "Publish"),
    "unpublish": ("取消公开", "Unpublish"),
    "publish_note": ("备注", "Note"),
    "published_at": ("公开时间（UTC）", "Published (UTC)"),
    "published_by": ("公开人", "Published by"),
    "publish_state": ("公开状态", "Publication"),
    "publish_selected": ("公开所选指标", "Publish the selected"),
    "unpublish_selected": ("取消公开所选指标", "Unpublish the selected"),
    "select": ("选择", "Select"),
    "publish_explain": (
        "公众页面只显示已公开的指标：方案原文、目标，以及经审核通过或核算的逐年数值。",
        "The public page shows published indicators only: the plan's words, the target, and the "
        "approved or computed value of each year.",
    ),
    "latest_value": ("最新值", "Latest value"),
    "values_by_year": ("逐年数值", "Values by year"),
    "data_year": ("数据年份", "Data year"),
    "public_note": (
        "数值为经审核通过的填报值或由排放清单核算的值；状态为最新年份的跟踪评估结果。",
        "Values are approved reported figures or figures computed from the emission inventory; the "
        "status is the tracking evaluation of the latest year.",
    ),
    "demo_banner": ("演示模式：示例数据（illustrative）", "Demo mode: illustrative data (示例数据)"),
    "status_note": (
        "状态为跟踪评估结果（已达标/进展顺利/存在风险/严重滞后/无数据），年份：",
        "Status: the tracking evaluation (met, on track, at risk, severely lagging, no data) of",
    ),
    "tasks_of_unit": ("本单位牵头或配合的任务", "Tasks your unit leads or supports"),
    "indicators_of_unit": ("本单位负责的指标", "Indicators your unit is responsible for"),
    "language": ("English", "中文"),
    "csv": ("CSV", "CSV"),
    "xlsx": ("Excel", "Excel"),
}


def t(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return en if lang == "en" else zh


def words(lang: str) -> dict[str, str]:
    return {key: t(key, lang) for key in _WORDS}


def pick_lang(query: str | None, cookie: str | None, default: str) -> Lang:
    for value in (query, cookie, default):
        if value in LANGS:
            return value
    return "zh-CN"
