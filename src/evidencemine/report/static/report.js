// evidencemine report: sorting and filtering of the programmes table. Plain JavaScript, no
// network; the table works (unsorted, unfiltered) without it.
(function () {
  "use strict";
  var table = document.getElementById("programmes");
  if (!table) { return; }
  var body = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(body.rows);

  function cellValue(row, index, type) {
    var value = row.cells[index].getAttribute("data-value") || "";
    return type === "number" ? parseFloat(value) : value;
  }

  function sortBy(index, direction) {
    var type = headers[index].getAttribute("data-type");
    var sign = direction === "descending" ? -1 : 1;
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellValue(a, index, type), y = cellValue(b, index, type);
      if (type === "number") {
        if (x < 0 && y >= 0) { return 1; }      // missing values last, either way
        if (y < 0 && x >= 0) { return -1; }
        if (x !== y) { return sign * (x - y); }
      } else if (x !== y) {
        if (x === "") { return 1; }
        if (y === "") { return -1; }
        return sign * x.localeCompare(y);
      }
      return cellValue(a, 0, "text").localeCompare(cellValue(b, 0, "text"));
    });
    sorted.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (th, i) {
      if (i === index) { th.setAttribute("aria-sort", direction); }
      else { th.removeAttribute("aria-sort"); }
    });
  }

  headers.forEach(function (th, index) {
    var button = th.querySelector("button");
    button.addEventListener("click", function () {
      var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      sortBy(index, next);
    });
  });

  function applyFilters() {
    var text = form.elements.q.value.trim().toLowerCase();
    var minRating = parseFloat(form.elements.rating.value || "-1");
    var ukOnly = form.elements.uk.checked;
    var count = 0;
    rows.forEach(function (row) {
      var haystack = row.textContent.toLowerCase();
      var rating = parseFloat(row.getAttribute("data-rating"));
      var visible = (!text || haystack.indexOf(text) !== -1) &&
        (minRating < 0 || rating >= minRating) &&
        (!ukOnly || row.getAttribute("data-uk") === "yes");
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = "Showing " + count + " of " + rows.length + " programmes.";
  }

  form.addEventListener("input", applyFilters);
  form.addEventListener("change", applyFilters);
  form.addEventListener("submit", function (event) { event.preventDefault(); applyFilters(); });
  applyFilters();
}());
