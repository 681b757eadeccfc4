"""Signed links: a relationship's dashboard link carries an HMAC of its id, made with a secret kept off the repo.

The secret is, in order:

1. ``$VALUEKIT_DASHBOARD_SECRET`` (at least 32 characters), for servers configured from their environment;
2. the file ``$VALUEKIT_DASHBOARD_SECRET_FILE``, if set;
3. ``$XDG_CONFIG_HOME/valuekit/dashboard-secret`` (``~/.config/valuekit/dashboard-secret``), created on first use
   with 32 random bytes and mode 0600 in a folder of mode 0700.

A secret file that others can read, or one inside the project folder (which is a git repository), is refused:
anyone holding the secret can sign a link to any relationship. Replacing the secret revokes every link.

A token is ``base64url(HMAC-SHA256(secret, "valuekit-dashboard/1" ∖ scope ∖ value))`` without padding, where
``scope`` is ``"relationship"`` (value: the relationship id) or ``"portfolio"`` (value: ``"portfolio"``), so a
token for one never opens the other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from urllib.parse import urlencode

from ..config import PROJECT_ROOT
from ._errors import DashboardError

__all__ = [
    "SECRET_ENV",
    "SECRET_FILE_ENV",
    "secret_path",
    "load_secret",
    "sign",
    "verify",
    "relationship_link",
    "portfolio_link",
]

#: The environment variable holding the secret itself.
SECRET_ENV = "VALUEKIT_DASHBOARD_SECRET"
#: The environment variable naming the secret's file.
SECRET_FILE_ENV = "VALUEKIT_DASHBOARD_SECRET_FILE"
#: Scopes a token can be signed for.
SCOPES = ("relationship", "portfolio")
_MIN_SECRET = 32
_DOMAIN = "valuekit-dashboard/1"


def secret_path() -> Path:
    """Where the secret file is (whether or not it exists yet)."""
    named = os.environ.get(SECRET_FILE_ENV)
    if named:
        return Path(named).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "valuekit" / "dashboard-secret"


def load_secret(*, create: bool = True) -> bytes:
    """The secret that signs dashboard links: from the environment, or its file (created on first use).

    Raises
    ------
    DashboardError
        The secret in the environment is too short; the file is missing (and ``create`` is false), readable
        by others, inside the project folder, or too short.
    """
    env = os.environ.get(SECRET_ENV)
    if env is not None:
        if len(env.strip()) < _MIN_SECRET:
            raise DashboardError(
                f"${SECRET_ENV} must hold at least {_MIN_SECRET} characters; it holds {len(env.strip())}. "
                "Make one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return env.strip().encode()
    path = secret_path()
    if _inside(path, PROJECT_ROOT):
        raise DashboardError(
            f"the dashboard secret {path} is inside the project folder {PROJECT_ROOT}, where it could be "
            f"committed; keep it outside (set ${SECRET_FILE_ENV} to another path)"
        )
    if not path.exists():
        if not create:
            raise DashboardError(
                f"no dashboard secret at {path}: run 'valuekit dashboard link' once to create it, or set ${SECRET_ENV}"
            )
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise DashboardError(
            f"the dashboard secret {path} can be read by others (mode {mode:04o}); run: chmod 600 {path}"
        )
    value = path.read_text(encoding="ascii").strip()
    if len(value) < _MIN_SECRET:
        raise DashboardError(f"the dashboard secret {path} is shorter than {_MIN_SECRET} characters")
    return value.encode()


def _create(path: Path) -> None:
    """Write a new random secret with mode 0600 (its folder 0700); never overwrite one made meanwhile."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def sign(value: str, scope: str = "relationship", *, secret: bytes | None = None) -> str:
    """The token for ``value`` in ``scope``: 43 URL-safe characters.

    Examples
    --------
    >>> sign("harbourside-northwind", secret=b"k" * 32)
    'cf85uBmn9L-nbEQZGpGHOL_eTP6soTunHU_btmbLzV8'
    """
    if scope not in SCOPES:
        raise DashboardError(f"a token's scope is one of {list(SCOPES)}; got {scope!r}")
    key = load_secret() if secret is None else secret
    digest = hmac.new(key, f"{_DOMAIN}\x1f{scope}\x1f{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verify(
    value: str, token: str | None, scope: str = "relationship", *, secret: bytes | None = None
) -> bool:
    """Whether ``token`` is the token of ``value`` in ``scope`` (compared in constant time)."""
    if not token or not isinstance(token, str):
        return False
    return hmac.compare_digest(sign(value, scope, secret=secret).encode(), token.encode("utf-8", "replace"))


def relationship_link(
    relationship_id: str,
    base_url: str = "http://127.0.0.1:8866/",
    *,
    cycle: str | None = None,
    secret: bytes | None = None,
) -> str:
    """The link to one relationship's dashboard, locked to it by its token.

    ``base_url`` is where the server is reached (behind a reverse proxy, its public address and path).
    """
    query = {"relationship": relationship_id}
    if cycle:
        query["cycle"] = cycle
    query["token"] = sign(relationship_id, "relationship", secret=secret)
    return f"{_base(base_url)}voila/render/relationship.ipynb?{urlencode(query)}"


def portfolio_link(base_url: str = "http://127.0.0.1:8866/", *, secret: bytes | None = None) -> str:
    """The link to the portfolio dashboard, with the portfolio token (for the Value Management team)."""
    token = sign("portfolio", "portfolio", secret=secret)
    return f"{_base(base_url)}voila/render/portfolio.ipynb?{urlencode({'token': token})}"


def _base(url: str) -> str:
    return url if url.endswith("/") else url + "/"
