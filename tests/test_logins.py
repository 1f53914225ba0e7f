"""Logins (issue 14, item 4): the users file and its Argon2id passwords, how the page and ``atlas serve``
decide whether to ask who is there, the page's login gate (nothing of the store before it), roles (a
reader sees; an editor corrects and adds articles, and the writes refuse anyone else), and the logged-in
user as the author of corrections."""
from __future__ import annotations

import io
import shutil
import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import cli
from dashboard.logins import LoginsError, configured, providers
from dashboard.store import Store
from dashboard.users import (
    Entry,
    User,
    UsersFileError,
    add_user,
    authenticate,
    check_password,
    cmd_add,
    hash_password,
    load_users,
    local_user,
    parse_users,
    role_of,
)
from tests.test_app import APP, choose_option, place_names, run

PASSWORD = "correct horse battery"


# -- passwords and the users file ------------------------------------------------------------------------------
def test_a_password_is_kept_as_a_salted_argon2id_hash_and_checked():
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first.startswith("$argon2id$") and PASSWORD not in first and first != second  # a new salt each time
    assert check_password(first, PASSWORD) and check_password(second, PASSWORD)
    assert not check_password(first, PASSWORD + " ") and not check_password(first, "")
    assert not check_password(None, PASSWORD) and not check_password("$argon2id$broken", PASSWORD)


def test_users_are_added_to_a_file_only_its_owner_reads_and_logged_in(tmp_path):
    path = tmp_path / "users.toml"
    assert add_user(path, "alice", "editor", PASSWORD) is True
    assert add_user(path, "bob@example.org", "reader", "another password") is True
    assert add_user(path, "alice", "reader", "a new password") is False  # changed, not added twice
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and PASSWORD not in path.read_text()
    entries = load_users(path)
    assert set(entries) == {"alice", "bob@example.org"} and entries["alice"].role == "reader"
    assert authenticate(entries, "alice", "a new password") == User("alice", "reader")
    assert authenticate(entries, "alice", PASSWORD) is None  # the old password no longer
    assert authenticate(entries, "nobody", PASSWORD) is None
    assert authenticate(entries, " bob@example.org ", "another password") == User("bob@example.org", "reader")
    with pytest.raises(UsersFileError, match="at least 8"):
        add_user(path, "carol", "editor", "short")
    with pytest.raises(UsersFileError, match="user name"):
        add_user(path, 'eve"]\nrole = "editor', "editor", PASSWORD)
    with pytest.raises(UsersFileError, match="role must be"):
        add_user(path, "carol", "admin", PASSWORD)
    assert set(load_users(path)) == {"alice", "bob@example.org"}  # a refused add changed nothing


@pytest.mark.parametrize(("text", "message"), [
    ("[users.alice\nrole = 1", "not valid TOML"),
    ('[people.alice]\nrole = "editor"', "unknown section 'people'"),
    ('users = "alice"', "must be a table"),
    ('[users.alice]\nrole = "admin"', "role must be one of reader, editor, not 'admin'"),
    ('[users.alice]\nrole = "editor"\npassword = "hunter22"', "must be an Argon2 hash"),
    ('[users.alice]\nrole = "editor"\nemail = "a@b"', "unknown key 'email'"),
    ('[users."al ice"]\nrole = "editor"', "user name 'al ice'"),
    ('[users]\nalice = "editor"', r"\[users.alice\] must be a table"),
])
def test_a_bad_users_file_is_refused_saying_what_and_where(text, message):
    with pytest.raises(UsersFileError, match=message):
        parse_users(text, "the users file x.toml")


def test_a_missing_users_file_says_how_to_make_one(tmp_path):
    with pytest.raises(UsersFileError, match="atlas users add NAME --role editor"):
        load_users(tmp_path / "none.toml")


def test_roles_of_an_identity_providers_users_and_the_local_analyst():
    entries = {"ed@example.org": Entry("editor", None)}
    assert role_of(entries, "ed@example.org") == "editor" and role_of(entries, "x@example.org") == "reader"
    assert role_of(None, "ed@example.org") == "reader"
    me = local_user()
    assert me.can_edit and me.name and not User("rita", "reader").can_edit


