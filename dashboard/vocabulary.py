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
REASON_ZH = {"no_lead": "无导语", "no_headline": "无标题", "furniture_nearby": "紧邻版面杂项", "cut_off": "正文不完整",
             "unknown_place": "有未识别地名", "no_place": "没有地点", "vague_count": "人数模糊",
             "inferred_date": "日期为推断", "labels_close": "主题难以区分"}
DROP_REASON_ZH = {"epaper_nav": "电子版导航", "date_picker": "日期选择", "page_list": "版面目录", "masthead": "报头/网站名",
                  "breadcrumb": "网页路径", "menu": "网站菜单", "footer": "网页页脚", "wechat": "微信杂项",
                  "image_name": "图片文件名", "meta": "来源、编辑、时间等信息", "related_list": "相关文章列表",
                  "continuation": "转版提示", "page_header": "版眉", "duplicate_paragraph": "重复段落",
                  "caption": "图片说明", "headline_without_body": "无正文的标题", "credit_without_article": "无文章的署名",
                  "section": "栏目名", "series": "系列名"}
