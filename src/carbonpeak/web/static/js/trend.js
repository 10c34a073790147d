// Overview: CO2 trend (inventory history + plan projection), from the data-trend attribute (CSP: no inline script).
(function () {
  "use strict";
  var el = document.getElementById("co2-trend");
  if (!el || typeof echarts === "undefined") { return; }
  var d = JSON.parse(el.getAttribute("data-trend"));
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    legend: { top: 0 },
    grid: { left: 70, right: 20, top: 30, bottom: 30 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: d.years },
    yAxis: { type: "value", name: "tCO2" },
    series: [
      { name: d.history_name, type: "line", data: d.history, itemStyle: { color: "#0b6e4f" } },
      { name: d.projection_name, type: "line", data: d.projection, lineStyle: { type: "dashed" }, itemStyle: { color: "#f08c00" }, showSymbol: false }
    ]
  });
  el.setAttribute("data-rendered", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
