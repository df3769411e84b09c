"""Officer authentication: argon2 password hashes, signed session cookies, CSRF, API tokens.

The session is an itsdangerous-signed cookie (HttpOnly, SameSite=Strict) carrying the
username, a per-session CSRF token and the login time; nothing secret is stored in it.
Every POST form carries the CSRF token, compared in constant time. API tokens are random
strings shown once; the store keeps only their SHA-256. This module does no I/O.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "hoso_session"
TOKEN_PREFIX = "hoso_"

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A valid hash to verify against when the user does not exist, so that timing does not
    reveal which usernames exist (made on first use: hashing is deliberately slow)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time string comparison; False when either side is missing or empty."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass(frozen=True)
class Session:
    csrf: str
    username: str | None = None
    login_at: float | None = None


class SessionCodec:
    """Signs and reads the session cookie; a bad or expired signature is no session."""

    VERIFIED_MAX = 4096

    def __init__(self, secret_key: str, max_age_s: int) -> None:
        self._s = URLSafeTimedSerializer(secret_key, salt="hoso-session")
        self.max_age_s = max_age_s
        # Cookies already verified (the exact string, signature included) → the session
        # and when it was signed: an officer's next request skips the base64/JSON/HMAC work
        # but still expires on time. Bounded; emptied when full.
        self._verified: dict[str, tuple[Session, float]] = {}

    def dumps(self, session: Session) -> str:
        return self._s.dumps({"c": session.csrf, "u": session.username, "t": session.login_at})

    def loads(self, raw: str | None) -> Session | None:
        if not raw:
            return None
        known = self._verified.get(raw)
        if known is not None:
            session, signed_at = known
            if 0 <= time.time() - signed_at <= self.max_age_s:
                return session
            self._verified.pop(raw, None)
            return None
        try:
            data, signed = self._s.loads(raw, max_age=self.max_age_s, return_timestamp=True)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        user = data.get("u")
        session = Session(
            csrf=data["c"],
            username=user if isinstance(user, str) else None,
            login_at=data.get("t"),
        )
        if len(self._verified) >= self.VERIFIED_MAX:
            self._verified.clear()
        self._verified[raw] = (session, signed.timestamp())
        return session

    @staticmethod
    def anonymous() -> Session:
        return Session(csrf=secrets.token_urlsafe(24))

    @staticmethod
    def logged_in(username: str) -> Session:
        # A fresh CSRF token at login: a token seen before login is worthless after it.
        return Session(csrf=secrets.token_urlsafe(24), username=username, login_at=time.time())


class LoginThrottle:
    """Slows password guessing: after `limit` failures within `window_s`, refuse for a while."""

    def __init__(self, limit: int = 5, window_s: float = 300.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, list[float]] = {}

    def _recent(self, key: str, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, []) if now - t < self.window_s]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def blocked(self, key: str) -> bool:
        return len(self._recent(key, time.time())) >= self.limit

    def failed(self, key: str) -> None:
        now = time.time()
        self._failures[key] = [*self._recent(key, now), now]
        if len(self._failures) > 10_000:  # bounded memory under a flood of usernames
            self._failures.clear()

    def succeeded(self, key: str) -> None:
        self._failures.pop(key, None)
