"""Who may use a page served to others, and how much: the users file and its passwords.

The users file is TOML, one table a user (``atlas users add NAME --role editor`` writes it)::

    [users.alice]
    role = "editor"                     # reader: sees; editor: also corrects and adds articles
    password = "$argon2id$v=19$m=65536,t=3,p=4$..."

``atlas serve --users FILE`` (or ``$ATLAS_USERS``) gives it to the page, which then asks for a name and
password before it shows anything of the store. With an OpenID Connect provider (Streamlit's
``st.login``, ``[auth]`` in ``.streamlit/secrets.toml``) the provider says who someone is and this file,
if given, says their role by the e-mail address they log in with (an entry without a password); whoever it
does not list is a reader.

Passwords are kept only as Argon2id hashes (argon2-cffi, RFC 9106's low-memory parameters: 64 MiB,
3 passes, 4 lanes, a random salt per hash): memory-hard, with no length limit on the password, the
parameters in the hash itself. Nothing here imports Streamlit.
"""
from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TextIO

from .errors import AtlasError

ENV = "ATLAS_USERS"  # the users file's path (atlas serve --users sets it for the page)
ROLES = ("reader", "editor")  # a reader sees; an editor also corrects and adds articles
EDITOR = "editor"
NAME = re.compile(r"[\w.@+-]{1,64}")  # a user name or an e-mail address: never needs quoting in TOML
MIN_PASSWORD = 8
_KEYS = {"role", "password"}


class UsersFileError(AtlasError):
    """The users file cannot be read or is not what :mod:`dashboard.users` describes."""


@dataclass(frozen=True)
class User:
    """Who is using the page: ``name`` is the author of their corrections."""

    name: str
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role == EDITOR


@dataclass(frozen=True)
class Entry:
    role: str
    password: str | None  # an Argon2 hash; None: logs in through the identity provider only


@cache
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2-cffi's defaults: RFC 9106 low-memory (Argon2id, 64 MiB, t=3, p=4)


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (a new random salt each time)."""
    return _hasher().hash(password)


def check_password(hashed: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``hashed`` was made from (``None``: none is)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if hashed is None:
        _hasher().hash(password)  # about as long as a check: a missing user takes as long as a wrong password
        return False
    try:
        return _hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def users_path(environ: dict[str, str] | None = None) -> Path | None:
    """The users file named by ``$ATLAS_USERS``, or ``None``."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip()
    return Path(value).expanduser() if value else None


