/* Wijk names from zoom 11 to 13 and buurt names from zoom 14 (set with textContent).
   Returns a function that takes the labels off the map again. */
function wrLabels(map, d) {
    function group(items, cls) {
        var g = L.layerGroup();
        items.forEach(function(it) {
            var icon = L.divIcon({className: 'wr-label ' + cls, iconSize: null,
                                  html: wrEl('span', it[2])});
            L.marker([it[0], it[1]], {icon: icon, interactive: false, keyboard: false}).addTo(g);
        });
        return g;
    }
    var wijk = group(d.wijk, 'wr-label-wijk'), buurt = group(d.buurt, 'wr-label-buurt');
    function update() {
        var z = map.getZoom();
        [[wijk, z >= 11 && z < 14], [buurt, z >= 14]].forEach(function(p) {
            if (p[1] && !map.hasLayer(p[0])) { p[0].addTo(map); }
            if (!p[1] && map.hasLayer(p[0])) { map.removeLayer(p[0]); }
        });
    }
    map.on('zoomend', update);
    map.whenReady(update);
    return function() {
        map.off('zoomend', update);
        [wijk, buurt].forEach(function(g) { if (map.hasLayer(g)) { map.removeLayer(g); } });
    };
}
