/* The project map (/projects/map) and a project's small map, drawn with Leaflet (static/vendor/leaflet).
   No tile layer, no external address: the background is the county's outline and towns, fetched from
   the app. Every text goes in with textContent (the markers' data is JSON, never HTML), and styles are
   CSS classes (static/style.css): the Content-Security-Policy allows no inline script or style. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function fetchJson(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    });
  }

  function boundsOf(bbox) {
    return L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]);
  }

  function newMap(box, zoomable) {
    return L.map(box, {attributionControl: false, zoomControl: zoomable, scrollWheelZoom: zoomable,
                       dragging: true, zoomSnap: 0.25});
  }

  function drawCounty(map, county, locale) {
    L.geoJSON(county, {
      filter: function (feature) { return feature.properties && feature.properties.kind === "county"; },
      style: function () { return {className: "county-outline", interactive: false}; }
    }).addTo(map);
    (county.features || []).forEach(function (feature) {
      if (!feature.properties || feature.properties.kind !== "town") { return; }
      var point = feature.geometry.coordinates;
      var name = locale === "zh" ? feature.properties.name_zh : feature.properties.name_en;
      L.circleMarker([point[1], point[0]], {radius: 3, className: "town-point", interactive: false})
        .bindTooltip(el("span", "", name), {permanent: true, direction: "right", className: "town-label"})
        .addTo(map);
    });
  }

  function popup(project, labels) {
    var box = el("div", "map-popup");
    box.appendChild(el("strong", "", project.name));
    box.appendChild(el("div", "muted", project.code + " · " + project.place));
    box.appendChild(el("div", "", project.status_label));
    if (project.late) { box.appendChild(el("div", "late", labels.late)); }
    var facts = el("dl", "");
    [[labels.progress, project.progress], [labels.budget, project.budget], [labels.spent, project.spent]]
      .forEach(function (pair) { facts.appendChild(el("dt", "", pair[0])); facts.appendChild(el("dd", "", pair[1])); });
    box.appendChild(facts);
    var link = el("a", "", labels.open);
    link.setAttribute("href", project.url);
    box.appendChild(link);
    return box;
  }

  function markerClass(status, late) {
    return "map-marker marker-" + status + (late ? " marker-late" : "");
  }

  function labelsOf(box) {
    var data = box.dataset;
    return {progress: data.labelProgress, budget: data.labelBudget, spent: data.labelSpent, late: data.labelLate,
            open: data.labelOpen, shown: data.labelShown, failed: data.labelFailed};
  }

  function showProjects(map, box, data, labels) {
    var points = [];
    data.projects.forEach(function (project) {
      var at = [project.latitude, project.longitude];
      points.push(at);
      L.circleMarker(at, {radius: 8, className: markerClass(project.status, project.late)})
        .bindPopup(popup(project, labels)).addTo(map);
    });
    box.setAttribute("data-markers", String(points.length));
    var summary = document.getElementById("map-summary");
    if (summary) {
      summary.textContent = labels.shown.replace("{shown}", String(points.length)).replace("{total}", String(data.total));
    }
    map.fitBounds(points.length ? L.latLngBounds(points).pad(0.2) : boundsOf(data.bbox), {maxZoom: 13});
  }

  function failed(box, labels, error) {
    if (window.console) { window.console.error("map: " + error); }
    box.textContent = "";
    box.appendChild(el("p", "error", labels.failed));
  }

  function start() {
    var box = document.getElementById("project-map");
    if (!box || typeof L === "undefined") { return; }
    var labels = labelsOf(box), locale = box.dataset.locale;
    var single = box.dataset.longitude !== undefined;
    var map = newMap(box, !single);
    var county = fetchJson(box.dataset.county).then(function (data) {
      if (!single) { map.fitBounds(boundsOf(data.bbox)); }  // a view first: Leaflet draws nothing without one
      map.setMaxBounds(boundsOf(data.bbox).pad(0.5));
      drawCounty(map, data, locale);
      return data;
    });
    if (single) {
      var at = [Number(box.dataset.latitude), Number(box.dataset.longitude)];
      map.setView(at, 12);
      L.circleMarker(at, {radius: 8, className: markerClass(box.dataset.status, false)}).addTo(map);
      box.setAttribute("data-markers", "1");
      county.catch(function (error) { failed(box, labels, error); });
      return;
    }
    Promise.all([county, fetchJson(box.dataset.source)]).then(function (both) {
      showProjects(map, box, both[1], labels);
    }).catch(function (error) { failed(box, labels, error); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
