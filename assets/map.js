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
    /* the map box of the server-rendered first view (dashboard.map.prerender): drawn before Dash starts */
    var EARLY_ID = "fv-offer-map";
    var UNCONFIRMED_OPACITY = 0.45;
    var POPUP_GRACE_MS = 400;
    /* The vendored MapLibre (dashboard.security.MAPLIBRE_PREFIX; a unit test keeps the two equal): the map
       page preloads it while Dash starts, so the map does not wait for the layout before downloading it. */
    var MAPLIBRE_MODULE = "/vendor/maplibre-gl/6.17.0/maplibre-gl.mjs";
    var SOURCE = "offers";
    var MARKER_LAYER = "offer-markers";

    /* performance marks for bench/mobile.py (stadtkarte:lib, :points, :load, :markers, :drawn) */
    function mark(name) {
        if (typeof performance !== "undefined" && performance.mark) {
            performance.mark("stadtkarte:" + name);
        }
    }

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

    /* Whether all of the visible offers are at approximate locations / unconfirmed for a year. */
    function allOf(flags, visible) {
        if (!flags) {
            return false;
        }
        for (var k = 0; k < visible.length; k++) {
            if (!flags[visible[k]]) {
                return false;
            }
        }
        return true;
    }

    /* The tooltip of a marker (built when the pointer reaches it, not for every marker of every view). */
    function hoverText(points, visible, group) {
        var labels = points.labels;
        var limit = points.hoverNames;
        var lines = [];
        for (var k = 0; k < visible.length && k < limit; k++) {
            lines.push(points.names[visible[k]]);
        }
        if (visible.length > limit) {
            lines.push(labels.more.replace("{n}", String(visible.length - limit)));
        }
        if (points.gdistrict[group]) {
            lines.push("<i>" + points.gdistrict[group] + "</i>");
        }
        if (allOf(points.approximate, visible)) {
            lines.push(labels.approximate);
        }
        if (allOf(points.unconfirmed, visible)) {
            lines.push(labels.unconfirmed);
        }
        return lines.join("<br>");
    }

    /* One GeoJSON point per address with a visible offer: its style, visible count, first offer. */
    function buildMarkers(points, bytes) {
        var features = [];
        var nGroups = points.glon.length;
        var groups = groupsOf(points);
        for (var g = 0; g < nGroups; g++) {
            var visible = [];
            var style = -1;
            for (var j = groups.starts[g]; j < groups.starts[g + 1]; j++) {
                var i = groups.members[j];
                if (isVisible(bytes, i)) {
                    visible.push(i);
                    var c = points.category[i];
                    style = style === -1 || style === c ? c : points.mixed;
                }
            }
            if (visible.length === 0) {
                continue;
            }
            var approximate = allOf(points.approximate, visible);
            features.push({
                type: "Feature",
                geometry: {type: "Point", coordinates: [points.glon[g], points.glat[g]]},
                properties: {
                    g: g,
                    style: style,
                    icon: "marker-" + style + (approximate ? "-approximate" : ""),
                    approximate: approximate ? 1 : 0,
                    unconfirmed: allOf(points.unconfirmed, visible) ? 1 : 0,
                    count: visible.length,
                    first: visible[0]
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

    /* The element whose map is drawn: Dash's once it has taken the early map over, else the first view's. */
    function mapHolder() {
        var el = mapElement();
        if (el && el._stadtkarte) {
            return el;
        }
        var early = typeof document === "undefined" ? null : document.getElementById(EARLY_ID);
        return early && early._stadtkarte ? early : el;
    }

    function stateOf(el) {
        if (!el._stadtkarte) {
            el._stadtkarte = {el: el, map: null, loading: false, pending: null, clusters: {}, popup: null, lib: null};
        }
        return el._stadtkarte;
    }

    /* MapLibre's container: a div of ours inside the box's .map-canvas, so that it can move to Dash's box. */
    function canvasOf(el) {
        var box = el.querySelector(".map-canvas") || el;
        var inner = box.querySelector(".map-canvas-inner");
        if (!inner) {
            inner = document.createElement("div");
            inner.className = "map-canvas-inner";
            box.appendChild(inner);
        }
        return inner;
    }

    /* Dash's map box takes over the map drawn in the first view (same state, same MapLibre instance):
       MapLibre's container moves into Dash's box before the first view is removed. */
    function adoptEarlyMap(el) {
        var early = document.getElementById(EARLY_ID);
        if (!el || el._stadtkarte || !early || !early._stadtkarte) {
            return;
        }
        var state = early._stadtkarte;
        var inner = early.querySelector(".map-canvas-inner");
        if (inner) {
            (el.querySelector(".map-canvas") || el).appendChild(inner);
        }
        ["data-drawn", "data-error"].forEach(function (name) {
            if (early.hasAttribute(name)) { el.setAttribute(name, early.getAttribute(name)); }
        });
        early._stadtkarte = null;
        el._stadtkarte = state;
        state.el = el;
        if (state.map) {
            state.map.resize();
        }
        if (state.queuedClick && window.dash_clientside && window.dash_clientside.set_props) {
            var out = state.queuedClick;
            state.queuedClick = null;
            applyClick(out);
        }
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
    function updateClusters(state) {
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
                    expandCluster(state, Number(button.dataset.clusterId), marker.getLngLat());
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

    function expandCluster(state, clusterId, lngLat) {
        var source = state.map.getSource(SOURCE);
        Promise.resolve(source.getClusterExpansionZoom(clusterId)).then(function (zoom) {
            state.map.easeTo({center: lngLat, zoom: Math.min(zoom + 0.01, 19), duration: 300});
        });
    }

    function createMap(el, lib, points) {
        var state = stateOf(el);
        var labels = points.labels || {};
        var map = new lib.Map({
            container: canvasOf(el),
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
            mark("load");
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
            map.on("click", MARKER_LAYER, function (e) { clickMarker(state, e.features && e.features[0]); });
            /* The tooltip stays while the pointer is on the marker or on the tooltip itself (WCAG 1.4.13
               "hoverable"): leaving the marker closes it only after a moment unless the pointer is on it. */
            var popupTimer = null;
            var hovered = null;  /* the group under the pointer */
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
                hovered = f ? Number(f.properties.g) : null;
                if (!f) {
                    return;
                }
                withDetails(state.points, function () {
                    if (hovered !== Number(f.properties.g)) {
                        return;  /* the pointer has moved on while the names were loading */
                    }
                    state.popup.setLngLat(f.geometry.coordinates).setHTML(markerHover(state.points, state.view, hovered)).addTo(map);
                    var box = state.popup.getElement();
                    if (box && !box._stadtkarteHover) {
                        box._stadtkarteHover = true;
                        box.addEventListener("mouseenter", keepPopup);
                        box.addEventListener("mouseleave", closePopupSoon);
                    }
                });
            });
            map.on("mouseleave", MARKER_LAYER, function () {
                hovered = null;
                map.getCanvas().style.cursor = "";
                closePopupSoon();
            });
            map.on("sourcedata", function (e) {
                if (e.sourceId === SOURCE && e.isSourceLoaded) { updateClusters(state); }
            });
            map.on("moveend", function () { updateClusters(state); });
            map.on("idle", function () { updateClusters(state); });
            state.loaded = true;
            if (points.districtLabels && points.districtLabels.length) {
                showDistrictLabels(state, points.districtLabels);
            }
            drawPending(state);
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

    function drawPending(state) {
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
        mark("markers");
        if (state.onDrawn) {
            var settle = state.onDrawn;
            state.onDrawn = null;
            state.map.once("idle", function () { mark("drawn"); settle(); });
        }
        state.el.setAttribute("data-drawn", String(data.features.length));
        return data.features.length;
    }

    function startMap(state, points) {
        var el = state.el;
        state.loading = true;
        return loadLibrary(el).then(function (lib) { createMap(state.el, lib, points); });
    }

    function fetchJson(href) {
        return fetch(href, {credentials: "same-origin"}).then(function (response) {
            if (!response.ok) {
                throw new Error(href + ": HTTP " + response.status);
            }
            return response.json();
        });
    }

    /* The points behind a points store (a URL and version: dashboard.map.points.points_ref), fetched once per URL.
       The file holds what drawing needs; the offers' names, ids and district names (for tooltips and
       clicks) are a second file (points.details), fetched at once but off the map's critical path. */
    var pointsByHref = {};
    function loadPoints(href) {
        if (!pointsByHref[href]) {
            pointsByHref[href] = fetchJson(href).then(function (points) {
                if (typeof points.details === "string") {
                    detailsOf(points);
                }
                return points;
            });
            pointsByHref[href].catch(function () { delete pointsByHref[href]; });
        }
        return pointsByHref[href];
    }

    /* A promise of ``points`` with names, ids and district names (merged in from its details file). */
    function detailsOf(points) {
        if (!points._details) {
            points._details = points.ids ? Promise.resolve(points) : fetchJson(points.details).then(function (details) {
                if (details.version !== points.version) {
                    throw new Error("details of another version");
                }
                points.names = details.names;
                points.ids = details.ids;
                points.gdistrict = details.gdistrict;
                return points;
            });
            points._details.catch(function (err) {
                points._details = null;  /* tried again on the next hover or click */
                console.error("map: the offers' names could not be loaded", err);
            });
        }
        return points._details;
    }

    /* Run ``fn`` now when ``points`` carry their details, else once they have arrived. */
    function withDetails(points, fn) {
        if (points.ids) {
            return fn();
        }
        detailsOf(points).then(fn, function () { return null; });
        return null;
    }

    function isReference(points) {
        return !!points && typeof points.href === "string" && !points.glon;
    }

    function updateMap(view, points) {
        var no = window.dash_clientside.no_update;
        if (!points) {
            return no;
        }
        if (isReference(points)) {
            loadPoints(points.href).then(function (data) { updateMap(view, data); }, function (err) {
                console.error("map: the points could not be loaded", err);
            });
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
        adoptEarlyMap(el);
        var state = stateOf(el);
        if (state.loaded && state.points && state.points.version === points.version && state.view &&
                view && state.view.mask === view.mask && !state.pending) {
            return el.getAttribute("data-drawn") || no;  /* the first view's map already shows this view */
        }
        state.pending = {view: view, points: points};
        if (state.loaded) {
            return String(drawPending(state));
        }
        if (!state.loading) {
            startMap(state, points).catch(function (err) {
                state.el.setAttribute("data-error", String(err && err.message || err));
                showUnavailable(state.el, points);
                console.error("map: the map could not be drawn", err);
            });
        }
        return no;  /* drawn when MapLibre has loaded (data-drawn) */
    }

    /* The first view's map, before Dash has started: MapLibre (preloaded from the page's head) starts
       with the setup the page carries (style, first view, marker images), so its worker loads at once;
       the points follow from the URL the page names. On any failure the box is left alone and Dash's
       map box draws the map as usual (updateMap). Returns a promise settled once the markers are drawn
       or cannot be (dashboard/map/startup.py starts Dash then). */
    function startEarlyMap() {
        var el = document.getElementById(EARLY_ID);
        if (!el || el._stadtkarte || !el.getAttribute("data-points") || mapElement()) {
            return null;
        }
        var view = null;
        var setup = null;
        try {
            view = JSON.parse(el.getAttribute("data-view") || "null");
            setup = JSON.parse(el.getAttribute("data-setup") || "null");
        } catch (e) {
            return null;
        }
        if (!view || !setup || view.version !== setup.version) {
            return null;
        }
        var state = stateOf(el);
        state.loading = true;
        var drawn = new Promise(function (resolve) { state.onDrawn = resolve; });
        var started = loadLibrary(el).then(function (lib) {
            mark("lib");
            createMap(state.el, lib, setup);
            return loadPoints(el.getAttribute("data-points"));
        }).then(function (points) {
            mark("points");
            if (points.version !== view.version) {
                throw new Error("points of another version");
            }
            if (!state.pending && !state.points) {
                state.pending = {view: view, points: points};
                drawPending(state);
            }
            return drawn;
        }).catch(function (err) {
            /* not fatal: Dash's map box draws the map from its own store */
            if (state.el === el && !state.map) {
                el._stadtkarte = null;
            }
            console.info("map: drawn once the page has started", err && err.message || err);
            throw err;
        });
        return Promise.race([drawn, started]);
    }

    /* ------------------------------------------------------------------ clicks on a marker */

    function component(type, props) {
        return {type: type, namespace: "dash_html_components", props: props};
    }

    function unescapeHtml(text) {
        return String(text).replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    }

    /* The offers of each group: group g holds members[starts[g]] .. members[starts[g + 1] - 1].
       The file sends the group sizes and the steps between consecutive members (they compress to a
       third of the plain lists; dashboard.map.figures.points_payload); decoded once per points object. */
    function groupsOf(points) {
        if (!points._groups) {
            var sizes = points.sizes;
            var steps = points.memberSteps;
            var starts = new Int32Array(sizes.length + 1);
            for (var g = 0; g < sizes.length; g++) {
                starts[g + 1] = starts[g] + sizes[g];
            }
            var members = new Int32Array(steps.length);
            var at = 0;
            for (var j = 0; j < steps.length; j++) {
                at += steps[j];
                members[j] = at;
            }
            points._groups = {starts: starts, members: members};
        }
        return points._groups;
    }

    /* group index per offer (inverse of groupsOf), cached on the points object */
    function groupOf(points) {
        if (!points._groupOf) {
            var out = new Int32Array(points.n);
            var groups = groupsOf(points);
            for (var g = 0; g + 1 < groups.starts.length; g++) {
                for (var j = groups.starts[g]; j < groups.starts[g + 1]; j++) {
                    out[groups.members[j]] = g;
                }
            }
            points._groupOf = out;
        }
        return points._groupOf;
    }

    /* The tooltip of the marker of group g in view (HTML: the names are escaped by the server). */
    function markerHover(points, view, g) {
        return hoverText(points, visibleMembers(points, g, view), g);
    }

    /* the offers of group g that the current view shows */
    function visibleMembers(points, g, view) {
        var bytes = view && view.mask && view.version === points.version ? decodeMask(view.mask, points.n) : null;
        var out = [];
        var groups = groupsOf(points);
        for (var j = groups.starts[g]; j < groups.starts[g + 1]; j++) {
            if (isVisible(bytes, groups.members[j])) {
                out.push(groups.members[j]);
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

    /* A click before Dash has started (the first view's map) waits until Dash's box adopts the map. */
    function clickMarker(state, feature) {
        if (!feature || !state.points) {
            return;
        }
        var points = state.points;
        withDetails(points, function () {
            if (state.points === points) {
                takeClick(state, markerClick(points, state.view, Number(feature.properties.g)));
            }
        });
    }

    function takeClick(state, out) {
        if (!window.dash_clientside || !window.dash_clientside.set_props || state.el.id !== MAP_ID) {
            state.queuedClick = out;
            return;
        }
        applyClick(out);
    }

    function applyClick(out) {
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

    function showDistrictLabels(state, labels) {
        var map = state.map;
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
        if (isReference(points)) {
            loadPoints(points.href).then(function (data) { showSelected(offerId, data); }, function () { return null; });
            return offerId || "";
        }
        if (points && offerId && !points.ids) {
            withDetails(points, function () { showSelected(offerId, points); });
            return offerId || "";
        }
        adoptEarlyMap(el);
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
        var el = mapHolder();
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

    /* the first view's map: a promise settled once it is drawn or cannot be (dashboard/map/startup.py waits for it) */
    var early = null;
    if (typeof document !== "undefined") {
        /* the map page ("/", the app's root): start loading MapLibre now, and draw the first view's map */
        if (/\/$/.test(window.location.pathname)) {
            preloadLibrary(MAPLIBRE_MODULE);
            early = startEarlyMap();
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
            var el = mapHolder();
            if (event.key === "Escape" && el && el._stadtkarte && el._stadtkarte.popup) {
                el._stadtkarte.popup.remove();
            }
        });
    }

    window.stadtkarteMap = {
        map: function () {
            var el = mapHolder();
            return el && el._stadtkarte ? el._stadtkarte.map : null;
        },
        rendered: rendered,
        /* the tooltip of the marker of group g as the map shows it now */
        hover: function (g) {
            var el = mapHolder();
            var state = el && el._stadtkarte;
            return state && state.points && state.points.ids ? markerHover(state.points, state.view, g) : null;
        },
        /* a promise settled once the drawn points carry their names and ids (their details file) */
        detailed: function () {
            var el = mapHolder();
            var state = el && el._stadtkarte;
            return state && state.points ? detailsOf(state.points).then(function () { return true; }) : Promise.resolve(false);
        },
        early: early,
        /* called when the first view is removed (dashboard.map.prerender.REMOVE_JS) */
        adopt: function () { adoptEarlyMap(mapElement()); }
    };
    window.dash_clientside = window.dash_clientside || {};
    window.dash_clientside.stadtkarte = Object.assign(window.dash_clientside.stadtkarte || {}, {
        updateMap: updateMap,
        buildMarkers: buildMarkers,
        markerClick: markerClick,
        markerHover: markerHover,
        showSelected: showSelected
    });
})();
