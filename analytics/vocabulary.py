"""Chinese words the pages and figures share."""

PRECISION_ZH = {"day": "确切日期", "issue": "见报日期", "inferred": "推断日期", "unknown": "日期不明"}
