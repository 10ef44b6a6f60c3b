"""The words of the UI: the district's name and taxonomy from its data files (district.toml,
taxonomy.csv), and the Chinese for the codes the store keeps."""
from __future__ import annotations

from etl.knowledge import load_knowledge

PRECISION_ZH = {"day": "确切日期", "issue": "见报日期", "inferred": "推断日期", "unknown": "日期不明"}
LEVEL_ZH = {"street": "街道", "community": "社区", "village": "村"}
PLACE_STATUS_ZH = {"unknown": "未识别（不在官方名单）", "other_district": "外区"}
INGEST_STATUS_ZH = {"stored": "已导入", "replaced": "已更新（替换旧记录）", "unchanged": "已存在，跳过",
                    "refused": "拒绝"}


def district() -> str:
    return load_knowledge().district


def source_name() -> str:
    """What charts and briefings give as their data source (district.toml `source`)."""
    return load_knowledge().source or f"{district()}公报"


def theme_names() -> dict[str, str]:
    return load_knowledge().taxonomy["theme"]


def service_names() -> dict[str, str]:
    return load_knowledge().taxonomy["service"]


def label_names() -> dict[str, dict[str, str]]:
    """kind -> key -> words, as Filters.describe takes them."""
    return load_knowledge().taxonomy
