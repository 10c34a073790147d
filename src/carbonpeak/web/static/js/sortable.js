// Sortable tables (carbonpeak's own, no library): every <table class="sortable"> gets a button in
// each header cell (except th[data-nosort]); a click sorts the body rows by that column, again
// reverses. A cell's data-sort attribute, when present, is the key; else its text. Keys that read as
// numbers (thousands separators, %, a trailing unit allowed) compare as numbers, the rest by the
// page's language. Without JavaScript the table keeps the server's order.
(function () {
  "use strict";
  var NUMBER = /^[-+]?[\d,\s]*\.?\d+(?:[eE][-+]?\d+)?/;

  function key(cell) {
    if (!cell) return "";
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return (raw || "").trim();
  }

  function asNumber(text) {
    var match = NUMBER.exec(text);
    if (!match || match[0].replace(/[,\s]/g, "") === "") return null;
    var value = parseFloat(match[0].replace(/[,\s]/g, ""));
    return isNaN(value) ? null : value;
  }

  function sortBy(table, index, button) {
    var body = table.tBodies[0];
    if (!body) return;
    var descending = button.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (row) { return key(row.cells[index]); });
    var numeric = keys.every(function (k) { return k === "" || k === "—" || asNumber(k) !== null; });
    var lang = document.documentElement.lang || "zh-CN";
    var order = rows.map(function (row, i) { return i; });
    order.sort(function (a, b) {
      var x = keys[a], y = keys[b], result;
      if (numeric) {
        var nx = asNumber(x), ny = asNumber(y);
        if (nx === null && ny === null) result = 0;
        else if (nx === null) result = 1;
        else if (ny === null) result = -1;
        else result = nx - ny;
        if (descending && (nx === null) !== (ny === null)) return result;
      } else {
        result = x.localeCompare(y, lang);
      }
      return (descending ? -result : result) || a - b;
    });
    order.forEach(function (i) { body.appendChild(rows[i]); });
    table.querySelectorAll("thead th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    table.querySelectorAll("thead th button.sort").forEach(function (b) { b.removeAttribute("aria-sort"); });
    button.setAttribute("aria-sort", descending ? "descending" : "ascending");
    button.parentNode.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function enhance(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) return;
    Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
      if (th.hasAttribute("data-nosort")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
  }

  function start() {
    document.querySelectorAll("table.sortable").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
