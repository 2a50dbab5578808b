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

    function unescapeHtml(text) {
        return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    }

    /* group index per offer (inverse of members/starts), cached on the points object */
    function groupOf(points) {
        if (!points._groupOf) {
            var out = new Int32Array(points.n);
            for (var g = 0; g + 1 < points.starts.length; g++) {
                for (var j = points.starts[g]; j < points.starts[g + 1]; j++) {
                    out[points.members[j]] = g;
                }
            }
            points._groupOf = out;
        }
        return points._groupOf;
    }

    /* the offers of group g that the current view shows */
    function visibleMembers(points, g, view) {
        var bytes = view && view.mask && view.version === points.version ? decodeMask(view.mask, points.n) : null;
        var out = [];
        for (var j = points.starts[g]; j < points.starts[g + 1]; j++) {
            if (isVisible(bytes, points.members[j])) {
                out.push(points.members[j]);
            }
        }
        return out;
    }

    function component(type, props) {
        return {type: type, namespace: "dash_html_components", props: props};
    }

    /* The list of a group's offers as Dash components (buttons with data-offer-id select them). */
    function groupList(points, members) {
        var labels = points.labels || {};
        var items = members.map(function (i) {
            return component("Li", {
                className: "offer-entry",
                children: component("Button", {
                    type: "button",
                    className: "entry",
                    "data-offer-id": points.ids[i],
                    "aria-controls": "offer-detail",
                    children: unescapeHtml(points.names[i])
                })
            });
        });
        return [
            component("P", {
                className: "map-group-title",
                children: (labels.group || "{n}").replace("{n}", String(members.length))
            }),
            component("Ul", {className: "offer-list map-group-list", children: items}),
            component("Button", {
                type: "button",
                className: "reset map-group-close",
                "data-action": "close-group",
                children: labels.close || "x"
            })
        ];
    }

    /* A click on a marker: one visible offer is selected; several are listed (each selectable). */
    function selectOffer(clickData, points, view) {
        var no = window.dash_clientside.no_update;
        var point = clickData && clickData.points && clickData.points[0];
        if (!point || !points || point.customdata === undefined || point.customdata === null) {
            return [no, no, no];
        }
        var first = Number(point.customdata);
        if (!(first >= 0 && first < points.n)) {
            return [no, no, no];
        }
        var members = visibleMembers(points, groupOf(points)[first], view);
        if (members.length <= 1) {
            return [points.ids[first], [], true];
        }
        return [no, groupList(points, members), false];
    }

    /* The selected offer on the map: ringed, and centred when it is out of view. */
    function placeRing(map, ring) {
        var at = map.project([Number(ring.dataset.lon), Number(ring.dataset.lat)]);
        ring.style.left = at.x + "px";
        ring.style.top = at.y + "px";
    }

    function showSelected(offerId, points, tries) {
        var index = points && offerId ? points.ids.indexOf(offerId) : -1;
        var gd = document.querySelector("#" + MAP_ID + " .js-plotly-plot");
        var subplot = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
        var map = subplot && subplot.map;
        if (!map || typeof map.project !== "function") {
            if (index >= 0 && (tries || 0) < 40) {
                window.setTimeout(function () { showSelected(offerId, points, (tries || 0) + 1); }, 150);
            }
            return offerId || "";
        }
        var container = map.getContainer();
        var ring = container.querySelector(".map-selected");
        if (index < 0) {
            if (ring) { ring.remove(); }
            return "";
        }
        var g = groupOf(points)[index];
        var lon = points.glon[g];
        var lat = points.glat[g];
        if (!ring || ring._map !== map) {
            if (ring) { ring.remove(); }
            ring = document.createElement("div");
            ring.className = "map-selected";
            ring.setAttribute("aria-hidden", "true");
            ring._map = map;
            container.appendChild(ring);
            map.on("move", function () { placeRing(map, ring); });
            map.on("resize", function () { placeRing(map, ring); });
        }
        ring.dataset.lon = lon;
        ring.dataset.lat = lat;
        ring.dataset.offerId = offerId;
        if (!map.getBounds().contains([lon, lat])) {
            /* out of view (panned away, or a phone's list view): bring it to the centre */
            map.jumpTo({center: [lon, lat]});
        }
        placeRing(map, ring);
        return offerId;
    }

    /* "Close" under a group's list hides it (no document when the tests run this file in node). */
    if (typeof document !== "undefined") {
        document.addEventListener("click", function (event) {
            var el = event.target && event.target.closest ? event.target.closest("[data-action='close-group']") : null;
            if (el && window.dash_clientside && window.dash_clientside.set_props) {
                window.dash_clientside.set_props("map-group", {hidden: true});
            }
        });
    }

    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.stadtkarte = Object.assign(window.dash_clientside.stadtkarte || {}, {
        updateMap: updateMap,
        selectOffer: selectOffer,
        showSelected: function (offerId, points) { return showSelected(offerId, points, 0); }
    });
})();
