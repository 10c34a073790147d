// Scenario explorer: sliders → POST /api/v1/scenarios/run (session + X-CSRF-Token), charts with the
// vendored ECharts. While a slider moves, each redraw shows the deterministic line, the p5–p95 and
// p25–p75 bands and P(peak by …) from config.live_samples samples (same seed: common random numbers);
// the chosen sample count and the Shapley attribution follow when the slider is released or the
// scenario/samples change. A newer request aborts the older ones (AbortController) and a stale answer
// is never drawn. No inline scripts (CSP).
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  if (!root || typeof echarts === "undefined") { return; }
  var config = JSON.parse(root.getAttribute("data-config"));
  var x = JSON.parse(root.getAttribute("data-words"));
  var csrf = root.getAttribute("data-csrf");
  var scenarioSel = document.getElementById("scenario-select");
  var samplesSel = document.getElementById("samples-select");
  var sliders = Array.prototype.slice.call(document.querySelectorAll("input[data-lever]"));
  function chart(id) { var c = echarts.init(document.getElementById(id), null, { renderer: "canvas" }); window.addEventListener("resize", function () { c.resize(); }); return c; }
  var trajectory = chart("chart-trajectory"), fan = chart("chart-fan"), histogram = chart("chart-histogram"), waterfall = chart("chart-waterfall");
  var bau = null, seq = 0, inflight = [];
  // names instead of ids (config.labels, in the page's language): scenarios, plan indicators, levers
  var labels = config.labels || { scenarios: {}, indicators: {}, levers: {} };
  function scenarioName(id) { return labels.scenarios[id] || id; }
  function indicatorOf(id) { return labels.indicators[id] || { name: id, target: "" }; }
  function groupName(g) { return labels.levers[g.group] || x.assumptions; }

  function levers() {
    var out = {};
    sliders.forEach(function (s) { var v = parseFloat(s.value); if (v) { out[s.getAttribute("data-lever")] = v; } });
    return out;
  }
  // every newer request makes the older ones useless: abort them, so the server's queue stays short
  function abortAll() { inflight.forEach(function (c) { c.abort(); }); inflight = []; }
  function post(body, controller) {
    return fetch("/api/v1/scenarios/run", {
      method: "POST", credentials: "same-origin", signal: controller ? controller.signal : undefined,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw new Error(j.detail || r.status); } return j; }); });
  }
  function fmt(v, d) { return (v === null || v === undefined) ? "—" : Number(v).toFixed(d); }
  function showError(e) {
    if (e && e.name === "AbortError") { return; }
    document.getElementById("peak-year").textContent = "—";
    document.getElementById("peak-value").textContent = String(e.message || e);
  }
  function drawFast(r) {
    document.getElementById("peak-year").textContent = r.peak_year;
    // A peak inside the inventory's years is data, not a projection: say so.
    document.getElementById("peak-kind").textContent = r.peak_observed ? x.peak_observed.replace("{year}", r.observed_until) : x.peak_projected;
    document.getElementById("peak-value").textContent = fmt(r.peak_co2_t / 1e4, 1);
    var years = Object.keys(r.trajectory);
    var series = [{ name: scenarioName(r.id), type: "line", data: years.map(function (y) { return r.trajectory[y]; }), showSymbol: false, itemStyle: { color: "#0b6e4f" },
      markLine: { symbol: "none", data: [{ xAxis: String(r.peak_year) }], label: { formatter: x.peak_year + " " + r.peak_year } } }];
    if (bau && r.id !== "bau") { series.push({ name: scenarioName("bau"), type: "line", data: years.map(function (y) { return bau.trajectory[y]; }), showSymbol: false, lineStyle: { type: "dashed" }, itemStyle: { color: "#868e96" } }); }
    trajectory.setOption({ animation: false, legend: { top: 0 }, tooltip: { trigger: "axis" }, grid: { left: 80, right: 20, top: 30, bottom: 30 },
      xAxis: { type: "category", data: years }, yAxis: { type: "value", scale: true }, series: series }, true);
    document.getElementById("chart-trajectory").setAttribute("data-peak-year", String(r.peak_year));
    var tbody = document.querySelector("#target-checks tbody");
    tbody.textContent = "";
    r.targets.forEach(function (t) {
      var tr = document.createElement("tr");
      var ind = indicatorOf(t.id);
      [ind.name, t.year, ind.target, fmt(t.projected, 2), t.unit].forEach(function (v) { var td = document.createElement("td"); td.textContent = v; tr.appendChild(td); });
      var td = document.createElement("td"); td.textContent = t.met ? "✓" : "✗"; td.className = t.met ? "met-yes" : "met-no"; tr.appendChild(td);
      tbody.appendChild(tr);
    });
  }
  function drawSlow(r) {
    var mc = r.monte_carlo;
    if (mc) {
      document.getElementById("p-peak").textContent = fmt(mc["p_peak_by_" + (r.by_year || config.by_year)] * 100, 0) + " %";
      var years = Object.keys(mc.percentiles.p50);
      var p = function (k) { return years.map(function (y) { return mc.percentiles[k][y]; }); };
      var diff = function (a, b) { return a.map(function (v, i) { return v - b[i]; }); };
      fan.setOption({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 80, right: 20, top: 20, bottom: 30 },
        xAxis: { type: "category", data: years }, yAxis: { type: "value", scale: true },
        series: [
          { name: "p5", type: "line", data: p("p5"), stack: "band", lineStyle: { opacity: 0 }, showSymbol: false },
          { name: "p5–p95", type: "line", data: diff(p("p95"), p("p5")), stack: "band", lineStyle: { opacity: 0 }, areaStyle: { color: "#b2f2bb" }, showSymbol: false },
          { name: "p25", type: "line", data: p("p25"), stack: "band2", lineStyle: { opacity: 0 }, showSymbol: false },
          { name: "p25–p75", type: "line", data: diff(p("p75"), p("p25")), stack: "band2", lineStyle: { opacity: 0 }, areaStyle: { color: "#69db7c" }, showSymbol: false },
          { name: "p50", type: "line", data: p("p50"), itemStyle: { color: "#0b6e4f" }, showSymbol: false }
        ] }, true);
      var dist = mc.peak_year_distribution;
      var hy = Object.keys(dist);
      histogram.setOption({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 50, right: 20, top: 20, bottom: 30 },
        xAxis: { type: "category", data: hy }, yAxis: { type: "value", max: 1 },
        series: [{ name: x.histogram, type: "bar", data: hy.map(function (y) { return dist[y]; }), itemStyle: { color: "#1971c2" } }] }, true);
    } else {
      document.getElementById("p-peak").textContent = "—";
      fan.clear(); histogram.clear();
    }
    var a = r.attribution;
    if (a) {
      var names = [scenarioName("bau") + " " + a.year], base = [0], up = [a.co2_from_t], down = [0];
      var level = a.co2_from_t;
      a.groups.forEach(function (g) {
        var v = g.shapley_t;
        names.push(groupName(g));
        var next = level + v;
        base.push(Math.min(level, next)); up.push(v > 0 ? v : 0); down.push(v < 0 ? -v : 0);
        level = next;
      });
      names.push(scenarioName(r.id) + (Object.keys(r.levers).length ? " + " + x.with_levers : "") + " " + a.year); base.push(0); up.push(a.co2_to_t); down.push(0);
      waterfall.setOption({ animation: false, tooltip: { trigger: "axis" }, grid: { left: 80, right: 20, top: 20, bottom: 90 },
        xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: 30 } }, yAxis: { type: "value", scale: false },
        series: [
          { type: "bar", stack: "w", data: base, itemStyle: { color: "transparent" }, tooltip: { show: false } },
          { name: "+", type: "bar", stack: "w", data: up.map(function (v, i) { return (i === 0 || i === up.length - 1) ? { value: v, itemStyle: { color: "#868e96" } } : v; }), itemStyle: { color: "#e03131" } },
          { name: "−", type: "bar", stack: "w", data: down, itemStyle: { color: "#2f9e44" } }
        ] }, true);
    }
  }
  // The download links carry the scenario and the lever pushes shown, as query parameters.
  function links() {
    var query = "scenario=" + encodeURIComponent(scenarioSel.value);
    var pushed = levers();
    Object.keys(pushed).forEach(function (k) { query += "&lever=" + encodeURIComponent(k + ":" + pushed[k]); });
    document.querySelectorAll("a[data-download-table]").forEach(function (a) {
      a.setAttribute("href", "/scenarios/download?" + query + "&table=" + a.getAttribute("data-download-table") + "&format=" + a.getAttribute("data-download-format"));
    });
  }
  function request(body, draw) {
    links();
    abortAll();
    var my = ++seq, controller = typeof AbortController === "undefined" ? null : new AbortController();
    if (controller) { inflight.push(controller); }
    var started = performance.now();
    post(body, controller).then(function (r) {
      if (my !== seq) { return; }
      draw(r);
      // for the browser benchmark: when the last answer was drawn and how long it took
      root.setAttribute("data-drawn", String(my));
      root.setAttribute("data-draw-ms", String(Math.round(performance.now() - started)));
    }).catch(showError);
  }
  function live() {
    var chosen = parseInt(samplesSel.value, 10);
    request({ scenario: scenarioSel.value, levers: levers(), samples: chosen === 0 ? 0 : Math.min(config.live_samples, chosen), seed: 0 },
      function (r) { drawFast(r); drawSlow(r); });
  }
  function slow() {
    request({ scenario: scenarioSel.value, levers: levers(), samples: parseInt(samplesSel.value, 10), seed: 0, attribution: true },
      function (r) { drawFast(r); drawSlow(r); root.setAttribute("data-ready", "true"); });
  }
  function label(s) { document.getElementById("value-" + s.getAttribute("data-lever")).textContent = s.value + " " + s.getAttribute("data-unit"); }
  sliders.forEach(function (s) {
    s.addEventListener("input", function () { label(s); live(); });
    s.addEventListener("change", function () { label(s); slow(); });
  });
  scenarioSel.addEventListener("change", slow);
  samplesSel.addEventListener("change", slow);
  document.getElementById("reset-levers").addEventListener("click", function () { sliders.forEach(function (s) { s.value = 0; label(s); }); slow(); });
  post({ scenario: "bau", levers: {} }).then(function (r) { bau = r; }).catch(function () { bau = null; }).then(slow);
})();
