/* Accessibility of the map document (WCAG 2.1 AA): lang="nl", a Dutch title on the document
   and on the iframe that holds it, the map container named as a region, buurt paths out of
   the Tab order, Dutch zoom buttons and the hatch pattern of "geen score". Texts are set with
   setAttribute/textContent. Returns a function that sets the title and name again. */
function wrA11y(map, d) {
    document.documentElement.setAttribute('lang', 'nl');
    var box = map.getContainer();
    function name(t) {
        var frame = null;
        try { frame = window.frameElement; } catch (e) { /* another origin */ }
        if (frame) {  // in the app: name the iframe and its document after the map
            frame.setAttribute('title', t.title);
            document.title = t.title + ' \u00b7 Wijkradar';
        } else if (!document.title) {
            document.title = t.title + ' \u00b7 Wijkradar';
        }
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', t.label);
    }
    name(d);
    if (map.zoomControl) {  // Leaflet names its buttons in English
        [['_zoomInButton', 'Inzoomen'], ['_zoomOutButton', 'Uitzoomen']].forEach(function(b) {
            var a = map.zoomControl[b[0]];
            if (a) { a.title = b[1]; a.setAttribute('aria-label', b[1]); }
        });
    }
    var ns = 'http://www.w3.org/2000/svg';
    function el(tag, attrs) {
        var node = document.createElementNS(ns, tag);
        Object.keys(attrs).forEach(function(k) { node.setAttribute(k, attrs[k]); });
        return node;
    }
    function tidy() {
        box.querySelectorAll('.leaflet-overlay-pane svg').forEach(function(svg) {
            svg.setAttribute('aria-hidden', 'true');
            if (svg.querySelector('#' + d.pattern)) { return; }
            var pattern = el('pattern', {id: d.pattern, patternUnits: 'userSpaceOnUse',
                width: 6, height: 6, patternTransform: 'rotate(45)'});
            pattern.appendChild(el('rect', {width: 6, height: 6, fill: '#e6e6e6'}));
            pattern.appendChild(el('line', {x1: 1, y1: 0, x2: 1, y2: 6,
                stroke: '#4d4d4d', 'stroke-width': 1.5}));
            var defs = el('defs', {});
            defs.appendChild(pattern);
            svg.insertBefore(defs, svg.firstChild);
        });
        box.querySelectorAll('.leaflet-overlay-pane .leaflet-interactive')
            .forEach(function(path) { path.setAttribute('tabindex', '-1'); });
    }
    tidy();
    // once after a batch of layers (a layer group adds its buurten one by one), not per layer
    var queued = false;
    map.on('layeradd', function() {
        if (queued) { return; }
        queued = true;
        Promise.resolve().then(function() { queued = false; tidy(); });
    });
    return name;
}
