/* Buurt polygons: quantised, delta-encoded rings and the buurt tooltip (name, value, rank,
   factors, coverage) from the arrays of the payload. */
/* One ring: zigzag varints of x, y, x, y, ... (deltas, the first from the origin), five bits
   per character of A-Z a-z 0-9 - _, least significant first; characters from 32 on say that
   more of the number follows (wijkradar.render.maps._encode_ring writes them). */
function wrRing(d, s) {
    var pts = [], x = 0, y = 0, z = 0, f = 1, k = 0;
    for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        c = c === 95 ? 63 : c === 45 ? 62 : c >= 97 ? c - 71 : c >= 65 ? c - 65 : c + 4;
        z += (c & 31) * f;
        if (c >= 32) { f *= 32; continue; }
        var v = z % 2 ? -(z + 1) / 2 : z / 2;
        z = 0; f = 1;
        if (k++ % 2 === 0) { x += v; continue; }
        y += v;
        pts.push([d.origin[1] + y / d.scale, d.origin[0] + x / d.scale]);
    }
    return pts;
}
/* A buurt's shape: polygons separated by '|', the rings of a polygon by ' '. */
function wrLatLngs(d, g) {
    if (!g) { return []; }
    return g.split('|').map(function(poly) {
        return poly.split(' ').map(function(a) { return wrRing(d, a); });
    });
}
/* A text of the payload: a number points into d.teksten (texts many buurten share). */
function wrText(d, v) {
    return typeof v === 'number' ? d.teksten[v] : v;
}
function wrBuurtTip(d, i) {
    var rows = [[d.labels[0], d.naam[i]], [d.labels[1], wrText(d, d.waarde[i])]];
    if (d.rang) {
        var r = d.rang[i];
        rows.push([d.labels[2], r === null ? null :
            (r[1] === null ? r[0] : r[0] + ' (90%: ' + r[1] + '\u2013' + r[2] + ')')]);
    }
    if (d.factoren) {
        var f = d.factoren[i];
        rows.push([d.labels[3], f === null || f.length === 0 ? null :
            f.map(function(j) { return d.factorlabels[j]; }).join(', ')]);
    }
    if (d.dekking) { rows.push([d.labels[4], wrText(d, d.dekking[i])]); }
    return wrTip({rows: rows});
}
/* The buurt layer of the folium map: one SVG path per buurt with its style and tooltip. */
function wrBuurten(map, d) {
    var layer = L.featureGroup();
    d.geom.forEach(function(g, i) {
        var style = Object.assign({className: 'wr-buurt'}, d.styles[d.style[i]]);
        L.polygon(wrLatLngs(d, g), style)
            .bindTooltip(function() { return wrBuurtTip(d, i); }, {sticky: true})
            .addTo(layer);
    });
    layer.addTo(map);
    return layer;
}
/* Lines of wijkradar.render.maps.wijk_lines (wijk boundaries): one path, no pointer events. */
function wrLines(d) {
    var lines = d.lines.map(function(s) { return wrRing(d, s); });
    return L.polyline(lines, Object.assign({interactive: false}, d.style));
}