def test_atlas_users_add_reads_the_password_from_stdin(tmp_path, capsys, monkeypatch):
    path = tmp_path / "users.toml"
    args = cli.build_parser().parse_args(["users", "add", "alice", "--role", "editor", "--users", str(path)])
    assert cmd_add(args, stdin=io.StringIO(PASSWORD + "\n")) == 0
    assert authenticate(load_users(path), "alice", PASSWORD) == User("alice", "editor")
    assert "added alice (editor)" in capsys.readouterr().err
    monkeypatch.delenv("ATLAS_USERS", raising=False)
    assert cli.main(["users", "add", "bob"]) == 2 and "$ATLAS_USERS" in capsys.readouterr().err


# -- whether logins are asked for ------------------------------------------------------------------------------
def test_logins_are_none_the_users_file_or_the_identity_provider(tmp_path):
    secrets = tmp_path / "secrets.toml"
    assert configured({}, [secrets]).mode is None
    users = tmp_path / "users.toml"
    add_user(users, "alice", "editor", PASSWORD)
    assert configured({"ATLAS_USERS": str(users)}, [secrets]).mode == "users"
    add_user(tmp_path / "idp.toml", "ed@example.org", "editor", None)
    with pytest.raises(LoginsError, match="no user with a password"):
        configured({"ATLAS_USERS": str(tmp_path / "idp.toml")}, [secrets])
    secrets.write_text('[auth]\nredirect_uri = "http://atlas.example.org/oauth2callback"\ncookie_secret = "x"\n'
                       'client_id = "id"\nclient_secret = "s"\n'
                       'server_metadata_url = "https://idp.example.org/.well-known/openid-configuration"\n')
    try:
        import authlib  # noqa: F401
    except ImportError:
        with pytest.raises(LoginsError, match="news-atlas\\[oidc\\]"):
            configured({}, [secrets])
    else:
        logins = configured({"ATLAS_USERS": str(tmp_path / "idp.toml")}, [secrets])
        assert (logins.mode, logins.providers) == ("oidc", (None,))


def test_an_incomplete_auth_section_says_what_it_lacks():
    with pytest.raises(LoginsError, match="lacks cookie_secret, client_secret, server_metadata_url"):
        providers({"redirect_uri": "http://h/oauth2callback", "client_id": "id"})
    with pytest.raises(LoginsError, match="must end with /oauth2callback"):
        providers({"redirect_uri": "http://h/", "cookie_secret": "c", "google": {
            "client_id": "i", "client_secret": "s", "server_metadata_url": "https://g/"}})
    assert providers({"redirect_uri": "http://h/oauth2callback", "cookie_secret": "c",
                      "google": {"client_id": "i", "client_secret": "s", "server_metadata_url": "https://g/"},
                      "okta": {"client_id": "i", "client_secret": "s", "server_metadata_url": "https://o/"}}
                     ) == ("google", "okta")


# -- the page ---------------------------------------------------------------------------------------------
@pytest.fixture
def team(seeded, tmp_path, monkeypatch):
    """A copy of the seeded store served with a users file: alice an editor, rita a reader."""
    home = tmp_path / "home"
    home.mkdir()
    for f in seeded.iterdir():
        if f.name.startswith("atlas.sqlite"):
            shutil.copy(f, home / f.name)
    users = tmp_path / "users.toml"
    add_user(users, "alice", "editor", PASSWORD)
    add_user(users, "rita", "reader", "reader password")
    monkeypatch.setenv("ATLAS_HOME", str(home))
    monkeypatch.setenv("ATLAS_USERS", str(users))
    return home


