"""Who may open the import page: the setting (a typo closes it), the password with failures
throttled, and no page served outside the app's navigation."""
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from etl.ingest import ingest_paths
from etl.store import make_engine
from support import ROOT, SAMPLES, page_failures

IMPORT_PAGE = "dashboard/app_pages/import.py"


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'app.db'}"
    ingest_paths(make_engine(url), sorted(SAMPLES.glob("*.txt")))
    return url


def _app(store_url, monkeypatch, **settings):
    monkeypatch.setenv("DATABASE_URL", store_url)
    for key in ("PINGCHENG_IMPORT", "PINGCHENG_IMPORT_PASSWORD"):
        monkeypatch.delenv(key, raising=False)
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not page_failures(at)
    return at


@pytest.mark.parametrize("value", ["off", "false", "0", " off", "OFF", "yes", ""])
def test_anything_but_on_or_password_closes_the_import_page(store_url, monkeypatch, value):
    at = _app(store_url, monkeypatch, PINGCHENG_IMPORT=value)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(IMPORT_PAGE)


def test_unknown_settings_are_logged_and_read_as_off(caplog):
    assert access.import_mode({"PINGCHENG_IMPORT": "false"}) == "off"
    assert "not one of on/off/password" in caplog.text
    assert access.import_mode({}) == "on" and access.import_mode({"PINGCHENG_IMPORT": "password"}) == "password"


def test_the_page_opens_when_on(store_url, monkeypatch):
    at = _app(store_url, monkeypatch, PINGCHENG_IMPORT="on")
    at.switch_page(IMPORT_PAGE).run()
    assert not page_failures(at) and at.get("file_uploader")


def test_the_password_opens_the_page_and_a_wrong_one_does_not(store_url, monkeypatch):
    at = _app(store_url, monkeypatch, PINGCHENG_IMPORT="password", PINGCHENG_IMPORT_PASSWORD="s3cret")
    at.switch_page(IMPORT_PAGE).run()
    assert not at.get("file_uploader")
    at.text_input[0].set_value("wrong")
    at.button[0].click().run()
    assert any("密码不正确" in e.value for e in at.error) and not at.get("file_uploader")
    at.text_input[0].set_value("s3cret")
    at.button[0].click().run()
    assert not page_failures(at) and at.get("file_uploader")


def test_without_a_password_set_the_page_stays_closed(store_url, monkeypatch):
    at = _app(store_url, monkeypatch, PINGCHENG_IMPORT="password")
    at.switch_page(IMPORT_PAGE).run()
    assert not at.get("file_uploader") and any("尚未设置导入密码" in w.value for w in at.warning)


def test_failures_lock_the_password_out_for_a_while():
    throttle = access.Throttle(max_failures=3, window=60, lock_seconds=300)
    for t in (0, 1, 2):
        assert throttle.wait_seconds(t) == 0
        throttle.failed(t)
    assert throttle.wait_seconds(3) == pytest.approx(299)  # even the right password waits
    assert throttle.wait_seconds(303) == 0


def test_the_password_is_compared_in_constant_time_and_never_matches_unset():
    assert access.password_matches("abc", "abc") and not access.password_matches("abd", "abc")
    assert not access.password_matches("", "")


def test_no_pages_folder_beside_the_entry_point():
    """Streamlit serves a `pages/` folder beside the entry point before the app's navigation
    has run (after a restart); the pages live elsewhere so only the navigation serves them."""
    assert not (ROOT / "pages").exists()
