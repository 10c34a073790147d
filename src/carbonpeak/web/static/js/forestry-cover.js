// The forestry page's cover trend (vendored ECharts, no network): 森林覆盖率 of each district survey
// year against the plan's numeric targets (a dashed line from the first year to the target year and
// a marked point at the target). Data from the data-chart attribute (CSP: no inline script).
(function () {
  "use strict";
  var box = document.getElementById("forestry-cover-chart");
  if (!box || typeof echarts === "undefined") { return; }
  var d = JSON.parse(box.getAttribute("data-chart"));
  var years = d.years.slice();
  d.targets.forEach(function (t) { if (years.indexOf(t.year) < 0) { years.push(t.year); } });
  years.sort(function (a, b) { return a - b; });
  var cover = years.map(function (y) { var i = d.years.indexOf(y); return i < 0 ? null : d.cover[i]; });
  var series = [{ name: box.getAttribute("data-cover"), type: "line", data: cover, connectNulls: true,
    label: { show: true, formatter: function (p) { return p.value === null ? "" : p.value.toFixed(2) + "%"; } } }];
  d.targets.forEach(function (t) {
    series.push({ name: box.getAttribute("data-target") + " " + t.year, type: "line", symbol: "none",
      lineStyle: { type: "dashed", color: "#c0392b" },
      data: years.map(function (y) { return y <= t.year ? t.value : null; }),
      markPoint: { data: [{ coord: [String(t.year), t.value], value: "≥" + t.value + "%" }], symbolSize: 36 } });
  });
  echarts.init(box).setOption({
    tooltip: { trigger: "axis" }, legend: {}, animation: false,
    xAxis: { type: "category", data: years.map(String) },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: series
  });
  box.setAttribute("data-rendered", "true");
})();
