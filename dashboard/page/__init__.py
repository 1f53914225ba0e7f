"""The Streamlit page, one module a part; ``dashboard/app.py`` composes them.

* :mod:`.data`: the one read layer (cached store answers; every store access of the page);
* :mod:`.keys`: every ``session_state`` key; :mod:`.state`: the filter and the selected place between
  the URL and the widgets, and a session's first page;
* :mod:`.filters` (the sidebar), :mod:`.upload` (adding articles), :mod:`.map_area` (the map),
  :mod:`.panel` (the selected place), :mod:`.correct` (corrections), :mod:`.table` (timeline, table,
  downloads);
* :mod:`.markers` (the map's data, escaped), :mod:`.mapview` (the folium map), :mod:`.markup` (the one
  way article text becomes HTML), :mod:`.assets` (the JavaScript and CSS in ``dashboard/static/atlas``).
"""
