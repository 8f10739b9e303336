/* The live map: a Streamlit component (protocol v1, no build step, no CDN).

   The geometry is loaded once per gemeente (a JSON file the app serves, or inline data);
   every rerun sends only the values: the style table with a style index per buurt, the
   tooltip texts, the legend, the category layers, the searched buurt, the basemap. The map,
   its polygons and its zoom stay; only their styles change. Texts reach the page through
   textContent (helpers.js) and setAttribute, never as HTML. */
(function() {
    'use strict';
    //: Every style key a buurt can have, so a restyle also clears what the last style set.
    var BASE = {stroke: true, color: '#3388ff', weight: 3, opacity: 1, dashArray: null,
                fill: true, fillColor: null, fillOpacity: 0.2};
    var S = {map: null, key: null, geo: null, index: {}, latlngs: [], polys: [], applied: [],
             cur: null, layer: null, legend: null, legendKey: null, overlays: [],
             overlayKey: null, control: null, controlKey: null, tiles: null, tileUrl: null,
             wijken: null, labelsOff: null, highlight: null, highlightKey: null, name: null,
             clicks: 0, height: 0};
    var leaflet = null, pending = null, received = 0, busy = false;

    function post(type, extra) {
        window.parent.postMessage(
            Object.assign({isStreamlitMessage: true, type: type}, extra || {}), '*');
    }
    function load(tag, attrs) {
        return new Promise(function(resolve, reject) {
            var el = document.createElement(tag);
            Object.keys(attrs).forEach(function(k) { el.setAttribute(k, attrs[k]); });
            el.onload = resolve;
            el.onerror = function() {
                reject(new Error((attrs.src || attrs.href) + ' kon niet worden geladen'));
            };
            document.head.appendChild(el);
        });
    }
    function ensureLeaflet(a) {
        if (!leaflet) {
            leaflet = Promise.all([load('link', {rel: 'stylesheet', href: a.leaflet_css}),
                                   load('script', {src: a.leaflet_js})]);
        }
        return leaflet;
    }
    function ensureMap(a) {
        if (S.map) { return; }
        var b = a.bounds;
        S.map = L.map(document.getElementById('map'));
        S.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {maxZoom: 15});
        L.control.scale().addTo(S.map);
        S.name = wrA11y(S.map, {title: a.title, label: a.label, pattern: a.pattern});
    }
    function ensureHeight(a) {
        if (S.height === a.height) { return; }
        S.height = a.height;
        document.getElementById('map').style.height = a.height + 'px';
        if (S.map) { S.map.invalidateSize(); }
        post('streamlit:setFrameHeight', {height: a.height});
    }
    function ensureTiles(a) {
        var url = a.tiles ? a.tiles.url : null;
        if (url === S.tileUrl) { return; }
        if (S.tiles) { S.map.removeLayer(S.tiles); S.tiles = null; }
        S.tileUrl = url;
        if (url) {
            S.tiles = L.tileLayer(url, {attribution: a.tiles.attribution, maxZoom: 19});
            S.tiles.addTo(S.map);
            wrTileNotice(S.map, S.tiles, a.tiles.notice);
        }
    }
    function fetchGeometry(a) {
        // started before Leaflet has loaded: the two downloads run side by side
        if (S.key === a.geometry.key) { return Promise.resolve(null); }
        if (a.geometry.data) { return Promise.resolve(a.geometry.data); }
        return fetch(a.geometry.url, {credentials: 'same-origin'}).then(function(r) {
            if (!r.ok) { throw new Error('geometrie: HTTP ' + r.status); }
            return r.json();
        });
    }
    function ensureGeometry(a, got) {
        return got.then(function(g) {
            if (g === null) { return false; }
            buildBase(g);
            S.key = a.geometry.key;
            return true;
        });
    }
    function select(i) {
        S.clicks += 1;
        post('streamlit:setComponentValue',
             {value: {buurt: S.geo.codes[i], n: S.clicks}, dataType: 'json'});
    }
    function buildBase(g) {
        var map = S.map;
        if (S.layer) { map.removeLayer(S.layer); }
        if (S.wijken && map.hasLayer(S.wijken)) { map.removeLayer(S.wijken); }
        if (S.labelsOff) { S.labelsOff(); S.labelsOff = null; }
        S.geo = g;
        S.index = {};
        g.codes.forEach(function(c, i) { S.index[c] = i; });
        S.latlngs = g.geom.map(function(x) { return wrLatLngs(g, x); });
        S.applied = [];
        S.layer = L.featureGroup();
        S.polys = S.latlngs.map(function(ll, i) {
            var p = L.polygon(ll, {className: 'wr-buurt'});
            p.bindTooltip(function() { return wrBuurtTip(S.cur, i); }, {sticky: true});
            p.on('click', function() { select(i); });
            return p;
        });
        S.wijken = g.wijken ? wrLines(g.wijken) : null;
        S.overlayKey = null;
        S.highlightKey = null;
        S.controlKey = null;
    }
    function restyle(b) {
        S.cur = Object.assign({}, S.geo, b);
        var keys = b.styles.map(function(st) { return JSON.stringify(st); });
        var full = b.styles.map(function(st) { return Object.assign({}, BASE, st); });
        for (var i = 0; i < S.polys.length; i++) {
            var k = keys[b.style[i]];
            if (S.applied[i] !== k) {
                S.polys[i].setStyle(full[b.style[i]]);
                S.applied[i] = k;
            }
        }
        if (!S.map.hasLayer(S.layer)) {
            S.polys.forEach(function(p) { p.addTo(S.layer); });
            S.layer.addTo(S.map);
        }
    }
    function ensureLegend(a) {
        var key = JSON.stringify(a.legend);
        if (key === S.legendKey) { return; }
        if (S.legend) { S.legend.remove(); }
        S.legendKey = key;
        S.legend = wrLegend(S.map, Object.assign(
            {position: 'bottomright', css_class: 'wr-legend'}, a.legend));
    }
    function ensureOverlays(a) {
        var key = JSON.stringify(a.overlays);
        if (key === S.overlayKey) { return; }
        S.overlays.forEach(function(o) { S.map.removeLayer(o.layer); o.legend.remove(); });
        S.overlayKey = key;
        S.overlays = a.overlays.map(function(o) {
            var layer = L.featureGroup();
            o.codes.forEach(function(c, j) {
                var i = S.index[c];
                if (i === undefined) { return; }
                L.polygon(S.latlngs[i], o.styles[j])
                    .bindTooltip(function() { return wrTip(o.tips[j]); }, {sticky: true})
                    .addTo(layer);
            });
            layer.addTo(S.map);
            var legend = wrLegend(S.map, Object.assign(
                {position: 'bottomleft', css_class: 'wr-legend'}, o.legend));
            return {name: o.name, layer: layer, legend: legend};
        });
    }
    function ensureLayers(a) {
        if (S.wijken) {
            var on = S.map.hasLayer(S.wijken);
            if (a.wijken && !on) { S.wijken.addTo(S.map); }
            if (!a.wijken && on) { S.map.removeLayer(S.wijken); }
        }
        if (a.namen && !S.labelsOff) { S.labelsOff = wrLabels(S.map, S.geo.labels); }
        if (!a.namen && S.labelsOff) { S.labelsOff(); S.labelsOff = null; }
    }
    function ensureHighlight(a, fresh) {
        var key = a.highlight || '';
        if (key === S.highlightKey) { return; }
        S.highlightKey = key;
        if (S.highlight) { S.map.removeLayer(S.highlight); S.highlight = null; }
        var i = a.highlight ? S.index[a.highlight] : undefined;
        if (i === undefined) {
            if (!fresh) { return; }
            var b = a.bounds;
            S.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {maxZoom: 15});
            return;
        }
        S.highlight = L.polygon(S.latlngs[i], {color: '#000000', weight: 5, fill: false,
                                               className: 'wr-gezocht'});
        S.highlight.bindTooltip(function() {
            return wrTip({title: S.geo.naam[i], lines: ['gezochte buurt']});
        }, {sticky: true});
        S.highlight.addTo(S.map);
        S.map.fitBounds(S.highlight.getBounds(), {maxZoom: 15});
    }
    function ensureControl(a) {
        var layers = {};
        if (S.wijken && a.wijken) { layers.Wijkgrenzen = S.wijken; }
        S.overlays.forEach(function(o) { layers[o.name] = o.layer; });
        if (S.highlight) { layers['Gezochte buurt'] = S.highlight; }
        var names = Object.keys(layers);
        var key = names.join('\n') + '\n' + S.overlayKey + '\n' + S.highlightKey;
        if (key === S.controlKey) { return; }
        S.controlKey = key;
        if (S.control) { S.control.remove(); S.control = null; }
        var extra = S.overlays.length > 0 || S.highlight;
        if (names.length && (extra || a.wijken)) {
            S.control = L.control.layers(null, layers, {collapsed: false}).addTo(S.map);
        }
    }
    function apply(a, t0) {
        ensureHeight(a);
        var got = fetchGeometry(a);
        got.catch(function() {});  // reported below, once Leaflet is there
        return ensureLeaflet(a).then(function() {
            ensureMap(a);
            ensureTiles(a);
            return ensureGeometry(a, got);
        }).then(function(fresh) {
            restyle(a.buurten);
            ensureLegend(a);
            ensureOverlays(a);
            ensureLayers(a);
            ensureHighlight(a, fresh);
            ensureControl(a);
            S.name({title: a.title, label: a.label});
            return new Promise(function(resolve) {
                // after the next frame is painted: the version drawn and how long it took
                requestAnimationFrame(function() {
                    setTimeout(function() {
                        var ms = performance.now() - t0;
                        document.body.setAttribute('data-wr-ms', ms.toFixed(1));
                        document.body.setAttribute('data-wr-versie', a.version);
                        resolve();
                    }, 0);
                });
            });
        });
    }
    function fail(err) {
        var box = document.getElementById('wr-fout');
        box.textContent = 'De kaart kan niet worden getekend: ' + (err && err.message || err);
        box.hidden = false;
    }
    function pump() {
        if (busy || !pending) { return; }
        var a = pending, t0 = received;
        pending = null;
        busy = true;
        apply(a, t0).catch(fail).then(function() { busy = false; pump(); });
    }
    window.addEventListener('message', function(ev) {
        var m = ev.data;
        if (!m || m.type !== 'streamlit:render' || !m.args || !m.args.buurten) { return; }
        pending = m.args;
        received = performance.now();
        pump();
    });
    post('streamlit:componentReady', {apiVersion: 1});
})();
