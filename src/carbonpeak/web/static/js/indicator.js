// Indicator page: actuals (points), required path (dashed), trend projection (dotted) and the target
// (diamond), from the data-series attribute of #indicator-chart (no inline scripts: CSP).
(function () {
  "use strict";
  var el = document.getElementById("indicator-chart");
  if (!el || typeof echarts === "undefined") { return; }
  var d = JSON.parse(el.getAttribute("data-series"));
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    legend: { top: 0 },
    grid: { left: 60, right: 30, top: 40, bottom: 30 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: d.years.map(String) },
    yAxis: { type: "value", name: d.unit, scale: true },
    series: [
      { name: d.names.actual, type: "line", data: d.actual, symbol: "circle", symbolSize: 9,
        lineStyle: { width: 0 }, itemStyle: { color: "#0b6e4f" }, connectNulls: false },
      { name: d.names.required, type: "line", data: d.required, showSymbol: false,
        lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#1f5fa8" } },
      { name: d.names.projection, type: "line", data: d.trend, connectNulls: true, symbol: "none",
        lineStyle: { type: "dotted", width: 2 }, itemStyle: { color: "#f08c00" } },
      { name: d.names.target, type: "scatter", data: d.target, symbol: "diamond", symbolSize: 16,
        itemStyle: { color: "#c0392b" } }
    ]
  });
  el.setAttribute("data-rendered", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
