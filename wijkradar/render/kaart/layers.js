/* GeoJSON features whose properties carry a Leaflet style and a tooltip (set with
   textContent), and the notice shown when basemap tiles cannot be loaded. */
function wrTextLayer(d) {
    return L.geoJSON(d, {
        interactive: d.interactive,
        style: function(f) { return f.properties.style; },
        pointToLayer: function(f, latlng) { return L.circleMarker(latlng, f.properties.style); },
        onEachFeature: function(f, layer) {
            if (f.properties.tip) {
                layer.bindTooltip(function() { return wrTip(f.properties.tip); }, {sticky: true});
            }
        }
    });
}
function wrTileNotice(map, tiles, message) {
    var shown = false;
    tiles.on('tileerror', function() {
        if (shown) { return; }
        shown = true;
        var notice = L.control({position: 'bottomleft'});
        notice.onAdd = function() {
            var div = L.DomUtil.create('div', 'wr-notice');
            div.textContent = message;
            return div;
        };
        notice.addTo(map);
    });
}
