"""The password rule of every account (the web's forms and the CLI alike) and the production rule of
the session-signing secret key. The numbers and the common-password lists are data
(``data/password-rule.yaml`` and the lists it names, each with its source); this module only applies
them. Pure: no web, no SQL.

A password is refused, with every reason at once (zh-CN and English, located at the form field), when
it is shorter than ``min_length`` or longer than ``max_length``; has fewer than ``min_classes`` of the
classes lower case, upper case, digits, other (a passphrase of ``passphrase_length`` characters needs
``passphrase_classes``); contains the user name (case-insensitive); or is a common password — one of
the lists, lower-cased, or one of them followed only by digits and symbols (``Password123!``).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import secrets
import string
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from carbonpeak.errors import InvalidInputError, Problem

DATA = Path(__file__).parent / "data"
RULE_FILE = DATA / "password-rule.yaml"
_TAIL = re.compile(r"[\W\d_]+$")  # digits, punctuation and spaces at the end


class PasswordRuleError(InvalidInputError):
    """A password that the rule refuses (HTTP 422, exit code 2); each problem names the field."""


@dataclass(frozen=True)
class PasswordRule:
    min_length: int
    max_length: int
    min_classes: int
    passphrase_length: int
    passphrase_classes: int
    username_min_length: int
    common: frozenset[str]
    version: int
    source: str


def _read_list(entry: dict[str, Any]) -> list[str]:
    path = DATA / str(entry["file"])
    raw = path.read_bytes()
    expected = entry.get("sha256")
    if expected and hashlib.sha256(raw).hexdigest() != expected:
        raise RuntimeError(f"{path.name}: sha256 differs from {RULE_FILE.name} (the list was changed)")
    lines = raw.decode("utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#!comment")]


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(RULE_FILE.read_text(encoding="utf-8"))
    return data


@cache
def rule() -> PasswordRule:
    """The password rule of ``data/password-rule.yaml`` with its lists (read once)."""
    data = _data()
    common = frozenset(word for entry in data["common_lists"] for word in _read_list(entry))
    return PasswordRule(
        min_length=int(data["min_length"]),
        max_length=int(data["max_length"]),
        min_classes=int(data["min_classes"]),
        passphrase_length=int(data["passphrase_length"]),
        passphrase_classes=int(data["passphrase_classes"]),
        username_min_length=int(data["username_min_length"]),
        common=common,
        version=int(data["version"]),
        source=str(data["source"]),
    )


def classes_of(password: str) -> set[str]:
    """Which of lower, upper, digit, other the password uses (汉字 and spaces count as other)."""
    found = set()
    for ch in password:
        if ch in string.ascii_lowercase:
            found.add("lower")
        elif ch in string.ascii_uppercase:
            found.add("upper")
        elif ch in string.digits:
            found.add("digit")
        else:
            found.add("other")
    return found


def is_common(password: str, common: frozenset[str] | None = None) -> bool:
    """Whether the password is a listed common one, alone or followed only by digits and symbols."""
    words = rule().common if common is None else common
    low = password.strip().lower()
    base = _TAIL.sub("", low)
    return low in words or (len(base) >= 2 and base in words)


def password_problems(password: str, username: str = "", field: str = "password") -> list[Problem]:
    """Every reason the rule refuses ``password`` for user ``username`` (empty: acceptable)."""
    r = rule()
    out: list[Problem] = []

    def add(zh: str, en: str) -> None:
        out.append(Problem(zh, message_en=en, field=field))

    if len(password) < r.min_length:
        add(f"密码至少需要 {r.min_length} 个字符（现为 {len(password)} 个）",
            f"the password needs at least {r.min_length} characters (it has {len(password)})")  # fmt: skip
    if len(password) > r.max_length:
        add(f"密码最多 {r.max_length} 个字符", f"the password may have at most {r.max_length} characters")
    needed = r.passphrase_classes if len(password) >= r.passphrase_length else r.min_classes
    have = len(classes_of(password))
    if have < needed:
        add(
            f"密码需包含小写字母、大写字母、数字、其他字符（标点、空格、汉字）中的至少 {needed} 类"
            f"（现为 {have} 类）",
            f"the password needs at least {needed} of: lower-case letters, upper-case letters, digits, "
            f"other characters (punctuation, spaces, Chinese characters); it has {have}",
        )
    name = username.strip().lower()
    if len(name) >= r.username_min_length and name in password.lower():
        add("密码不能包含用户名", "the password must not contain the user name")
    if is_common(password):
        add(
            "这是常见密码（或常见密码后加数字、符号），很容易被猜中，请换一个",
            "this is a common password (or a common one followed by digits or symbols), easy to guess",
        )
    return out


def check_password_rule(password: str, username: str = "", field: str = "password") -> None:
    """Raise ``PasswordRuleError`` naming every problem of ``password`` (see ``password_problems``)."""
    problems = password_problems(password, username, field)
    if problems:
        raise PasswordRuleError(
            problems,
            summary=f"用户 {username} 的密码不符合要求",
            summary_en=f"password of {username} refused",
        )


_ALPHABET = string.ascii_letters + string.digits


def generate_password(length: int = 16) -> str:
    """A random password that the rule accepts (for accounts the office creates or resets)."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if len(classes_of(candidate)) >= 3 and not password_problems(candidate):
            return candidate


def entropy_bits(secret: str) -> float:
    """Estimated entropy of a key: its length × the Shannon entropy of its own character frequencies
    (``a``×32 → 0 bits, ``changeme``×4 → 88, ``secrets.token_urlsafe(32)`` → about 215)."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    n = len(secret)
    per_char = -sum(c / n * math.log2(c / n) for c in counts.values())
    return max(0.0, n * per_char)


def _patterned(secret: str) -> bool:
    """Whether the key is a shorter piece repeated (``abcdabcd…``) or mostly a run of neighbouring
    characters (``abcdef…``, ``987654…``): typed by hand, not drawn at random."""
    n = len(secret)
    if any(n % k == 0 and secret == secret[:k] * (n // k) for k in range(1, n // 2 + 1)):
        return True
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(secret)]
    return sum(1 for d in steps if abs(d) == 1) > len(steps) / 2


def secret_key_problem(secret: str | None) -> str | None:
    """Why a session-signing key is unfit for production, or None when it is fit (rule in data)."""
    conf = _data()["secret_key"]
    how = "make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if secret is None or not secret.strip():
        return f"CARBONPEAK_SECRET_KEY is not set; {how}"
    if secret.strip().lower() in {str(d).lower() for d in conf["known_defaults"]}:
        return f"CARBONPEAK_SECRET_KEY is a known default value; {how}"
    if len(secret) < int(conf["min_length"]):
        return f"CARBONPEAK_SECRET_KEY is shorter than {conf['min_length']} characters; {how}"
    bits = entropy_bits(secret)
    if bits < float(conf["min_entropy_bits"]) or _patterned(secret):
        return (
            f"CARBONPEAK_SECRET_KEY has too little entropy (about {bits:.0f} bits estimated, at least "
            f"{conf['min_entropy_bits']} needed) or follows a pattern (a repeated piece, a run like "
            f"abcdef); {how}"
        )
    return None
