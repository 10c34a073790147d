// The forestry page's offline map (vendored ECharts, no network): the district outline and the
// parcels' polygons, coloured by carbon density or by land class. Data from /forestry/map.json.
(function () {
  "use strict";
  var box = document.getElementById("forestry-map");
  if (!box || typeof echarts === "undefined") { return; }
  var mode = document.getElementById("forestry-map-mode");
  var chart = echarts.init(box);
  fetch(box.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var outline = (data.outline.features || []).map(function (f) {
        return { type: "Feature", properties: { name: "__outline__" }, geometry: f.geometry };
      });
      var parcels = data.parcels.features;
      echarts.registerMap("forestry-area", { type: "FeatureCollection", features: outline.concat(parcels) });
      var codes = Object.keys(data.land_classes);
      function draw() {
        var bySink = !mode || mode.value === "sink";
        var values = parcels.map(function (f) {
          var p = f.properties;
          return { name: p.name, value: bySink ? Math.round(p.co2_t_per_ha * 10) / 10 : codes.indexOf(p.land_class),
                   label_text: p.land_class_label };
        });
        values.push({ name: "__outline__", value: null, itemStyle: { areaColor: "#f4f4f4" } });
        var visual = bySink
          ? { type: "continuous", min: 0, max: Math.max.apply(null, values.map(function (v) { return v.value || 0; })) || 1,
              inRange: { color: ["#e5f5e0", "#31a354", "#006d2c"] }, calculable: true }
          : { type: "piecewise", pieces: codes.map(function (c, i) { return { value: i, label: data.land_classes[c] }; }),
              inRange: { color: ["#1b7837", "#5aae61", "#a6dba0", "#d9f0d3", "#c2a5cf", "#fdb863", "#4393c3"] } };
        chart.setOption({
          tooltip: { formatter: function (p) {
            if (p.name === "__outline__") { return ""; }
            return p.name + (p.data ? "：" + (bySink ? p.value + " tCO2/hm²" : p.data.label_text) : "");
          } },
          visualMap: visual,
          series: [{ type: "map", map: "forestry-area", roam: true, data: values,
                     label: { show: false }, emphasis: { label: { show: false } } }]
        }, true);
      }
      draw();
      if (mode) { mode.addEventListener("change", draw); }
      box.setAttribute("data-ready", String(parcels.length));
    });
})();
