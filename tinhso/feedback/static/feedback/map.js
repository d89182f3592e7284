// Citizen feedback maps (Leaflet, vendored). "pick": a tap puts the pin and fills the
// latitude/longitude inputs (which also work on their own, without tiles or script).
// "clusters": the public map asks the server for clusters of the visible box and zoom.
(function () {
  "use strict";
  var HA_LONG = [20.9516, 107.0806];

  function pick(map) {
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var marker = null;
    if (!lat || !lon) { return; }
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: false }).addTo(map); }
    }
    function fromInputs() {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isNaN(a) && !isNaN(b)) { place([a, b]); map.setView([a, b], Math.max(map.getZoom(), 16)); }
    }
    map.on("click", function (e) {
      place(e.latlng);
      lat.value = e.latlng.lat.toFixed(6);
      lon.value = e.latlng.lng.toFixed(6);
    });
    lat.addEventListener("change", fromInputs);
    lon.addEventListener("change", fromInputs);
    fromInputs();
  }

  function clusters(map, el) {
    var layer = L.layerGroup().addTo(map);
    var pending = null;
    function load() {
      var b = map.getBounds();
      var params = new URLSearchParams({
        zoom: String(map.getZoom()),
        bbox: [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (v) { return v.toFixed(5); }).join(","),
        category: el.dataset.category || "",
        ward: el.dataset.ward || "",
        status: el.dataset.status || ""
      });
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(el.dataset.pointsUrl + "?" + params.toString(), { signal: pending.signal })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          layer.clearLayers();
          data.clusters.forEach(function (c) {
            var marker;
            if (c.code) {
              marker = L.marker([c.lat, c.lon], { title: c.code, alt: c.code });
              marker.on("click", function () { window.location.href = el.dataset.detailUrl.replace("CODE", c.code); });
            } else {
              var icon = L.divIcon({ className: "feedback-cluster", html: String(c.count), iconSize: [36, 36] });
              marker = L.marker([c.lat, c.lon], { icon: icon, title: String(c.count), alt: String(c.count) });
              marker.on("click", function () { map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 19)); });
            }
            marker.addTo(layer);
          });
          el.dataset.loaded = String(data.clusters.length);
        })
        .catch(function () { /* aborted by a newer move, or offline: the list below still works */ });
    }
    map.on("moveend", load);
    load();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("feedback-map");
    if (!el || !window.L) { return; }
    var map = L.map(el).setView(HA_LONG, 13);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    if (el.dataset.mode === "pick") { pick(map); } else { clusters(map, el); }
  });
})();
