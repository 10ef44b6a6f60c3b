"""Who may open what: the import and review pages' settings, their passwords (reviewers each
have a name and a password), with failures throttled. Plain functions of settings and time,
so the gates are tested without a browser."""
from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

IMPORT_SETTING = "PINGCHENG_IMPORT"
IMPORT_PASSWORD_SETTING = "PINGCHENG_IMPORT_PASSWORD"
REVIEW_SETTING = "PINGCHENG_REVIEW"
REVIEWERS_SETTING = "PINGCHENG_REVIEWERS"  # name:password;name:password
MODES = ("on", "password", "off")


def _mode(setting: str, environ) -> str:
    """on (the default), password or off. Any other value closes the page: a typo must not
    open a door (`false`, `0`, ` off`), and the log says why."""
    value = environ.get(setting)
    if value is None:
        return "on"
    if value in MODES:
        return value
    log.warning("%s=%r is not one of on/off/password: the page is closed", setting, value)
    return "off"


def import_mode(environ=os.environ) -> str:
    return _mode(IMPORT_SETTING, environ)


def review_mode(environ=os.environ) -> str:
    """on: reviewers give their name; password: each reviewer's name and password
    (PINGCHENG_REVIEWERS, or [reviewers] in Streamlit's secrets); off: no review page."""
    return _mode(REVIEW_SETTING, environ)


def reviewers(environ=os.environ, secrets: dict | None = None) -> dict[str, str]:
    """name -> password, from the secrets' [reviewers] table, else the environment
    (PINGCHENG_REVIEWERS="王芳:pw1;李强:pw2")."""
    if secrets:
        return {str(k).strip(): str(v) for k, v in secrets.items() if str(k).strip() and str(v)}
    accounts = {}
    for entry in environ.get(REVIEWERS_SETTING, "").split(";"):
        name, sep, password = entry.partition(":")
        if sep and name.strip() and password:
            accounts[name.strip()] = password
    return accounts


def reviewer_matches(name: str, password: str, accounts: dict[str, str]) -> bool:
    """The name is a reviewer's and the password is theirs (compared in constant time)."""
    return password_matches(password, accounts.get((name or "").strip(), ""))


def import_password(environ=os.environ) -> str:
    return environ.get(IMPORT_PASSWORD_SETTING, "")


def password_matches(given: str, secret: str) -> bool:
    """Constant-time comparison; an unset secret matches nothing."""
    return bool(secret) and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


@dataclass
class Throttle:
    """After `max_failures` wrong passwords within `window` seconds, every attempt is refused
    for `lock_seconds`; one throttle per server, so new sessions do not reset it."""
    max_failures: int = 5
    window: float = 600.0
    lock_seconds: float = 300.0
    _failures: list[float] = field(default_factory=list)
    _locked_until: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, now: float | None = None) -> float:
        """How long until an attempt is heard again (0 when it is heard now)."""
        now = time.monotonic() if now is None else now
        return max(0.0, self._locked_until - now)

    def failed(self, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._failures = [t for t in self._failures if now - t < self.window] + [now]
            if len(self._failures) >= self.max_failures:
                self._locked_until = now + self.lock_seconds
                self._failures.clear()
                log.warning("import password: %d failures, locked for %.0f s", self.max_failures,
                            self.lock_seconds)

    def succeeded(self) -> None:
        with self._lock:
            self._failures.clear()
