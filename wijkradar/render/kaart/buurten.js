/* Buurt polygons: quantised, delta-encoded rings and the buurt tooltip (name, value, rank,
   factors, coverage) from the arrays of the payload. */
function wrRing(d, a) {
    var pts = [], x = 0, y = 0;
    for (var i = 0; i < a.length; i += 2) {
        x += a[i]; y += a[i + 1];
        pts.push([d.origin[1] + y / d.scale, d.origin[0] + x / d.scale]);
    }
    return pts;
}
function wrLatLngs(d, g) {
    return g.map(function(poly) { return poly.map(function(a) { return wrRing(d, a); }); });
}
function wrBuurtTip(d, i) {
    var rows = [[d.labels[0], d.naam[i]], [d.labels[1], d.waarde[i]]];
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
    if (d.dekking) { rows.push([d.labels[4], d.dekking[i]]); }
    return wrTip({rows: rows});
}
