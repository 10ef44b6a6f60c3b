"""The district's outline and a deployer's street or community boundaries (GeoJSON), read
with care: a malformed file gives a warning to show, never a traceback."""
from __future__ import annotations

import json
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024
SHAPES = ("Polygon", "MultiPolygon")


def read_features(path: Path) -> tuple[dict | None, str | None]:
    """(FeatureCollection, None) for a usable file; (None, why) otherwise; (None, None) when
    there is no file. Features without a `name` or a polygon are left out."""
    if not path.is_file():
        return None, None
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError(f"文件超过 {MAX_BYTES // 1048576} MB")
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
                or not isinstance(data.get("features"), list):
            raise ValueError("应为 GeoJSON FeatureCollection")
        features = [f for f in data["features"] if _usable(f)]
        if not features:
            raise ValueError("没有带 name 属性的 Polygon/MultiPolygon 要素")
    except (OSError, UnicodeDecodeError, ValueError) as e:  # json.JSONDecodeError is a ValueError
        return None, f"边界文件 {path.name} 无法使用（{_why(e)}），地图只显示区界。请按 README 修正该文件。"
    return {"type": "FeatureCollection", "features": features}, None


def _usable(feature) -> bool:
    return (isinstance(feature, dict) and isinstance(feature.get("properties"), dict)
            and isinstance(feature["properties"].get("name"), str)
            and isinstance(feature.get("geometry"), dict) and feature["geometry"].get("type") in SHAPES)


def _why(error: Exception) -> str:
    """The reason in Chinese: the messages raised above are; JSON and file errors are named."""
    if isinstance(error, json.JSONDecodeError):
        return f"不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列"
    if isinstance(error, UnicodeDecodeError):
        return "不是 UTF-8 编码"
    if isinstance(error, OSError):
        return "无法读取文件"
    return str(error)
