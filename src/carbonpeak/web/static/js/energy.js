// Energy room: capacity vs target, the pipeline Gantt, the charging map (ECharts GeoJSON map, no tiles).
// Data comes from data- attributes (CSP: no inline script).
(function () {
  "use strict";
  var cap = document.getElementById("capacity-chart");
  if (cap && window.echarts) {
    var d = JSON.parse(cap.getAttribute("data-chart"));
    var series = [
      { name: cap.getAttribute("data-installed"), type: "bar", data: d.installed },
      { name: cap.getAttribute("data-expected"), type: "line", data: d.expected }
    ];
    if (d.target !== null) {
      series.push({ name: cap.getAttribute("data-target"), type: "line", data: d.years.map(function () { return d.target; }),
        lineStyle: { type: "dashed" }, symbol: "none" });
    }
    echarts.init(cap).setOption({ tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "category", data: d.years },
      yAxis: { type: "value" }, series: series, animation: false });
    cap.setAttribute("data-rendered", "true");
    var g = document.getElementById("gantt-chart");
    var rows = d.gantt;
    var names = rows.map(function (r) { return r.name; });
    var day = function (s) { return new Date(s + "T00:00:00").getTime(); };
    echarts.init(g).setOption({
      tooltip: { formatter: function (p) { var r = rows[p.value[0]]; return r.name + "<br>" + r.status + "：" + r.start + " → " + r.end; } },
      grid: { left: 220 }, xAxis: { type: "time" }, yAxis: { type: "category", data: names },
      series: [{ type: "custom", encode: { x: [1, 2], y: 0 },
        data: rows.map(function (r, i) { return [i, day(r.start), day(r.end)]; }),
        renderItem: function (params, api) {
          var y = api.value(0), a = api.coord([api.value(1), y]), b = api.coord([api.value(2), y]);
          var h = api.size([0, 1])[1] * 0.6;
          return { type: "rect", shape: { x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 3), height: h },
            style: api.style() };
        } }],
      animation: false
    });
    g.setAttribute("data-rendered", "true");
  }
  var map = document.getElementById("charging-map");
  if (map && window.echarts) {
    var m = JSON.parse(map.getAttribute("data-map"));
    echarts.registerMap("district", m.geojson);
    var chart = echarts.init(map);
    chart.setOption({
      tooltip: { trigger: "item" }, legend: { top: 0 },
      geo: { map: "district", roam: true, itemStyle: { areaColor: "#f4f6f8", borderColor: "#555" },
        regions: [{ name: "core", itemStyle: { areaColor: "#dbe9f7" } }], emphasis: { disabled: true } },
      series: [
        { name: map.getAttribute("data-uncovered"), type: "scatter", coordinateSystem: "geo", data: m.uncovered,
          symbol: "rect", symbolSize: 3, itemStyle: { color: "#d9534f", opacity: 0.5 }, silent: true },
        { name: map.getAttribute("data-stations"), type: "scatter", coordinateSystem: "geo",
          data: m.stations.map(function (s) { return { name: s[2], value: [s[0], s[1]] }; }),
          symbolSize: 6, itemStyle: { color: "#2e7d32" } },
        { name: map.getAttribute("data-proposals"), type: "effectScatter", coordinateSystem: "geo",
          data: m.proposals.map(function (p, i) { return { name: "#" + (i + 1) + " +" + p[2] + " km²", value: [p[0], p[1]] }; }),
          symbolSize: 14, itemStyle: { color: "#f0ad4e" } }
      ],
      animation: false
    });
    map.setAttribute("data-rendered", "true");
  }
})();
