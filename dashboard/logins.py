"""Whether, and how, the page asks who is there: ``atlas serve`` (:mod:`dashboard.serve`) and the page's
gate (:mod:`dashboard.page.auth`) decide the same way, here. Nothing here imports Streamlit.

* An OpenID Connect provider: an ``[auth]`` section in ``.streamlit/secrets.toml`` (the folder Streamlit
  starts in, the repository's under ``atlas serve``; or ``~/.streamlit/secrets.toml``) as Streamlit's
  ``st.login`` documents: ``redirect_uri`` (ending in ``/oauth2callback``), ``cookie_secret``, and
  ``client_id``, ``client_secret``, ``server_metadata_url`` for one provider, or in ``[auth.NAME]``
  sections for several. It needs Authlib (``pip install 'news-atlas[oidc]'``). The users file, if given
  too, gives roles by e-mail address.
* Else a users file (:mod:`dashboard.users`): ``atlas serve --users FILE`` or ``$ATLAS_USERS``.
* Else none: the page is one analyst's, on this machine only.
"""
from __future__ import annotations

import importlib.util
import os
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import AtlasError
from .users import load_users, users_path

SECRETS = Path(".streamlit") / "secrets.toml"
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
SHARED_KEYS = ("redirect_uri", "cookie_secret")


class LoginsError(AtlasError):
    """Logins are asked for but cannot work as configured."""


@dataclass(frozen=True)
class Logins:
    mode: str | None  # "oidc", "users" or None (no logins: one analyst on this machine)
    users: Path | None = None  # the users file (roles; in "users" mode, passwords too)
    providers: tuple[str | None, ...] = ()  # "oidc": st.login's provider names (None: the [auth] section's own)


def secret_files(folder: Path | None = None) -> list[Path]:
    """Where Streamlit reads secrets from, in its order (later files win): ``~/.streamlit/secrets.toml``, then
    ``.streamlit/secrets.toml`` in the folder it starts in."""
    return [Path.home() / SECRETS, (folder or Path.cwd()) / SECRETS]


def auth_section(files: Sequence[Path]) -> dict | None:
    """The ``[auth]`` section of the secrets files (a later file's keys over an earlier's), or ``None``."""
    section: dict | None = None
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise LoginsError(f"cannot read the secrets file {path} ({exc})") from exc
        if isinstance(data.get("auth"), dict):
            section = {**(section or {}), **data["auth"]}
    return section


def providers(section: Mapping) -> tuple[str | None, ...]:
    """The providers an ``[auth]`` section configures (None: its own keys); :class:`LoginsError` saying
    what is missing."""
    missing = [k for k in SHARED_KEYS if not section.get(k)]
    named = tuple(name for name, v in section.items() if isinstance(v, Mapping))
    found: list[str | None] = [None] if section.get("client_id") else []
    found += named
    for name in found:
        keys = section if name is None else {**section, **section[name]}
        missing += [f"{name}.{k}" if name else k for k in PROVIDER_KEYS if not keys.get(k)]
    if not found:
        missing += list(PROVIDER_KEYS)
    if missing:
        raise LoginsError(f"the [auth] section of .streamlit/secrets.toml lacks {', '.join(missing)} (Streamlit's "
                          "st.login needs redirect_uri, cookie_secret, client_id, client_secret and "
                          "server_metadata_url; see the README's 'Serving a team')")
    if not str(section["redirect_uri"]).endswith("/oauth2callback"):
        raise LoginsError("the [auth] redirect_uri must end with /oauth2callback (the page's own address)")
    return tuple(found)


def configured(environ: Mapping[str, str] | None = None, files: Sequence[Path] | None = None) -> Logins:
    """How the page asks who is there, from ``$ATLAS_USERS`` and the secrets files (:class:`LoginsError` or
    :class:`~dashboard.users.UsersFileError` when configured but unusable: never silently none)."""
    env = os.environ if environ is None else environ
    users = users_path(dict(env))
    entries = load_users(users) if users else None
    section = auth_section(secret_files() if files is None else files)
    if section is not None:
        names = providers(section)
        if importlib.util.find_spec("authlib") is None:
            raise LoginsError("an OpenID Connect provider is configured ([auth] in .streamlit/secrets.toml) but "
                              "Authlib is not installed: pip install 'news-atlas[oidc]'")
        return Logins("oidc", users, names)
    if users is None:
        return Logins(None)
    if not any(e.password for e in (entries or {}).values()):
        raise LoginsError(f"the users file {users} has no user with a password: no one could log in; add one with "
                          f"`atlas users add NAME --role editor --users {users}`")
    return Logins("users", users)
