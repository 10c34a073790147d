// Enterprise ledger: monthly energy (both bases) and CO2, from the data-chart attribute (CSP: no inline script).
(function () {
  "use strict";
  var el = document.getElementById("enterprise-chart");
  if (!el || typeof echarts === "undefined") { return; }
  var d = JSON.parse(el.getAttribute("data-chart"));
  var chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    legend: { top: 0 },
    grid: { left: 70, right: 70, top: 30, bottom: 30 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: d.periods },
    yAxis: [{ type: "value", name: "tce" }, { type: "value", name: "tCO2" }],
    series: [
      { name: d.names[0], type: "bar", data: d.tce, itemStyle: { color: "#0b6e4f" } },
      { name: d.names[1], type: "bar", data: d.tce_cs, itemStyle: { color: "#7fb8a4" } },
      { name: d.names[2], type: "line", yAxisIndex: 1, data: d.co2, itemStyle: { color: "#f08c00" } }
    ]
  });
  el.setAttribute("data-rendered", "true");
  window.addEventListener("resize", function () { chart.resize(); });
})();
