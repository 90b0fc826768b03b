// riskmap report: sort a table by clicking (or Enter on) a column heading, filter its rows
// by typing. Without this script the tables are plain tables with every row shown.
(function () {
  "use strict";
  function number(cell) {
    var match = cell.textContent.replace(/,/g, "").replace("\u2212", "-").match(/^\s*-?\d+(\.\d+)?/);
    return match ? parseFloat(match[0]) : null;
  }
  function compare(a, b) {
    var x = number(a), y = number(b);
    if (x !== null && y !== null) { return x - y; }
    if (x !== null) { return -1; }
    if (y !== null) { return 1; }
    return a.textContent.localeCompare(b.textContent);
  }
  function sortable(table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead || !table.tHead.rows.length) { return; }
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (head, column) {
      function sort() {
        var up = head.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        head.setAttribute("aria-sort", up ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var order = compare(r.cells[column], s.cells[column]);
          return up ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      head.tabIndex = 0;
      head.setAttribute("aria-sort", "none");
      head.classList.add("sort");
      head.addEventListener("click", sort);
      head.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { sort(); }
      });
    });
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "filter";
    filter.placeholder = "Filter rows";
    filter.setAttribute("aria-label", "Filter the rows of the next table");
    filter.addEventListener("input", function () {
      var needle = filter.value.toLowerCase();
      Array.prototype.forEach.call(body.rows, function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
    table.parentNode.parentNode.insertBefore(filter, table.parentNode);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), sortable);
}());
