/*
 * The registrations list's bulk form (templates/registration/admin/index.html), made quicker with a script:
 * - the "Tick all" link of the first column becomes a checkbox that ticks or unticks every row on the page
 *   (without the script, the link shows the page again with every row ticked);
 * - the "ticked rows" choice says how many are ticked, and a screen reader hears it (a live region);
 * - choosing "all N matching the filters" ticks the rows on the page, to show they are included; ticking or
 *   unticking a row by hand goes back to "the ticked rows";
 * - an action with nothing ticked is stopped with a message instead of a round trip to the server.
 * The server decides everything itself: this only saves clicks.
 */
(function () {
  "use strict";

  var form = document.getElementById("bulk");
  if (!form) {
    return;
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][name="ids"][form="bulk"]'));
  var ticked = form.querySelector("#scope-ticked");
  var matching = form.querySelector("#scope-matching");
  var count = form.querySelector("[data-ticked-count]");
  var status = form.querySelector(".bulk-status");
  var link = document.querySelector("a.tick-page");
  var all = null;

  function tickedRows() {
    return boxes.filter(function (box) { return box.checked; }).length;
  }

  function refresh() {
    var n = tickedRows();
    if (count) {
      count.textContent = "(" + n + ")";
    }
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
  }

  function tickEvery(checked) {
    boxes.forEach(function (box) { box.checked = checked; });
    refresh();
  }

  if (link) {
    all = document.createElement("input");
    all.type = "checkbox";
    all.id = "tick-page";
    all.setAttribute("aria-label", link.dataset.label);
    link.replaceWith(all);
    all.addEventListener("change", function () {
      tickEvery(all.checked);
      if (!all.checked && matching && matching.checked) {
        ticked.checked = true;
      }
    });
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      // A row ticked by hand means these rows, not the whole filtered list.
      if (matching && matching.checked) {
        ticked.checked = true;
      }
      refresh();
    });
  });

  if (matching) {
    matching.addEventListener("change", function () {
      if (matching.checked) {
        tickEvery(true);
      }
    });
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    var forBadges = button && button.hasAttribute("formaction");
    // No scope choice (a status no action applies to) leaves only the badges, for the ticked rows.
    if ((!ticked || ticked.checked || forBadges) && tickedRows() === 0) {
      event.preventDefault();
      status.textContent = form.dataset.noneTicked;
      status.classList.remove("visually-hidden");
    }
  });

  refresh();
})();
