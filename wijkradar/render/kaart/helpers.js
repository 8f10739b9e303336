/* Wijkradar map helpers, shared by the folium map (inlined) and the live map component.
   Texts from data only ever reach the page through textContent. */
function wrEl(tag, text, style) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    if (style) { Object.assign(el.style, style); }
    return el;
}
function wrTip(t) {
    var div = wrEl('div');
    if (t.title) { div.appendChild(wrEl('b', t.title)); }
    if (t.rows && t.rows.length) {
        var table = wrEl('table');
        t.rows.forEach(function(r) {
            var tr = table.insertRow();
            tr.appendChild(wrEl('th', r[0], {textAlign: 'left', paddingRight: '6px'}));
            tr.insertCell().textContent = r[1] === null ? '\u2013' : String(r[1]);
        });
        div.appendChild(table);
    }
    (t.lines || []).forEach(function(line) { div.appendChild(wrEl('div', line)); });
    return div;
}
