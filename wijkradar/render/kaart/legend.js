/* A Leaflet control: a legend (title, note, swatch rows) built with textContent. */
function wrLegend(map, d) {
    var control = L.control({position: d.position});
    control.onAdd = function() {
        var div = L.DomUtil.create('div', d.css_class);
        if (d.title) {
            div.appendChild(wrEl('div', d.title, {fontWeight: '600', marginBottom: '4px'}));
        }
        if (d.note) { div.appendChild(wrEl('div', d.note, {fontStyle: 'italic'})); }
        d.rows.forEach(function(row) {
            var line = wrEl('div');
            var swatch = wrEl('span', null, row.swatch);
            swatch.className = 'wr-swatch';
            line.appendChild(swatch);
            line.appendChild(document.createTextNode(row.text));
            div.appendChild(line);
        });
        L.DomEvent.disableClickPropagation(div);
        return div;
    };
    control.addTo(map);
    return control;
}
