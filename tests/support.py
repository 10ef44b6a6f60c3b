"""Paths and helpers the tests share (imported as a module, not from conftest)."""
import contextlib
import os
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "bulletins"
GOLD = ROOT / "data" / "gold" / "seed_articles.jsonl"
SHARED = ROOT.parent / "shared"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

PAGE_FAILED = "页面出错了"  # what the app's frame shows instead of a traceback


def page_failures(at) -> list[str]:
    """What went wrong on an AppTest page: raised exceptions, and failures the app's frame
    caught and showed as its error message (it never shows a traceback)."""
    return [e.message for e in at.exception] + [e.value for e in at.error if PAGE_FAILED in e.value]


# Bulletins whose reports repeat one another (two reports of one drill, a month-later drill in the
# same community), each as first printed and as an edited version: stores to write, correct,
# merge and split at random (test_summaries.py).
DRILL = ("民和社区开展防汛应急演练\n\n本报讯（记者 郑林）5月19日上午，平城区开源街道民和社区联合辖区消防救援站、小区物业，"
         "在社区广场开展防汛应急演练，模拟暴雨积水、群众转移等场景，120余名居民参加。演练中，工作人员示范了沙袋封堵、"
         "排水泵使用等操作，并向居民讲解了汛期出行安全知识。\n\n")
CLINIC = ("卫星里社区义诊送健康\n\n本报讯（记者 尚丽）5月18日，平城区新华街道卫星里社区联合市三医院开展义诊活动，"
          "80余名居民参加，医生为老人测量血压、血糖。\n\n")
DRILL_AGAIN = ("雨季将至 民和社区练“防汛”\n\n近日，开源街道民和社区的广场上响起了哨声，一场防汛应急演练随即展开。"
               "社区联合辖区消防救援站和小区物业，模拟暴雨积水、群众转移等场景，百余名居民参加。工作人员示范了沙袋封堵、"
               "排水泵使用等操作，还向居民讲解了汛期出行安全知识。\n\n")
CALLIGRAPHY = ("民和社区举办老年书法班\n\n近日，开源街道民和社区在党群服务中心举办老年书法培训班，30名老人参加，"
               "书法老师讲解了楷书的基本笔画，老人们一笔一画认真练习。\n\n")
LECTURE = ("古城街道开展法律讲座\n\n本报讯 古城街道联合律师事务所开展普法讲座，各社区居民50余人参加。\n\n")
BULLETIN_PAGES = {
    "2025-05-20_pcb_1.txt": (DRILL + CLINIC, DRILL + CLINIC.replace("血糖", "血糖等")),
    "2025-05-22_dtwb_1.txt": (DRILL_AGAIN + CALLIGRAPHY, DRILL_AGAIN.replace("哨声", "口哨声") + CALLIGRAPHY),
    "2025-06-18_pcb_2.txt": (DRILL.replace("5月19日", "6月16日").replace("120余名", "90余名") + LECTURE,
                             LECTURE + CALLIGRAPHY.replace("30名", "35名")),
    "pcb_undated.txt": (LECTURE.replace("古城街道", "新华街道") + CLINIC, CLINIC),
}


@contextlib.contextmanager
def fresh_store(server_url: str):
    """An engine on a new database of the PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text

    from etl.store import make_engine
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"pingcheng_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(server_url.rsplit("/", 1)[0] + "/" + name)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
