"""The project map (/projects/map): projects with a position as markers on the county's outline.

No tile server and no external address: the background is the county's outline and its towns, as a
GeoJSON file the installation ships (`county.geojson` here, illustrative for the demo county; another
with LIANDONG_COUNTY_OUTLINE), drawn by Leaflet (static/vendor/leaflet, vendored from npm). Signed-in
pages only: a published map needs the map review (地图审核) Chinese law asks for, so the public pages
name places as text.
"""
