"""Rendering: maps, printable reports, Dutch number formats, exports and static assets.

The modules are imported one by one (``from wijkradar.render.report import ...``), so the HTML
report does not load folium and a CSV export does not load the map code.
"""
