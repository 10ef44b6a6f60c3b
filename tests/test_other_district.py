"""Another district is data files, not code: a made-up district in a temporary data folder runs
through ingest, extract and every dashboard page, and nothing shows 平城区."""
import json
import os
import shutil
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from support import ROOT, page_failures

PAGES = [f"dashboard/app_pages/{name}.py" for name in ("coverage", "themes", "timeline", "articles", "compare", "import")]
OURS = "平城区"

DIVISIONS = """code,name,level,parent_code,parent_name
990101,示例区,district,990100,示例市
990101001,东风街道,street,990101,示例区
990101002,西湖街道,street,990101,示例区
990101001001,朝阳里社区居民委员会,community,990101001,东风街道
990101001002,新月社区居民委员会,community,990101001,东风街道
990101002001,柳岸社区居民委员会,community,990101002,西湖街道
990101002201,杏林村村民委员会,village,990101002,西湖街道
"""
ALIASES = """alias,code,official_name,kind,note
朝阳里社区,990101001001,朝阳里社区居民委员会,short_form,
新月社区,990101001002,新月社区居民委员会,short_form,
柳岸社区,990101002001,柳岸社区居民委员会,short_form,
杏林村,990101002201,杏林村村民委员会,short_form,
东风办事处,990101001,东风街道,historical,
"""
BULLETIN = """义诊进社区 健康送到家

本报讯（记者 林海）6月3日，示例区东风街道朝阳里社区联合社区卫生服务中心开展义诊活动，80余名居民参加。

医生为老人测量血压、讲解慢性病防治知识。

杏林村举办消防演练

本报讯（记者 周洋）近日，西湖街道杏林村组织村民开展消防安全演练，30名村民参与。
"""
OUTLINE = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"name": "示例区"},
    "geometry": {"type": "Polygon", "coordinates": [[[110.0, 40.0], [110.2, 40.0], [110.2, 40.2], [110.0, 40.0]]]}}]}


@pytest.fixture(scope="module")
def district_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    (root / "gazetteer").mkdir()
    (root / "gazetteer" / "divisions.csv").write_text(DIVISIONS, encoding="utf-8")
    (root / "gazetteer" / "aliases.csv").write_text(ALIASES, encoding="utf-8")
    (root / "gazetteer" / "outline.geojson").write_text(json.dumps(OUTLINE, ensure_ascii=False), encoding="utf-8")
    shutil.copytree(ROOT / "data" / "lexicons", root / "lexicons")
    (root / "bulletins").mkdir()
    (root / "bulletins" / "2025-06-05_p1.txt").write_text(BULLETIN, encoding="utf-8")
    (root / "district.toml").write_text(
        'name = "示例区"\ndivisions = "gazetteer/divisions.csv"\naliases = "gazetteer/aliases.csv"\n'
        'outline = "gazetteer/outline.geojson"\nlexicons = "lexicons"\nbulletins = "bulletins"\n'
        'store = "example.db"\n', encoding="utf-8")
    return root


@pytest.fixture
def env(district_dir, monkeypatch):
    monkeypatch.setenv("ETL_DATA_DIR", str(district_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the district's own default store
    return dict(os.environ)


def _etl(env, *args):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_extract_resolves_the_districts_own_places(env, district_dir):
    run = _etl(env, "extract", str(district_dir / "bulletins"), "--no-evidence")
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["streets"], r["communities"], r["reporters"]) for r in rows] == [
        (["东风街道"], ["朝阳里社区"], ["林海"]), (["西湖街道"], ["杏林村"], ["周洋"])]
    assert [p["value"] for r in rows for p in r["participants"]] == [80, 30]
    assert rows[0]["issue_date"] == "2025-06-05"


def test_ingest_uses_the_districts_default_store(env, district_dir):
    run = _etl(env, "ingest", str(district_dir / "bulletins"), "--quiet")
    assert run.returncode == 0, run.stderr
    assert "1 stored" in run.stdout and (district_dir / "example.db").exists()
    assert not (ROOT / "data" / "example.db").exists()


def _shown_text(at: AppTest) -> str:
    """Everything the page put on screen, charts' specs included."""
    return "\n".join(str(node.proto) for node in _walk(at._tree) if getattr(node, "proto", None) is not None)


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


@pytest.mark.parametrize("page", [None, *PAGES])
def test_every_page_runs_for_the_district_and_never_names_ours(env, page):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not page_failures(at)
    assert OURS not in _shown_text(at)
    if page is None:
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["活动"] == "2" and metrics["覆盖街道"] == "2 / 2"
        assert "示例区" in _shown_text(at)


def test_the_page_text_check_would_see_our_name(tmp_path, monkeypatch):
    """The check above reads what is on screen: with our own data it finds our name."""
    monkeypatch.delenv("ETL_DATA_DIR", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ours.db'}")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert OURS in _shown_text(at)
