"""Every ``st.session_state`` key of the page, named once.

Widgets keep their values under these keys, and the page keeps its own bookkeeping (names starting
with ``_``) beside them. The values are part of the page's behaviour (tests and links may name them):
change a name here, never a string elsewhere.
"""
from __future__ import annotations

# -- the filter (widgets in the sidebar; the URL follows them: dashboard.page.state) --------------------
DATES = "dates"  # the date range picker: (first, last)
UNDATED = "undated"  # include undated articles
COUNTRIES = "countries"  # show country-level places
EVERY_MENTION = "every_mention"  # also places named only as actors or sources
FIX_ROLE_APPLY = "fix_role_apply"
FIX_ROLE_UNDO = "fix_role_undo"
FIX_DATE = "fix_date"  # the date typed for the mention's sentence (a TIMEX3 value, or "none")
FIX_DATE_APPLY = "fix_date_apply"
FIX_DATE_UNDO = "fix_date_undo"
FIX_TYPE_APPLY = "fix_type_apply"  # the event type and sub-type chosen (fix_type_<sentence>, fix_sub_type_<sentence>)
FIX_TYPE_UNDO = "fix_type_undo"
FIX_DEATHS_APPLY = "fix_deaths_apply"  # the deaths typed (fix_deaths_<sentence>, fix_deaths_high_<sentence>)
FIX_DEATHS_UNDO = "fix_deaths_undo"
FIX_SPLIT = "fix_split"  # "Split this report from its event"
FIX_MERGE = "fix_merge"  # the event to merge into this one (a report's sentence token, article:sent_start)
FIX_MERGE_APPLY = "fix_merge_apply"
FIX_CLUSTER_UNDO = "fix_cluster_undo"  # undo the last split or merge naming this report
COUNTRY = "f_country"  # countries (ISO codes)
KINDS = "f_kinds"  # kinds of place
PLACES = "f_places"  # places (ids; names while being typed)
ARTICLE = "f_article"  # one article's id
MIN_CONFIDENCE = "f_conf"
TEXT = "f_q"  # search text over sentences
EVENT_TYPES = "f_types"  # ACLED event types
MIN_SOURCES = "f_sources"  # minimum number of distinct sources (outlets) of an event
CLEAR_FILTERS = "f_clear"  # the "Clear the filters" button
PLACES_FLASH = "_places_flash"  # names typed into Places that no stored place has
DATES_DONE = "_dates_done"  # the last full date range (while a new one is being picked)
DATES_SHARED = "_dates_shared"  # (from, to) as a shared link gave them (None: not given), kept while shown
DATE_RANGE = "_rng"  # the store's first and last dates, to follow when they grow
INITIALISED = "_init"  # the widgets took their values from the URL

# -- the selected place --------------------------------------------------------------------------------
PLACE = "place"  # the selected place's id (in the URL as ?place=)
PLACE_PICK = "place_pick"  # the panel's Place list
CENTER_ON = "_center_on"  # a place chosen outside the map: the map moves to it
MAP = "atlas_map"  # the st_folium component's value
MAP_CLICKS = "_map_clicks"  # the map's click count already acted on

# -- a session's first page (dashboard.app) ------------------------------------------------------------
PAGE_SHOWN = "_page_shown"
REST_DUE = "_rest_due"  # "drawn", then "timer": the timeline and the table are still to come
FIRST_WARNINGS = "_first_warnings"  # shown again by the run that completes the first page

# -- the panel and corrections -------------------------------------------------------------------------
FIX_BOX = "fix_box"  # "Correct this place" (expander)
FIX_ROW_BOX = "fix_row_box"  # "Correct the place of the chosen row" (expander)
FIX_MENTION = "fix_mention"  # the mention to correct (its token, article:start:end)
FIX_PRESELECTED = "_fix_preselected"  # the token of the table row that chose the mention last
FIX_SEARCH = "fix_search"  # the gazetteer search text
FIX_SEARCHED = "_fix_searched"  # the search whose best place was chosen
FIX_CHOICE = "fix_choice"  # the right place (c:ID, s:ID or "none")
FIX_EVERY = "fix_every"  # "Apply to every mention of this name in the article" (on by default)
FIX_APPLY = "fix_apply"
FIX_UNDO = "fix_undo"  # undo the chosen mention's last correction
FIX_UNDO_LAST = "fix_undo_last"  # undo the correction just applied
FIX_FLASH = "_fix_flash"  # (kind, text, undo span): the outcome of the last correction, shown once
CORRECTIONS_BOX = "corrections_box"  # "Corrections (N)" (expander)
EVENT_FIXES_BOX = "event_fixes_box"  # "Event corrections (N)" (expander)

# -- adding articles -----------------------------------------------------------------------------------
ADD_BOX = "add_box"  # "Add articles" (expander)
UPLOAD_GO = "upload_go"
PASTE_TEXT = "paste_text"
PASTE_GO = "paste_go"
CLEAR_PASTE = "_clear_paste"  # empty the paste area on the next run (a widget's value is set before it is drawn)
UPLOAD_ROUND = "_upload_round"  # a new round, a new (empty) file picker
UPLOAD_REPORT = "_upload_report"  # the last IngestReport

# -- the table -----------------------------------------------------------------------------------------
DOWNLOAD_CSV = "download_csv"
DOWNLOAD_GEOJSON = "download_geojson"

# -- the timeline (dashboard.page.timeline) ------------------------------------------------------------
DATES_PENDING = "_dates_pending"  # a date range for the picker, set before it is drawn on the next run
PLAY = "_play"  # Play's state: {"first", "last", "unit", "at"} while playing
PLAY_ARMED = "_play_armed"  # Play's timer ran once with the page (its next call steps)
PLAY_GO = "play"  # the Play button
PLAY_STOP = "play_stop"
EVERY_DATE = "every_date"  # the "Every date" button under the timeline


# -- keys made per thing ------------------------------------------------------------------------------
def article_box(article_id: str) -> str:
    """The panel's box of one article."""
    return f"article_{article_id}"


def whole_article(article_id: str) -> str:
    """The expander that shows one whole article (open: read and marked)."""
    return f"whole_{article_id}"


def undo(correction_id: int) -> str:
    """The Undo button of one correction in "Corrections (N)"."""
    return f"undo_{correction_id}"


def undo_event_fix(kind: str, fix_id: int) -> str:
    """The Undo button of one correction in "Event corrections (N)" (``kind``: role, date, type, ...)."""
    return f"undo_{kind}_{fix_id}"


def fix_role(token: str) -> str:
    """The role chosen for one mention (``article:start:end``): literal or associative."""
    return f"fix_role_{token}"


def fix_sentence(what: str, token: str) -> str:
    """An event correction's field for one sentence (``article:sent_start``): ``what`` is type, sub_type,
    deaths or deaths_high."""
    return f"fix_{what}_{token}"


def uploads(round_: int) -> str:
    """The file picker of one round of uploads."""
    return f"uploads_{round_}"


def timeline(digest: str) -> str:
    """The timeline chart for one range and filter (a new chart: no brush left over)."""
    return f"timeline_{digest}"


def table(digest: str) -> str:
    """The events table for one filter, place and store generation (a new table: no rows chosen)."""
    return f"events_{digest}"

# -- who is there (dashboard.page.auth) -------------------------------------------------------------------
USER = "_user"  # the dashboard.users.User of this session, once logged in (or the local analyst)
LOGIN_FORM = "login"
LOGIN_NAME = "login_name"
LOGIN_PASSWORD = "login_password"
LOGIN_FAILED = "_login_failed"  # failed attempts of this session
LOGOUT = "logout"