def parse_users(text: str, where: str = "the users file") -> dict[str, Entry]:
    """The entries of a users file's text; :class:`UsersFileError` saying what is wrong and where."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"{where} is not valid TOML ({exc}); see `atlas users add --help`") from exc
    unknown = set(data) - {"users"}
    if unknown:
        raise UsersFileError(f"{where}: unknown section {sorted(unknown)[0]!r}; users are [users.NAME] tables")
    table = data.get("users", {})
    if not isinstance(table, dict):
        raise UsersFileError(f"{where}: 'users' must be a table of [users.NAME] entries")
    out = {}
    for name, entry in table.items():
        if not NAME.fullmatch(name):
            raise UsersFileError(f"{where}: user name {name!r} must be 1-64 letters, digits or . _ @ + -")
        if not isinstance(entry, dict):
            raise UsersFileError(f"{where}: [users.{name}] must be a table with role = ... and password = ...")
        extra = set(entry) - _KEYS
        if extra:
            raise UsersFileError(f"{where}: [users.{name}] has an unknown key {sorted(extra)[0]!r} "
                                 "(only role and password)")
        role, password = entry.get("role"), entry.get("password")
        if role not in ROLES:
            raise UsersFileError(f"{where}: [users.{name}] role must be one of {', '.join(ROLES)}, not {role!r}")
        if password is not None and not (isinstance(password, str) and password.startswith("$argon2")):
            raise UsersFileError(f"{where}: [users.{name}] password must be an Argon2 hash (never the password "
                                 f"itself): set it with `atlas users add {name}`")
        out[name] = Entry(role, password)
    return out


def load_users(path: str | os.PathLike[str]) -> dict[str, Entry]:
    """The entries of the users file at ``path`` (read again only when the file changes)."""
    p = Path(path)
    try:
        stat = p.stat()
    except OSError as exc:
        raise UsersFileError(f"cannot read the users file {p} ({exc.strerror or exc}); create it with "
                             f"`atlas users add NAME --role editor --users {p}`") from exc
    return _load(str(p), stat.st_mtime_ns, stat.st_size)


@cache
def _load(path: str, mtime_ns: int, size: int) -> dict[str, Entry]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsersFileError(f"cannot read the users file {path} ({exc})") from exc
    return parse_users(text, f"the users file {path}")


def authenticate(entries: dict[str, Entry], name: str, password: str) -> User | None:
    """The user ``name`` when ``password`` is theirs, else ``None`` (the same time either way)."""
    entry = entries.get(name.strip())
    if not check_password(entry.password if entry else None, password) or entry is None:
        return None
    return User(name.strip(), entry.role)


def role_of(entries: dict[str, Entry] | None, name: str) -> str:
    """The role the users file gives ``name`` (an identity provider's user): ``reader`` when not listed."""
    entry = (entries or {}).get(name)
    return entry.role if entry else "reader"


def local_user() -> User:
    """The single analyst of a page on loopback without logins: the OS user (``local`` when unknown), an
    editor."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = ""
    return User(name if name and NAME.fullmatch(name) else "local", EDITOR)


def render(entries: dict[str, Entry]) -> str:
    """The users file's text for ``entries`` (what :func:`parse_users` reads back)."""
    lines = ["# News Atlas users (atlas users add NAME --role editor). Passwords are Argon2id hashes.", ""]
    for name, entry in entries.items():
        lines.append(f'[users."{name}"]')
        lines.append(f'role = "{entry.role}"')
        if entry.password is not None:
            lines.append(f'password = "{entry.password}"')
        lines.append("")
    return "\n".join(lines)


def add_user(path: str | os.PathLike[str], name: str, role: str, password: str | None) -> bool:
    """Add ``name`` to the users file at ``path`` (made, readable by its owner only, when missing) or
    change their role and password; whether they were new. The file is replaced whole, never
    half-written. ``password`` None: an identity provider's user (listed for the role)."""
    if not NAME.fullmatch(name):
        raise UsersFileError(f"user name {name!r} must be 1-64 letters, digits or . _ @ + -")
    if role not in ROLES:
        raise UsersFileError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UsersFileError(f"the password must have at least {MIN_PASSWORD} characters")
    p = Path(path)
    entries = load_users(p) if p.exists() else {}
    new = name not in entries
    entries[name] = Entry(role, hash_password(password) if password is not None else None)
    text = render(entries)
    parse_users(text)  # what is written reads back
    fd, tmp = tempfile.mkstemp(prefix=".users-", dir=p.parent if str(p.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return new


def cmd_add(args: argparse.Namespace, stdin: TextIO | None = None, err: TextIO | None = None) -> int:
    """Add a user to the users file (or change their role and password); the password is asked for twice
    (or read from the first line of standard input when it is not a terminal)."""
    path = args.users or os.environ.get(ENV)
    if not path:
        raise UsersFileError(f"name the users file: --users FILE (or set ${ENV})")
    stdin = stdin or sys.stdin
    if args.no_password:
        password = None
    elif stdin.isatty():
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            raise UsersFileError("the passwords differ; nothing was changed")
    else:
        password = stdin.readline().rstrip("\r\n")
    new = add_user(path, args.name, args.role, password)
    (err or sys.stderr).write(f"{'added' if new else 'changed'} {args.name} ({args.role}) in {path}\n")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    """``atlas users add``'s options (dashboard/cli.py builds the command)."""
    p.add_argument("name", help="the user's name (letters, digits, . _ @ + -; an e-mail for an identity provider)")
    p.add_argument("--role", choices=ROLES, default="reader", help="reader (default) or editor")
    p.add_argument("--users", metavar="FILE", help=f"the users file (default ${ENV}; made when missing)")
    p.add_argument("--no-password", action="store_true",
                   help="no password: a user of the OpenID Connect provider, listed for their role")
    p.epilog = "Passwords are kept as Argon2id hashes. A reader sees; an editor also corrects and adds articles."


def add_command(sub: argparse._SubParsersAction, command: Callable[..., argparse.ArgumentParser]) -> None:
    """``atlas users add`` under ``sub`` (``command``: dashboard/cli.py's maker of a subcommand)."""
    users = sub.add_parser("users", help="the users file of a page served to others (atlas serve --users FILE)")
    add_arguments(command(users.add_subparsers(dest="action", required=True, metavar="ACTION"), "add", cmd_add,
                          "add a user or change their role and password"))
