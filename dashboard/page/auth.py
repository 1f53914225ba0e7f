"""The page's gate: who is there, asked before anything of the store is read or shown.

:func:`gate` is called first by the page script (:mod:`dashboard.app`). How it asks is
:func:`dashboard.logins.configured`'s answer:

* an OpenID Connect provider: a "Log in" button (Streamlit's ``st.login``); the user is the e-mail address
  the provider gives, their role the users file's (a reader when it does not list them);
* a users file: a name and password form (:mod:`dashboard.users`, Argon2id); the session keeps the user
  until "Log out" or a reload;
* neither: the single analyst of this machine (the OS user name, an editor). A browser on another machine
  gets nothing (``atlas serve`` refuses such an address; this holds for a bare ``streamlit run`` too).

Readers see; editors also correct and add articles. The page hides the controls from readers
(:func:`can_edit`), and every write of :mod:`dashboard.page.data` asks :func:`editor` for its author, which
refuses a reader, so a callback cannot write for one either.
"""
from __future__ import annotations

import ipaddress
import time

import streamlit as st

from dashboard.errors import AtlasError, StoreError
from dashboard.logins import Logins, configured
from dashboard.page import keys as k
from dashboard.page.markup import escape_markdown
from dashboard.users import User, authenticate, load_users, local_user, role_of

FAILED_PAUSE = 1.0  # seconds a failed login waits (per attempt in this session, at most MAX_PAUSE)
MAX_PAUSE = 5.0


class NotAllowed(StoreError):
    """This user may not change the store (a reader, or no one logged in)."""


def gate() -> User:
    """The user of this session; without one, the login (and nothing else) is drawn and the run stops."""
    state = st.session_state
    user = state.get(k.USER)
    try:
        logins = configured()
        if logins.mode == "users" and user is not None:  # the file may have changed: its role, or gone
            entry = load_users(logins.users).get(user.name)
            user = User(user.name, entry.role) if entry and entry.password else None
    except AtlasError as exc:  # a users file or [auth] gone bad since the server started: say it, show nothing
        st.error(f"Logins are configured but do not work: {escape_markdown(exc)}")
        st.stop()
    if logins.mode is None:
        if not _local_client():
            st.error("This page is served without logins, to this machine only. Ask whoever runs it to start it "
                     "with `atlas serve --users FILE` (see the README's 'Serving a team').")
            st.stop()
        user = state[k.USER] = user or local_user()
        return user
    if logins.mode == "oidc":
        user = _oidc_user(logins)
    elif user is None:
        _password_form(logins)
    if user is None:
        st.stop()
    state[k.USER] = user
    with st.sidebar:
        st.caption(f"Logged in as **{escape_markdown(user.name)}** ({escape_markdown(user.role)})")
        st.button("Log out", key=k.LOGOUT, on_click=_logout, args=(logins.mode,))
    return user


def current_user() -> User | None:
    return st.session_state.get(k.USER)


def can_edit() -> bool:
    """Whether this session's user may correct and add articles."""
    user = current_user()
    return user is not None and user.can_edit


def editor() -> str:
    """The author of this session's next write: the logged-in editor's name; :class:`NotAllowed` for a
    reader or when no one is logged in."""
    user = current_user()
    if user is None or not user.can_edit:
        raise NotAllowed(f"{user.name if user else 'no one'} may not change the store: only an editor corrects "
                         "and adds articles")
    return user.name


def _local_client() -> bool:
    """Whether the browser is on this machine: Streamlit gives no address for loopback, and none that is
    text without a connection (AppTest's)."""
    address = st.context.ip_address
    if not address or not isinstance(address, str):
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _password_form(logins: Logins) -> None:
    st.title("News Atlas")
    with st.form(k.LOGIN_FORM, clear_on_submit=True):  # the password is not kept in the form
        st.text_input("Name", key=k.LOGIN_NAME, autocomplete="username")
        st.text_input("Password", type="password", key=k.LOGIN_PASSWORD, autocomplete="current-password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        _check(logins)


def _check(logins: Logins) -> None:
    state = st.session_state
    name, password = str(state.get(k.LOGIN_NAME) or ""), str(state.get(k.LOGIN_PASSWORD) or "")
    user = authenticate(load_users(logins.users), name, password) if name and password else None
    if user is None:
        failed = state[k.LOGIN_FAILED] = state.get(k.LOGIN_FAILED, 0) + 1
        time.sleep(min(MAX_PAUSE, FAILED_PAUSE * failed))
        st.error("Wrong name or password.")
        return
    state.pop(k.LOGIN_FAILED, None)
    state[k.USER] = user
    st.rerun()


def _oidc_user(logins: Logins) -> User | None:
    if st.user.is_logged_in:
        name = str(st.user.get("email") or st.user.get("sub") or "")
        if name:
            return User(name, role_of(load_users(logins.users) if logins.users else None, name))
    st.title("News Atlas")
    st.write("Log in to see the map.")
    for provider in logins.providers:
        st.button(f"Log in with {escape_markdown(provider)}" if provider else "Log in",
                  key=f"{k.LOGIN_FORM}_{provider or ''}", on_click=st.login, args=(provider,) if provider else ())
    return None


def _logout(mode: str) -> None:
    st.session_state.clear()
    if mode == "oidc":
        st.logout()