def everything_shown(at: AppTest) -> str:
    """The text of every element the page drew (labels, values, markup)."""
    out = []

    def walk(node):
        for name in ("value", "label", "body", "options", "proto"):
            value = getattr(node, name, None)
            if value is not None and not callable(value):
                out.append(str(value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Log in").click()
    return run(at)


def test_the_page_shows_only_the_login_form_before_anyone_logs_in(team):
    at = run(AppTest.from_file(APP, default_timeout=120))
    shown = everything_shown(at)
    assert [t.key for t in at.text_input] == ["login_name", "login_password"]
    assert not at.selectbox and not at.dataframe and not at.expander and not at.get("component_instance")
    with Store(team / "atlas.sqlite") as store:
        titles = [t for (t,) in store._query("SELECT title FROM article") if t]
    assert titles and not any(t in shown for t in titles)
    assert "Goris" not in shown and "Vardenis" not in shown
    at = log_in(at, "rita", "wrong password")
    assert any("Wrong name or password" in e.value for e in at.error) and not at.selectbox
    assert "_user" not in at.session_state
    at = log_in(at, "nobody", "reader password")
    assert not at.selectbox and "Goris" not in everything_shown(at)


def test_a_reader_sees_the_map_but_cannot_correct_or_add(team):
    vardenis = next(p.id for p in Store(team / "atlas.sqlite").place_counts() if p.name == "Vardenis")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = str(vardenis)
    at = log_in(run(at), "rita", "reader password")
    assert "Vardenis" in place_names(at) and at.dataframe
    assert any("Logged in as **rita** (reader)" in c.value for c in at.caption)
    assert not [e for e in at.expander if e.label.startswith("Add articles")]
    assert not [b for b in at.button if b.key == "fix_apply"]
    assert any("Only an editor can correct" in c.value for c in at.caption)


def _write_as_reader() -> None:  # an AppTest script: a reader's session calling the page's writes directly
    import streamlit as st

    from dashboard.page import data
    from dashboard.page import keys as k
    from dashboard.page.auth import NotAllowed
    from dashboard.store import store_path
    from dashboard.users import User

    st.session_state[k.USER] = User("rita", "reader")
    path = str(store_path())
    for write in (lambda: data.correct(path, "a", 0, 1, None), lambda: data.undo_correction(path, "a", 0, 1),
                  lambda: data.correct_type(path, "a", 0, None, None), lambda: data.add_text(path, "T\nGoris.")):
        try:
            write()
            st.write("written")
        except NotAllowed as exc:
            st.write(f"refused: {exc}")


def test_the_writes_refuse_a_reader_whatever_calls_them(team):
    at = AppTest.from_function(_write_as_reader, default_timeout=60)
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["refused: rita may not change the store: only an editor corrects "
                                              "and adds articles"] * 4
    with Store(team / "atlas.sqlite") as store:
        assert store.corrections() == [] and store.counts()["articles"] == 5


def test_an_editors_correction_is_theirs_in_the_store_and_the_list(team):
    vardenis = next(p.id for p in Store(team / "atlas.sqlite").place_counts() if p.name == "Vardenis")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["place"] = str(vardenis)
    at = log_in(run(at), "alice", PASSWORD)
    assert [e for e in at.expander if e.label.startswith("Add articles")]
    at.text_input(key="fix_search").input("Gyumri")
    run(at)
    choose_option(at, "fix_choice", "Gyumri (city, Shirak, Armenia) · found in the gazetteer")
    at.button(key="fix_apply").click()
    run(at)
    with Store(team / "atlas.sqlite") as store:
        (c,) = store.corrections()
    assert (c.place_name, c.author) == ("Gyumri", "alice")
    line = next(h.value for h in at.get("html") if "atlas-correction" in h.value)
    assert "by alice" in line and c.created_at[:16].replace("T", " ") + " UTC" in line
    next(b for b in at.button if b.label == "Log out").click()
    run(at)
    assert [t.key for t in at.text_input] == ["login_name", "login_password"] and not at.selectbox


def test_without_logins_the_page_is_the_local_analysts(seeded, monkeypatch):
    monkeypatch.delenv("ATLAS_USERS", raising=False)
    monkeypatch.setenv("ATLAS_HOME", str(seeded))
    monkeypatch.chdir(Path(APP).parent.parent)
    at = run(AppTest.from_file(APP, default_timeout=120))
    assert not [t for t in at.text_input if t.key == "login_name"] and at.selectbox
    assert at.session_state["_user"] == local_user()
    assert not [b for b in at.button if b.label == "Log out"]
