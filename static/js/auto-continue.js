/*
 * A long action done in rounds (the registrations' bulk actions): the page of one round sends the form
 * of the next by itself. Without this script, the page's Continue button does the same.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-auto-continue]");
  if (form) {
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    form.submit();
  }
})();
