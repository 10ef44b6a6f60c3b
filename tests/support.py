"""Paths and helpers the tests share (imported as a module, not from conftest)."""
import os
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
