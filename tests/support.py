"""Paths and helpers the tests share (imported as a module, not from conftest)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "bulletins"
GOLD = ROOT / "data" / "gold" / "seed_articles.jsonl"
SHARED = ROOT.parent / "shared"
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
