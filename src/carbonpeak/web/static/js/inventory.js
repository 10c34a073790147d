// Inventory page: stacked bars (data-stack) and the fuel → sector Sankey (data-sankey). No inline scripts (CSP).
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var palette = ["#0b6e4f", "#1971c2", "#f08c00", "#e03131", "#7048e8", "#2f9e44", "#868e96", "#c2255c", "#0c8599", "#e8590c", "#5c940d", "#364fc7"];
  document.querySelectorAll("[data-stack]").forEach(function (el) {
    var d = JSON.parse(el.getAttribute("data-stack"));
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false, color: palette,
      legend: { type: "scroll", top: 0 },
      grid: { left: 80, right: 16, top: 40, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: d.years },
      yAxis: { type: "value" },
      series: d.series.map(function (s) { return { name: s.name, type: "bar", stack: "total", data: s.values }; })
    });
    el.setAttribute("data-rendered", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  });
  var el = document.getElementById("chart-sankey");
  if (!el) { return; }
  var all = JSON.parse(el.getAttribute("data-sankey"));
  var chart = echarts.init(el, null, { renderer: "canvas" });
  var yearSel = document.getElementById("sankey-year");
  var basisSel = document.getElementById("sankey-basis");
  function draw() {
    var links = (all[yearSel.value] || {})[basisSel.value] || [];
    var names = {};
    links.forEach(function (l) { names[l.source] = 0; names[l.target] = 1; });
    chart.setOption({
      animation: false, color: palette,
      tooltip: { trigger: "item" },
      series: [{
        type: "sankey", left: 10, right: 120, top: 10, bottom: 10, nodeAlign: "left",
        data: Object.keys(names).map(function (n) { return { name: n, depth: names[n] }; }),
        links: links.map(function (l) { return { source: l.source, target: l.target, value: Math.round(l.value) }; }),
        lineStyle: { color: "gradient", opacity: 0.4 }, label: { fontSize: 12 }
      }]
    }, true);
    el.setAttribute("data-rendered", yearSel.value + ":" + basisSel.value);
  }
  yearSel.addEventListener("change", draw);
  basisSel.addEventListener("change", draw);
  draw();
  window.addEventListener("resize", function () { chart.resize(); });
})();
