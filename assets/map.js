/*
 * Clientside map update of the offer map (see dashboard/map/figures.py for the rules).
 *
 * The points (dashboard.map.figures.points_payload) reach the browser once, in a
 * dcc.Store. A filter change sends only the view state {count, n, mask} where
 * mask is the base64 of a little-endian bitset (bit i = byte i >> 3, bit i & 7).
 * updateMap rebuilds the three marker traces (rim, middle ring, core) from both;
 * it mirrors dashboard.map.figures.visible_markers / marker_traces.
 */
(function () {
    "use strict";

    var TRACE_RIM = "markers-rim";
    var TRACE_MID = "markers-mid";
    var TRACE_CORE = "markers-core";
    var MAP_ID = "offer-map";

    function decodeMask(text, n) {
        if (!text) {
            return null;
        }
        var raw = window.atob(text);
        var bytes = new Uint8Array(raw.length);
        for (var i = 0; i < raw.length; i++) {
            bytes[i] = raw.charCodeAt(i);
        }
        if (bytes.length * 8 < n) {
            return null;
        }
        return bytes;
    }

    function isVisible(bytes, i) {
        return bytes === null || ((bytes[i >> 3] >> (i & 7)) & 1) === 1;
    }

    function hoverText(points, visible, group) {
        var labels = points.labels;
        var limit = points.hoverNames;
        var lines = [];
        var approx = true;
        for (var k = 0; k < visible.length; k++) {
            if (k < limit) {
                lines.push(points.names[visible[k]]);
            }
            if (!points.approximate[visible[k]]) {
                approx = false;
            }
        }
        if (visible.length > limit) {
            lines.push(labels.more.replace("{n}", String(visible.length - limit)));
        }
        if (points.gdistrict[group]) {
            lines.push("<i>" + points.gdistrict[group] + "</i>");
        }
        if (approx) {
            lines.push(labels.approximate);
        }
        return {text: lines.join("<br>"), approximate: approx};
    }

    function buildMarkers(points, bytes) {
        var rim = {lon: [], lat: [], color: [], size: [], opacity: []};
        var mid = {lon: [], lat: [], color: [], size: [], opacity: []};
        var core = {lon: [], lat: [], color: [], size: [], opacity: [], text: [], custom: []};
        var nGroups = points.glon.length;
        for (var g = 0; g < nGroups; g++) {
            var visible = [];
            var style = -1;
            for (var j = points.starts[g]; j < points.starts[g + 1]; j++) {
                var i = points.members[j];
                if (isVisible(bytes, i)) {
                    visible.push(i);
                    var c = points.category[i];
                    style = style === -1 || style === c ? c : points.mixed;
                }
            }
            if (visible.length === 0) {
                continue;
            }
            var hover = hoverText(points, visible, g);
            var opacity = hover.approximate ? points.approximateOpacity : 1.0;
            var layers = points.layers[style];
            var lon = points.glon[g];
            var lat = points.glat[g];
            rim.lon.push(lon); rim.lat.push(lat);
            rim.color.push(layers.rim[0]); rim.size.push(layers.rim[1]); rim.opacity.push(opacity);
            if (layers.mid) {
                mid.lon.push(lon); mid.lat.push(lat);
                mid.color.push(layers.mid[0]); mid.size.push(layers.mid[1]); mid.opacity.push(opacity);
            }
            core.lon.push(lon); core.lat.push(lat);
            core.color.push(layers.core[0]); core.size.push(layers.core[1]); core.opacity.push(opacity);
            core.text.push(hover.text);
            core.custom.push(visible[0]);
        }
        return {rim: rim, mid: mid, core: core};
    }

    function withMarkers(trace, arrays, hover) {
        var out = Object.assign({}, trace, {
            lon: arrays.lon,
            lat: arrays.lat,
            marker: Object.assign({}, trace.marker || {}, {
                color: arrays.color,
                size: arrays.size,
                opacity: arrays.opacity
            })
        });
        if (hover) {
            out.hovertext = arrays.text;
            out.customdata = arrays.custom;
        }
        return out;
    }

    function updateMap(view, points, figure) {
        if (!points || !figure) {
            return window.dash_clientside.no_update;
        }
        if (view && view.version && points.version && view.version !== points.version) {
            /* a mask of another snapshot: wait for the matching points (sent with the view) */
            return window.dash_clientside.no_update;
        }
        var bytes = view && view.mask ? decodeMask(view.mask, points.n) : null;
        var markers = buildMarkers(points, bytes);
        var data = (figure.data || []).map(function (trace) {
            if (trace.name === TRACE_RIM) {
                return withMarkers(trace, markers.rim, false);
            }
            if (trace.name === TRACE_MID) {
                return withMarkers(trace, markers.mid, false);
            }
            if (trace.name === TRACE_CORE) {
                return withMarkers(trace, markers.core, true);
            }
            return trace;
        });
        if (points.districtLabels && points.districtLabels.length) {
            window.setTimeout(function () { showDistrictLabels(points.districtLabels, 0); }, 0);
        }
        var revision = ((figure.layout && figure.layout.datarevision) || 0) + 1;
        var layout = Object.assign({}, figure.layout, {datarevision: revision});
        return Object.assign({}, figure, {data: data, layout: layout});
    }

    /* District names as HTML over the map: the offline style has no glyphs, so MapLibre cannot
       write text itself. Decorative (aria-hidden): the same names are listed in the legend. */
    function placeLabels(map, overlay) {
        var nodes = overlay.childNodes;
        for (var i = 0; i < nodes.length; i++) {
            var node = nodes[i];
            var at = map.project([Number(node.dataset.lon), Number(node.dataset.lat)]);
            node.style.left = at.x + "px";
            node.style.top = at.y + "px";
        }
    }

    function showDistrictLabels(labels, tries) {
        var gd = document.querySelector("#" + MAP_ID + " .js-plotly-plot");
        if (gd && typeof gd.on === "function" && !gd._districtLabelsHooked) {
            /* Plotly may build a new MapLibre instance when it redraws: follow every redraw. */
            gd._districtLabelsHooked = true;
            gd.on("plotly_afterplot", function () { showDistrictLabels(labels, 0); });
        }
        var subplot = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        var map = subplot && subplot.map;
        if (!map || typeof map.project !== "function") {
            if ((tries || 0) < 40) {
                window.setTimeout(function () { showDistrictLabels(labels, (tries || 0) + 1); }, 150);
            }
            return;
        }
        var container = map.getContainer();
        var overlay = container.querySelector(".map-district-labels");
        if (overlay && overlay._map === map) {
            placeLabels(map, overlay);
            return;
        }
        if (overlay) {
            overlay.remove();
        }
        overlay = document.createElement("div");
        overlay.className = "map-district-labels";
        overlay.setAttribute("aria-hidden", "true");
        overlay._map = map;
        labels.forEach(function (label) {
            var span = document.createElement("span");
            span.className = "map-district-label";
            span.textContent = label.name.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
            span.dataset.lon = label.lon;
            span.dataset.lat = label.lat;
            overlay.appendChild(span);
        });
        container.appendChild(overlay);
        map.on("move", function () { placeLabels(map, overlay); });
        map.on("resize", function () { placeLabels(map, overlay); });
        placeLabels(map, overlay);
    }

    function selectOffer(clickData, points) {
        var point = clickData && clickData.points && clickData.points[0];
        if (!point || !points || point.customdata === undefined || point.customdata === null) {
            return window.dash_clientside.no_update;
        }
        var id = points.ids[point.customdata];
        return id === undefined ? window.dash_clientside.no_update : id;
    }

    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.stadtkarte = Object.assign(window.dash_clientside.stadtkarte || {}, {
        updateMap: updateMap,
        selectOffer: selectOffer
    });
})();
