"""Who may open what: the import page's setting and its password, with failures throttled.
Plain functions of settings and time, so the gates are tested without a browser."""
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
IMPORT_MODES = ("on", "password", "off")


def import_mode(environ=os.environ) -> str:
    """on (the default), password or off. Any other value closes the page: a typo must not
    open a door (`false`, `0`, ` off`), and the log says why."""
    value = environ.get(IMPORT_SETTING)
    if value is None:
        return "on"
    if value in IMPORT_MODES:
        return value
    log.warning("%s=%r is not one of on/off/password: the import page is closed", IMPORT_SETTING, value)
    return "off"


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
