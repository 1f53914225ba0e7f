"""The sidebar: what the store holds and the filters (dates, undated articles, country-level places,
countries, kinds of place, places, one article, event types, a minimum number of sources, minimum
confidence, a text search over sentences).
Every filter is kept in the URL (:mod:`dashboard.page.state`)."""
from __future__ import annotations

import datetime

import streamlit as st

from dashboard.export import country_name
from dashboard.page import keys as k
from dashboard.page.data import PLACE_OPTIONS, load_options, places_named
from dashboard.page.markup import escape_markdown
from dashboard.page.state import clear_filters, take_pending_dates
from dashboard.page.table import also_published_by
from dashboard.store import KIND_GROUPS, KIND_LABELS, MAX_SEARCH, DateRange
from dashboard.store.filters import EVENT_TYPE_NAMES, MAX_MIN_SOURCES
from dashboard.wording import counted


def sidebar(path: str, generation: int, counts: dict[str, int], rng: DateRange) -> None:
    state = st.session_state
    countries, places, articles, n_articles, copies = load_options(path, generation)
    with st.sidebar:
        st.title("News Atlas")
        st.caption(f"{counted(counts['articles'], 'article')} · {counted(counts['events'], 'event')} · "
                   f"{counted(counts['places'], 'place')} in the store")
        take_pending_dates()
        if rng.first and rng.last:
            dates = [d for d in (state.get(k.DATES) or ()) if isinstance(d, datetime.date)]
            state[k.DATES] = tuple(min(max(d, rng.first), rng.last) for d in dates) or (rng.first, rng.last)
            st.date_input("Dates of events", min_value=rng.first, max_value=rng.last, key=k.DATES,
                          format="YYYY-MM-DD", help="Each event's own date: what its sentence says (“on Sunday”, "
                          "“last week”, “in mid-May”), else its paragraph's, else the article's publication date. "
                          "An event known only to the week, month or year is kept when that period overlaps the "
                          "range.")
        else:
            st.info("No article in the store has a date.")
        undated = rng.undated if state.get(k.EVERY_MENTION) else rng.undated_literal
        st.toggle(f"Include undated events ({undated:d} in the store)", key=k.UNDATED,
                  help="Events whose date cannot be known (an article without a publication date that says "
                  "only “on Sunday”) are listed as “undated”.")
        st.toggle("Show every mention", key=k.EVERY_MENTION,
                  help="By default the map shows where things happened. Switch on to add the places named only "
                  "as actors or sources (“Baku accused Yerevan”, “an appeal to Russia”, “09:00 Moscow time”).")
        st.toggle("Show country-level places", key=k.COUNTRIES,
                  help="Countries are drawn large and pale beneath towns and regions; hide them to see the rest.")

        # Options always include what is chosen (a shared link may name what this store lacks).
        by_code = dict(countries)
        codes = list(by_code) + [c for c in state.get(k.COUNTRY) or () if c not in by_code]
        st.multiselect("Countries", codes, key=k.COUNTRY, placeholder="every country",
                       format_func=lambda c: f"{country_name(c)} ({c}) · {by_code.get(c, 0)} events")
        st.multiselect("Kinds of place", list(KIND_GROUPS), key=k.KINDS, placeholder="every kind",
                       format_func=lambda k: KIND_LABELS[k])
        # The busiest places are listed (thousands of options would slow every rerun); any other is typed.
        chosen_places = [p for p in state.get(k.PLACES) or () if isinstance(p, int)]
        listed = list(places)[:PLACE_OPTIONS]
        place_ids = listed + [p for p in chosen_places if p not in listed]
        st.multiselect("Places", place_ids, key=k.PLACES, placeholder="every place",
                       format_func=lambda p: places.get(p, f"place {p} (not in the store)") if isinstance(p, int)
                       else str(p), accept_new_options=True, on_change=_typed_places, args=(path,),
                       help=f"Lists the {len(listed)} places with the most events"
                       + (f" of {len(places)}; type the name of any other and press Enter."
                          if len(places) > len(listed) else "."))
        if state.get(k.PLACES_FLASH):  # names as typed: shown escaped (a typed ![x](http://...) fetches nothing)
            st.caption(escape_markdown(state.pop(k.PLACES_FLASH)))
        labels = {aid: " · ".join(filter(None, (label, also_published_by(copies.get(aid, ())))))
                  for aid, label in articles}
        chosen = state.get(k.ARTICLE)
        if chosen and chosen not in labels:
            labels[chosen] = f"article {chosen}"
        st.selectbox("Article", [None, *labels], key=k.ARTICLE, placeholder="every article",
                     format_func=lambda a: "every article" if a is None else labels[a],
                     help=f"The newest {len(articles)} of {n_articles:d} articles." if n_articles > len(articles)
                     else None)
        st.multiselect("Event types", EVENT_TYPE_NAMES, key=k.EVENT_TYPES, placeholder="every type",
                       help="ACLED's six event types, read from each sentence's words; an event whose words name "
                       "none is left out once a type is chosen.")
        st.number_input("Minimum number of sources", min_value=1, max_value=MAX_MIN_SOURCES, step=1,
                        key=k.MIN_SOURCES, help="Events reported by at least this many distinct outlets (the "
                        "links' domains, else the files; a wire copy is one more article, not one more source).")
        st.slider("Minimum confidence", 0.0, 1.0, step=0.05, key=k.MIN_CONFIDENCE,
                  help="How sure the geoparser was of each place (0 to 1); a place you corrected counts as 1.")
        st.text_input("Sentences containing", key=k.TEXT, max_chars=MAX_SEARCH, placeholder="e.g. shelling",
                      help="A plain text search (upper and lower case alike for A-Z).")
        st.button("Clear the filters", key=k.CLEAR_FILTERS, on_click=clear_filters)


def _typed_places(path: str) -> None:
    """Names typed into the Places filter become the ids of the stored places of that name."""
    state = st.session_state
    ids, unknown = [], []
    for value in state.get(k.PLACES) or ():
        found = [value] if isinstance(value, int) else places_named(path, str(value))
        ids.extend(i for i in found if i not in ids)
        if not found:
            unknown.append(str(value))
    state[k.PLACES] = ids
    if unknown:
        state[k.PLACES_FLASH] = "No place with events is named " + ", ".join(f"“{u}”" for u in unknown) + "."
