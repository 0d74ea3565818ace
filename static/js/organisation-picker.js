/*
 * Type-ahead: turns <input data-typeahead="URL" data-target="ID"> (or the registration form's
 * data-organisation-picker="URL") into an ARIA 1.2 combobox with a list box of what URL?q=… answers:
 * a JSON list of {id, name, local_name?, country? | detail?} (member records, an event's registrants).
 * Choosing one fills the hidden input named by data-target with its id. Without this script the form
 * still works: the server resolves the typed name itself.
 *
 * Keys: Down/Up move through the matches, Enter chooses, Escape closes the list.
 * Messages for screen readers come from data-found ("{count}" is replaced) and data-none.
 */
(function () {
  "use strict";

  var DELAY_MS = 200;
  var pickers = 0;

  function setup(input) {
    var hidden = document.getElementById(input.dataset.target);
    var notListed = input.dataset.notListed ? document.getElementById(input.dataset.notListed) : null;
    var url = input.dataset.typeahead || input.dataset.organisationPicker;
    var listId = "typeahead-options-" + (++pickers);
    var listbox = document.createElement("ul");
    var announcer = document.createElement("div");
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;

    listbox.id = listId;
    listbox.hidden = true;
    listbox.setAttribute("role", "listbox");
    if (input.labels && input.labels.length) {
      listbox.setAttribute("aria-label", input.labels[0].textContent.replace("*", "").trim());
    }
    announcer.className = "visually-hidden";
    announcer.setAttribute("role", "status");
    input.parentNode.appendChild(listbox);
    input.parentNode.appendChild(announcer);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    function open() {
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var options = listbox.querySelectorAll('[role="option"]');
      if (!options.length) {
        return;
      }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var item = items[index];
      input.value = item.name;
      hidden.value = String(item.id);
      if (notListed) {
        notListed.checked = false;
      }
      close();
    }

    function option(item, index) {
      var li = document.createElement("li");
      li.id = listId + "-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      // Each name isolated (dir=auto): an Arabic name beside a Latin address keeps its own order.
      var name = document.createElement("span");
      name.dir = "auto";
      name.textContent = item.name;
      li.appendChild(name);
      if (item.local_name && item.local_name !== item.name) {
        var local = document.createElement("span");
        local.dir = "auto";
        local.textContent = item.local_name;
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(local);
      }
      // What tells two matches apart: a registrant's organisation and address, a record's country.
      var detail = document.createElement("small");
      detail.dir = "auto";
      detail.textContent = item.detail ? " — " + item.detail : " (" + item.country + ")";
      li.appendChild(detail);
      // mousedown, not click: it comes before the input's blur closes the list.
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(index);
      });
      return li;
    }

    function show(results) {
      items = results;
      listbox.textContent = "";
      results.forEach(function (item, index) {
        listbox.appendChild(option(item, index));
      });
      if (results.length) {
        open();
        announcer.textContent = (input.dataset.found || "{count}").replace("{count}", results.length);
      } else {
        close();
        announcer.textContent = input.dataset.none || "";
      }
    }

    function search() {
      var term = input.value.trim();
      var request = ++latest;
      if (!term) {
        show([]);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(term), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (results) {
          // Answers can arrive out of order; only the newest one counts.
          if (request === latest) {
            show(results);
          }
        })
        .catch(function () {
          // Offline or rate-limited: the server still resolves the typed name on submit.
          close();
        });
    }

    input.addEventListener("input", function () {
      // Typing makes any earlier pick stale.
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) {
          return;
        }
        event.preventDefault();
        open();
        highlight(event.key === "ArrowDown" ? active + 1 : (active < 0 ? -1 : active - 1));
      } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && !listbox.hidden) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  document.querySelectorAll("input[data-typeahead], input[data-organisation-picker]").forEach(setup);
})();
