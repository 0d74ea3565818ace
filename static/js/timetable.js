/*
 * Timetable editor: drag a session to another slot or room, drag its lower edge to change its end.
 * On drop it POSTs room_id, start, end to the session's data-move-url (the same endpoint the move
 * forms use) asking for JSON. 200: the page reloads. 409 (room taken) or 422: the session goes back
 * and the server's message is shown. Without this script the move forms and edit links do the same.
 * Plain JavaScript, pointer events (mouse, pen and touch).
 */
(function () {
  "use strict";

  var grid = document.querySelector(".tt-grid");
  if (!grid) { return; }
  var message = document.querySelector(".tt-message");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var slotMinutes = parseInt(grid.dataset.slotMinutes, 10) || 15;
  var THRESHOLD = 5; // pixels before a press becomes a drag, so clicks on links still work
  var drag = null;
  var drag0 = {}; // where the dragged session was, to put it back when the server refuses

  function slotAt(x, y) {
    var el = document.elementFromPoint(x, y);
    return el && el.closest ? el.closest(".tt-slot") : null;
  }

  function slotFor(roomId, index) {
    return grid.querySelector('.tt-slot[data-room-id="' + roomId + '"][data-index="' + index + '"]');
  }

  function addMinutes(local, minutes) {
    // "YYYY-MM-DDTHH:MM" wall clock, shifted without any timezone conversion (read as UTC on purpose).
    var d = new Date(local + ":00Z");
    d.setUTCMinutes(d.getUTCMinutes() + minutes);
    return d.toISOString().slice(0, 16);
  }

  function show(text) {
    message.textContent = text;
    message.hidden = false;
  }

  function mark(slot) {
    var old = grid.querySelector(".tt-target");
    if (old) { old.classList.remove("tt-target"); }
    if (slot) { slot.classList.add("tt-target"); }
  }

  function post(session, roomId, start, end) {
    var body = new FormData();
    body.append("csrf_token", csrf);
    body.append("room_id", roomId);
    body.append("start", start);
    body.append("end", end);
    return fetch(session.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          window.location.reload();
        } else {
          session.style.gridRow = drag0.gridRow;
          session.style.gridColumn = drag0.gridColumn;
          show(data.message || response.statusText);
        }
      });
    }).catch(function () {
      session.style.gridRow = drag0.gridRow;
      session.style.gridColumn = drag0.gridColumn;
      show(message.dataset.failed || "The change could not be saved.");
    });
  }

  function onDown(event) {
    var session = event.target.closest(".tt-session");
    if (!session || event.button !== 0) { return; }
    var resizing = event.target.classList.contains("tt-resize");
    var rect = session.getBoundingClientRect();
    var rows = parseInt(session.dataset.rows, 10);
    drag = {
      session: session, resizing: resizing, x: event.clientX, y: event.clientY, started: false,
      // Which of the session's slots was grabbed, so the drop keeps it under the pointer.
      grabbed: Math.min(rows - 1, Math.floor((event.clientY - rect.top) / (rect.height / rows)))
    };
    drag0 = { gridRow: session.style.gridRow, gridColumn: session.style.gridColumn };
  }

  function target(event) {
    var slot = slotAt(event.clientX, event.clientY);
    if (!slot) { return null; }
    if (drag.resizing) {
      return slot;
    }
    var index = parseInt(slot.dataset.index, 10) - drag.grabbed;
    return slotFor(slot.dataset.roomId, Math.max(1, index));
  }

  function onMove(event) {
    if (!drag) { return; }
    if (!drag.started) {
      if (Math.abs(event.clientX - drag.x) + Math.abs(event.clientY - drag.y) < THRESHOLD) { return; }
      drag.started = true;
      grid.classList.add("tt-dragging");
      drag.session.classList.add("tt-moving");
    }
    event.preventDefault();
    mark(target(event));
  }

  function onUp(event) {
    if (!drag) { return; }
    var current = drag;
    // Find the slot while sessions still let the pointer through to the slots beneath them.
    var slot = current.started ? target(event) : null;
    grid.classList.remove("tt-dragging");
    current.session.classList.remove("tt-moving");
    mark(null);
    if (!current.started) { drag = null; return; }
    // The click that follows a drag must not open the session's edit link.
    var swallow = function (e) { e.preventDefault(); };
    current.session.addEventListener("click", swallow, true);
    setTimeout(function () { current.session.removeEventListener("click", swallow, true); }, 0);
    drag = null;
    if (!slot) { return; }
    var session = current.session;
    var rows = parseInt(session.dataset.rows, 10);
    var roomId, start, end;
    if (current.resizing) {
      // The end follows the slot under the pointer, in the session's own column, at least one slot long.
      var startSlot = slotFor(session.dataset.roomId, parseInt(session.dataset.row, 10));
      if (!startSlot) { return; }
      roomId = startSlot.dataset.roomId;
      start = startSlot.dataset.start;
      var last = Math.max(parseInt(slot.dataset.index, 10), parseInt(session.dataset.row, 10));
      end = addMinutes(start, (last - parseInt(session.dataset.row, 10) + 1) * slotMinutes);
      session.style.gridRow = (parseInt(session.dataset.row, 10) + 1) + " / " + (last + 2);
    } else {
      roomId = slot.dataset.roomId;
      start = slot.dataset.start;
      end = addMinutes(start, rows * slotMinutes);
      session.style.gridRow = (parseInt(slot.dataset.index, 10) + 1) + " / span " + rows;
      session.style.gridColumn = slot.style.gridColumn;
    }
    post(session, roomId, start, end);
  }

  grid.addEventListener("pointerdown", onDown);
  document.addEventListener("pointermove", onMove);
  document.addEventListener("pointerup", onUp);
  // Native link dragging would fight with ours.
  grid.addEventListener("dragstart", function (e) { e.preventDefault(); });
})();
