/*
 * The residents' offer map, drawn by MapLibre GL JS directly (see dashboard/map/figures.py for the rules).
 *
 * The points (dashboard.map.figures.points_payload + the offline style and first view) reach the
 * browser once, in a dcc.Store. A filter change sends only the view state {count, n, mask, version}
 * where mask is the base64 of a little-endian bitset (bit i = byte i >> 3, bit i & 7).
 * updateMap rebuilds the marker source (one feature per address with a visible offer) from both;
 * buildMarkers mirrors dashboard.map.figures.visible_markers / hover_text.
 *
 * MapLibre (dashboard/vendor/, served under /vendor/maplibre-gl/<version>/) is loaded on the first
 * draw with import(); the style has no glyphs, so marker images are drawn with a canvas (shape,
 * dark rim, letter in a local system font) and cluster counts are HTML buttons ("12 Angebote").
 * Nothing is kept in module-level variables: the map's state lives on its container element.
 */
(function () {
    "use strict";

    var MAP_ID = "offer-map";
    var UNCONFIRMED_OPACITY = 0.45;
    var POPUP_GRACE_MS = 400;
    /* The vendored MapLibre (dashboard.security.MAPLIBRE_PREFIX; a unit test keeps the two equal): the map
       page preloads it while Dash starts, so the map does not wait for the layout before downloading it. */
    var MAPLIBRE_MODULE = "/vendor/maplibre-gl/6.17.0/maplibre-gl.mjs";
    var SOURCE = "offers";
    var MARKER_LAYER = "offer-markers";

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
        var unconfirmed = true;
        for (var u = 0; u < visible.length; u++) {
            if (!(points.unconfirmed && points.unconfirmed[visible[u]])) {
                unconfirmed = false;
            }
        }
        if (unconfirmed) {
            lines.push(labels.unconfirmed);
        }
        return {text: lines.join("<br>"), approximate: approx, unconfirmed: unconfirmed};
    }

    /* One GeoJSON point per address with a visible offer: its style, visible count, first offer, tooltip. */
    function buildMarkers(points, bytes) {
        var features = [];
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
            features.push({
                type: "Feature",
                geometry: {type: "Point", coordinates: [points.glon[g], points.glat[g]]},
                properties: {
                    g: g,
                    style: style,
                    icon: "marker-" + style + (hover.approximate ? "-approximate" : ""),
                    approximate: hover.approximate ? 1 : 0,
                    unconfirmed: hover.unconfirmed ? 1 : 0,
                    count: visible.length,
                    first: visible[0],
                    hover: hover.text
                }
            });
        }
        return {type: "FeatureCollection", features: features};
    }

    /* ------------------------------------------------------------------ marker images (canvas) */

    function tracePath(ctx, outline, x0, y0, size) {
        ctx.beginPath();
        outline.forEach(function (p, k) {
            var x = x0 + p[0] * size;
            var y = y0 + p[1] * size;
            if (k === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
        });
        ctx.closePath();
    }

    /* The image of marker style m: shape filled with a dark rim (dashed on white when approximate),
       the colour inside, the letter on top in the darker or lighter ink. */
    function markerImage(m, sizePx, rimPx, ratio, approximate) {
        var size = Math.round(sizePx * ratio);
        var rim = rimPx * ratio;
        var canvas = document.createElement("canvas");
        canvas.width = size;
        canvas.height = size;
        var ctx = canvas.getContext("2d");
        var pad = 1 * ratio;
        var outer = size - 2 * pad;
        tracePath(ctx, m.outline, pad, pad, outer);
        if (approximate) {
            ctx.fillStyle = "#ffffff";
            ctx.fill();
            ctx.save();
            ctx.clip();
            ctx.setLineDash([3 * ratio, 2 * ratio]);
            ctx.lineWidth = rim * 2;
            ctx.strokeStyle = m.rim;
            ctx.stroke();
            ctx.restore();
        } else {
            ctx.fillStyle = m.rim;
            ctx.fill();
        }
        var inner = outer - 2 * rim - 2 * ratio;
        var offset = (size - inner) / 2;
        tracePath(ctx, m.outline, offset, offset, inner);
        ctx.fillStyle = m.colour;
        ctx.fill();
        ctx.fillStyle = m.ink;
        ctx.font = "bold " + Math.round(11 * ratio) + "px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        var cy = m.shape === "triangle" ? size * 0.6 : size / 2;
        ctx.fillText(m.letter, size / 2, cy + ratio * 0.5);
        return {width: size, height: size, data: ctx.getImageData(0, 0, size, size).data};
    }

    function addMarkerImages(map, points) {
        var ratio = Math.max(1, Math.ceil(window.devicePixelRatio || 1));
        points.markers.forEach(function (m, k) {
            [false, true].forEach(function (approximate) {
                var name = "marker-" + k + (approximate ? "-approximate" : "");
                var image = markerImage(m, points.markerSize, points.rimWidth, ratio, approximate);
                if (map.hasImage(name)) {
                    map.removeImage(name);
                }
                map.addImage(name, image, {pixelRatio: ratio});
            });
        });
    }

    /* ------------------------------------------------------------------ map state on its element */

    function mapElement() {
        return typeof document === "undefined" ? null : document.getElementById(MAP_ID);
    }

    function stateOf(el) {
        if (!el._stadtkarte) {
            el._stadtkarte = {map: null, loading: false, pending: null, clusters: {}, popup: null, lib: null};
        }
        return el._stadtkarte;
    }

    /* <link rel="modulepreload">: fetched and parsed once; import() of the same URL then reuses it. */
    function preloadLibrary(href) {
        if (!href || document.querySelector("link[rel='modulepreload'][href='" + href + "']")) {
            return;
        }
        var link = document.createElement("link");
        link.rel = "modulepreload";
        link.href = href;
        document.head.appendChild(link);
    }

    function loadLibrary(el) {
        var css = el.getAttribute("data-maplibre-css");
        if (css && !document.querySelector("link[data-maplibre]")) {
            var link = document.createElement("link");
            link.rel = "stylesheet";
            link.href = css;
            link.setAttribute("data-maplibre", "");
            document.head.appendChild(link);
        }
        return import(el.getAttribute("data-maplibre"));
    }

    function clusterName(points, n) {
        var forms = (points.labels && points.labels.cluster) || {};
        var rule = "other";
        try {
            rule = new Intl.PluralRules(points.lang || "de").select(n);
        } catch (e) {
            rule = n === 1 ? "one" : "other";
        }
        var form = forms[rule] || forms.other || "{n}";
        var number = n;
        try {
            number = new Intl.NumberFormat(points.lang || "de").format(n);
        } catch (e) {
            number = String(n);
        }
        return form.replace("{n}", number);
    }

    /* Cluster counts as HTML buttons (no glyphs): one per cluster the source holds now; Enter/click zooms in. */
    function updateClusters(el) {
        var state = stateOf(el);
        var map = state.map;
        var points = state.points;
        if (!map || !points || !map.getSource(SOURCE)) {
            return;
        }
        var seen = {};
        map.querySourceFeatures(SOURCE).forEach(function (f) {
            var p = f.properties || {};
            if (!p.cluster) {
                return;
            }
            var id = String(p.cluster_id);
            if (seen[id]) {
                return;
            }
            seen[id] = true;
            var marker = state.clusters[id];
            var offers = Number(p.offers) || Number(p.point_count) || 0;
            if (!marker) {
                var button = document.createElement("button");
                button.type = "button";
                button.className = "map-cluster";
                button.addEventListener("click", function (event) {
                    event.stopPropagation();
                    expandCluster(el, Number(button.dataset.clusterId), marker.getLngLat());
                });
                marker = new state.lib.Marker({element: button}).setLngLat(f.geometry.coordinates).addTo(map);
                state.clusters[id] = marker;
            }
            var node = marker.getElement();
            node.dataset.clusterId = id;
            node.dataset.offers = String(offers);
            node.dataset.groups = String(p.point_count);
            node.textContent = String(offers);
            node.setAttribute("aria-label", clusterName(points, offers));
            node.style.setProperty("--size", String(Math.min(56, 30 + 4 * Math.log2(Math.max(offers, 1)))) + "px");
        });
        Object.keys(state.clusters).forEach(function (id) {
            if (!seen[id]) {
                state.clusters[id].remove();
                delete state.clusters[id];
            }
        });
    }

    function expandCluster(el, clusterId, lngLat) {
        var state = stateOf(el);
        var source = state.map.getSource(SOURCE);
        Promise.resolve(source.getClusterExpansionZoom(clusterId)).then(function (zoom) {
            state.map.easeTo({center: lngLat, zoom: Math.min(zoom + 0.01, 19), duration: 300});
        });
    }

    function createMap(el, lib, points) {
        var state = stateOf(el);
        var labels = points.labels || {};
        var container = el.querySelector(".map-canvas") || el;
        var map = new lib.Map({
            container: container,
            style: points.style,
            center: [points.view.lon, points.view.lat],
            zoom: points.view.zoom,
            attributionControl: false,
            dragRotate: false,
            pitchWithRotate: false,
            fadeDuration: 0,
            locale: {
                "Map.Title": labels.map || "Map",
                "NavigationControl.ZoomIn": labels.zoomIn || "Zoom in",
                "NavigationControl.ZoomOut": labels.zoomOut || "Zoom out"
            }
        });
        map.touchZoomRotate.disableRotation();
        map.addControl(new lib.NavigationControl({showCompass: false}), "top-right");
        state.map = map;
        state.lib = lib;
        state.popup = new lib.Popup({closeButton: false, closeOnClick: false, className: "map-tooltip", maxWidth: "260px"});
        map.on("load", function () {
            addMarkerImages(map, points);
            map.addSource(SOURCE, {
                type: "geojson",
                data: {type: "FeatureCollection", features: []},
                cluster: true,
                clusterRadius: points.cluster.radius,
                clusterMaxZoom: points.cluster.maxZoom,
                clusterProperties: {offers: ["+", ["get", "count"]]}
            });
            map.addLayer({
                id: MARKER_LAYER,
                type: "symbol",
                source: SOURCE,
                filter: ["!", ["has", "point_count"]],
                layout: {"icon-image": ["get", "icon"], "icon-allow-overlap": true, "icon-ignore-placement": true},
                /* an offer nobody has confirmed for a year is shown faded (its list entry says since when) */
                paint: {"icon-opacity": ["case", ["==", ["get", "unconfirmed"], 1], UNCONFIRMED_OPACITY, 1]}
            });
            map.on("click", MARKER_LAYER, function (e) { clickMarker(el, e.features && e.features[0]); });
            /* The tooltip stays while the pointer is on the marker or on the tooltip itself (WCAG 1.4.13
               "hoverable"): leaving the marker closes it only after a moment unless the pointer is on it. */
            var popupTimer = null;
            function keepPopup() {
                if (popupTimer !== null) { window.clearTimeout(popupTimer); popupTimer = null; }
            }
            function closePopupSoon() {
                keepPopup();
                popupTimer = window.setTimeout(function () { popupTimer = null; state.popup.remove(); }, POPUP_GRACE_MS);
            }
            map.on("mouseenter", MARKER_LAYER, function (e) {
                map.getCanvas().style.cursor = "pointer";
                keepPopup();
                var f = e.features && e.features[0];
                if (f) {
                    state.popup.setLngLat(f.geometry.coordinates).setHTML(f.properties.hover).addTo(map);
                    var box = state.popup.getElement();
                    if (box && !box._stadtkarteHover) {
                        box._stadtkarteHover = true;
                        box.addEventListener("mouseenter", keepPopup);
                        box.addEventListener("mouseleave", closePopupSoon);
                    }
                }
            });
            map.on("mouseleave", MARKER_LAYER, function () {
                map.getCanvas().style.cursor = "";
                closePopupSoon();
            });
            map.on("sourcedata", function (e) {
                if (e.sourceId === SOURCE && e.isSourceLoaded) { updateClusters(el); }
            });
            map.on("moveend", function () { updateClusters(el); });
            map.on("idle", function () { updateClusters(el); });
            state.loaded = true;
            if (points.districtLabels && points.districtLabels.length) {
                showDistrictLabels(el, points.districtLabels);
            }
            drawPending(el);
            if (state.selected) {
                showSelected(state.selected.offerId, state.selected.points);
            }
        });
    }

    /* No WebGL (or MapLibre failed): say so in the map's place and point to the list. */
    function showUnavailable(el, points) {
        var note = el.querySelector(".map-unavailable") || document.createElement("p");
        note.className = "map-unavailable";
        note.setAttribute("role", "status");
        note.textContent = (points.labels && points.labels.unavailable) || "";
        el.appendChild(note);
    }

    function drawPending(el) {
        var state = stateOf(el);
        if (!state.loaded || !state.pending) {
            return null;
        }
        var view = state.pending.view;
        var points = state.pending.points;
        state.pending = null;
        if (state.points && state.points.version !== points.version) {
            addMarkerImages(state.map, points);  /* a new snapshot may have new categories */
        }
        state.points = points;
        state.view = view;
        var bytes = view && view.mask && (!view.version || view.version === points.version) ? decodeMask(view.mask, points.n) : null;
        var data = buildMarkers(points, bytes);
        state.map.getSource(SOURCE).setData(data);
        state.popup.remove();
        el.setAttribute("data-drawn", String(data.features.length));
        return data.features.length;
    }

    function updateMap(view, points) {
        var no = window.dash_clientside.no_update;
        if (!points) {
            return no;
        }
        if (view && view.version && points.version && view.version !== points.version) {
            /* a mask of another snapshot: wait for the matching points (sent with the view) */
            return no;
        }
        var el = mapElement();
        if (!el) {
            var bytes = view && view.mask ? decodeMask(view.mask, points.n) : null;
            return String(buildMarkers(points, bytes).features.length);
        }
        var state = stateOf(el);
        state.pending = {view: view, points: points};
        if (state.loaded) {
            return String(drawPending(el));
        }
        if (!state.loading) {
            state.loading = true;
            loadLibrary(el).then(function (lib) { createMap(el, lib, points); }).catch(function (err) {
                el.setAttribute("data-error", String(err && err.message || err));
                showUnavailable(el, points);
                console.error("map: the map could not be drawn", err);
            });
        }
        return no;  /* drawn when MapLibre has loaded (data-drawn) */
    }

    /* ------------------------------------------------------------------ clicks on a marker */

    function component(type, props) {
        return {type: type, namespace: "dash_html_components", props: props};
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

    /* The result of a click on the marker of group g: [offer to select | null, group list | null]. */
    function markerClick(points, view, g) {
        var members = visibleMembers(points, g, view);
        if (members.length === 0) {
            return [null, null];
        }
        if (members.length === 1) {
            return [points.ids[members[0]], null];
        }
        return [null, groupList(points, members)];
    }

    function clickMarker(el, feature) {
        var state = stateOf(el);
        if (!feature || !state.points || !window.dash_clientside.set_props) {
            return;
        }
        var out = markerClick(state.points, state.view, Number(feature.properties.g));
        if (out[0]) {
            window.dash_clientside.set_props("map-group", {hidden: true, children: []});
            window.dash_clientside.set_props("selected-offer", {data: out[0]});
        } else if (out[1]) {
            window.dash_clientside.set_props("map-group", {hidden: false, children: out[1]});
        }
    }

    /* ------------------------------------------------------------------ overlays: district names, selection */

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

    function showDistrictLabels(el, labels) {
        var map = stateOf(el).map;
        var overlay = map.getContainer().querySelector(".map-district-labels");
        if (overlay) {
            overlay.remove();
        }
        overlay = document.createElement("div");
        overlay.className = "map-district-labels";
        overlay.setAttribute("aria-hidden", "true");
        labels.forEach(function (label) {
            var span = document.createElement("span");
            span.className = "map-district-label";
            span.textContent = unescapeHtml(label.name);
            span.dataset.lon = label.lon;
            span.dataset.lat = label.lat;
            overlay.appendChild(span);
        });
        /* right above the canvas, beneath the cluster buttons (MapLibre's markers come later in its canvas container) */
        var canvas = map.getCanvas();
        canvas.parentNode.insertBefore(overlay, canvas.nextSibling);
        map.on("move", function () { placeLabels(map, overlay); });
        map.on("resize", function () { placeLabels(map, overlay); });
        placeLabels(map, overlay);
    }

    function placeRing(map, ring) {
        var at = map.project([Number(ring.dataset.lon), Number(ring.dataset.lat)]);
        ring.style.left = at.x + "px";
        ring.style.top = at.y + "px";
    }

    /* The selected offer on the map: ringed, and centred when it is out of view. */
    function showSelected(offerId, points) {
        var el = mapElement();
        if (!el) {
            return offerId || "";
        }
        var state = stateOf(el);
        var map = state.map;
        var index = points && offerId ? points.ids.indexOf(offerId) : -1;
        if (!map || !state.loaded) {
            state.selected = {offerId: offerId, points: points};
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
        if (!ring) {
            ring = document.createElement("div");
            ring.className = "map-selected";
            ring.setAttribute("aria-hidden", "true");
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

    /* ------------------------------------------------------------------ test and debugging hook */

    /* What MapLibre has drawn: markers (rendered symbol features), clusters (HTML buttons), the offers
       and address groups they hold, district polygons. Used by the browser tests and bench/mobile.py. */
    function rendered() {
        var el = mapElement();
        var state = el && el._stadtkarte;
        var map = state && state.map;
        if (!map || !state.loaded || !map.getLayer(MARKER_LAYER)) {
            return null;
        }
        var seen = {};
        var markers = 0;
        var offers = 0;
        map.queryRenderedFeatures({layers: [MARKER_LAYER]}).forEach(function (f) {
            if (!seen[f.properties.g]) {
                seen[f.properties.g] = true;
                markers += 1;
                offers += Number(f.properties.count);
            }
        });
        var clusters = Object.keys(state.clusters).map(function (id) { return state.clusters[id].getElement(); });
        var groups = markers;
        clusters.forEach(function (node) {
            groups += Number(node.dataset.groups);
            offers += Number(node.dataset.offers);
        });
        var districts = map.getLayer("district-fill") ? map.queryRenderedFeatures({layers: ["district-fill"]}).length : 0;
        var gl = map.painter && map.painter.context && map.painter.context.gl;
        return {
            markers: markers,
            clusters: clusters.length,
            groups: groups,
            offers: offers,
            districts: districts,
            drawn: Number(el.getAttribute("data-drawn") || 0),
            zoom: map.getZoom(),
            webgl2: typeof WebGL2RenderingContext !== "undefined" && gl instanceof WebGL2RenderingContext
        };
    }

    if (typeof document !== "undefined") {
        /* the map page ("/", the app's root): start loading MapLibre now */
        if (/\/$/.test(window.location.pathname)) {
            preloadLibrary(MAPLIBRE_MODULE);
        }
        /* "Close" under a group's list hides it. */
        document.addEventListener("click", function (event) {
            var el = event.target && event.target.closest ? event.target.closest("[data-action='close-group']") : null;
            if (el && window.dash_clientside && window.dash_clientside.set_props) {
                window.dash_clientside.set_props("map-group", {hidden: true});
            }
        });
        /* Escape dismisses the marker tooltip (WCAG 1.4.13). */
        document.addEventListener("keydown", function (event) {
            var el = mapElement();
            if (event.key === "Escape" && el && el._stadtkarte && el._stadtkarte.popup) {
                el._stadtkarte.popup.remove();
            }
        });
    }

    window.stadtkarteMap = {
        map: function () {
            var el = mapElement();
            return el && el._stadtkarte ? el._stadtkarte.map : null;
        },
        rendered: rendered
    };
    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.stadtkarte = Object.assign(window.dash_clientside.stadtkarte || {}, {
        updateMap: updateMap,
        buildMarkers: buildMarkers,
        markerClick: markerClick,
        showSelected: showSelected
    });
})();
