/*
 * The timetable board: where things are on the page, putting a card where a session is, and saving a
 * change through the session's move URL (the endpoint the move forms post to).
 *
 * A "state" is {roomId, start, end}: roomId "" is the tray (no room); start and end are the event's
 * wall clock as "YYYY-MM-DDTHH:MM". A card's data-* attributes always hold its last SAVED state
 * (stateOf); where it is SHOWN (shownState) differs while it is moved with the keys or being saved,
 * and the next change starts from there.
 */

const ROW = 5; // minutes per grid row

// The page gives every phrase in the visitor's language (data-t-* on the workspace); these English ones
// are only a last resort, for a page rendered before a phrase was added.
const ENGLISH = {
  tNoRoom: "No room",
  tUndo: "Undo puts “{title}” back at {where}.",
  tUndone: "Undone: {what}",
  tNothing: "Nothing to undo.",
  tCancelled: "Not saved; back at {where}.",
  tTaken: "{where} — the room is taken then: this will be refused",
};

// Wall-clock arithmetic on "YYYY-MM-DDTHH:MM" strings, read as UTC on purpose: the browser's own
// timezone (and its daylight-saving days) must never shift the event's times.
export function addMinutes(local, minutes) {
  const d = new Date(local + ":00Z");
  d.setUTCMinutes(d.getUTCMinutes() + minutes);
  return d.toISOString().slice(0, 16);
}

export function minutesBetween(from, to) {
  return Math.round((new Date(to + ":00Z") - new Date(from + ":00Z")) / 60000);
}

export function sameState(a, b) {
  return a.roomId === b.roomId && a.start === b.start && a.end === b.end;
}

export function snap(minutes) {
  return Math.round(minutes / ROW) * ROW;
}

// Whole lines of title that fit above the time line of a card `rows` rows high (as _session_card.html).
function titleLines(rows) {
  return Math.max(1, Math.floor((rows * 0.7 - 0.2) / 1.2) - 1);
}

export class Board {
  constructor(root) {
    this.root = root;
    this.grid = root.querySelector(".tt-grid");
    this.scroller = root.querySelector(".tt-scroll");
    this.tray = root.querySelector(".tt-tray");
    this.trayItems = root.querySelector(".tt-tray-items");
    this.ghost = root.querySelector(".tt-ghost");
    this.message = root.querySelector(".tt-message");
    this.text = root.dataset; // translated phrases: data-t-*
    this.day = this.grid.dataset.day;
    this.first = parseInt(this.grid.dataset.first, 10);
    this.last = this.first + parseInt(this.grid.dataset.rows, 10) * ROW;
    this.rooms = Array.prototype.map.call(root.querySelectorAll(".tt-room"), function (el, n) {
      return { id: el.dataset.roomId, name: el.dataset.room, column: n + 2, el: el };
    });
    this.csrf = document.querySelector('meta[name="csrf-token"]').content;
    this.queue = Promise.resolve();
    this.shown = new WeakMap(); // card -> the state it shows
    this.saving = new WeakMap(); // card -> how many of its saves are queued or on their way
  }

  card(id) {
    return document.getElementById("session-" + id);
  }

  stateOf(card) {
    return { roomId: card.dataset.roomId, start: card.dataset.start, end: card.dataset.end };
  }

  shownState(card) {
    return this.shown.get(card) || this.stateOf(card);
  }

  isSaving(card) {
    return (this.saving.get(card) || 0) > 0;
  }

  room(roomId) {
    return this.rooms.find(function (r) { return r.id === roomId; }) || null;
  }

  // A phrase of the page with its {placeholders} filled in: say("tUndo", {title: "…", where: "…"}).
  say(name, values) {
    let text = this.text[name] || ENGLISH[name] || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  roomName(roomId) {
    const room = this.room(roomId);
    return room ? room.name : this.say("tNoRoom");
  }

  // Minutes after the shown day's midnight (may be negative or past 1440 for other days).
  minuteOf(local) {
    return minutesBetween(this.day + "T00:00", local);
  }

  at(minute) {
    return addMinutes(this.day + "T00:00", minute);
  }

  // "09:00–10:30": 24-hour, like the time axis and the server's labels.
  times(state) {
    return state.start.slice(11, 16) + "–" + state.end.slice(11, 16);
  }

  describe(state) {
    return this.times(state) + ", " + this.roomName(state.roomId);
  }

  // Pixels of one 5-minute row and the top of the first row, measured (zoom and font size change them).
  rowPixels() {
    const time = this.grid.querySelector(".tt-time");
    return time.getBoundingClientRect().height / 3;
  }

  bodyTop() {
    return this.grid.querySelector(".tt-time").getBoundingClientRect().top;
  }

  // The minute (fractional) under a point of the screen, and the room whose column is under it.
  minuteAtY(y) {
    return this.first + (y - this.bodyTop()) / this.rowPixels() * ROW;
  }

  roomAtX(x) {
    let found = this.rooms[0];
    this.rooms.forEach(function (room) {
      if (x >= room.el.getBoundingClientRect().left) { found = room; }
    });
    return found;
  }

  gridArea(state) {
    const room = this.room(state.roomId);
    const from = Math.max(this.first, this.minuteOf(state.start));
    const to = Math.min(this.minuteOf(state.end), 24 * 60);
    const row = Math.floor((from - this.first) / ROW) + 2;
    const rowEnd = Math.max(row + 1, Math.ceil((to - this.first) / ROW) + 2);
    return { row: row + " / " + rowEnd, rows: rowEnd - row, column: String(room ? room.column : 2) };
  }

  onGrid(state) {
    return state.roomId !== "" && this.room(state.roomId) !== null && state.start.slice(0, 10) === this.day;
  }

  // Another live session on the grid in the same room at an overlapping time: the server will refuse it.
  conflict(card, state) {
    if (state.roomId === "") { return null; }
    const cards = this.grid.querySelectorAll(".tt-session");
    for (let i = 0; i < cards.length; i += 1) {
      const other = cards[i];
      if (other !== card && other.dataset.roomId === state.roomId && other.dataset.status !== "cancelled" &&
          other.dataset.start < state.end && state.start < other.dataset.end) {
        return other;
      }
    }
    return null;
  }

  // Show a card where `state` says: in the tray, on the grid, or nowhere (another day).
  place(card, state) {
    const focused = card.contains(document.activeElement);
    this.shown.set(card, state);
    if (state.roomId === "") {
      if (card.parentNode !== this.trayItems) { this.trayItems.appendChild(card); }
      card.style.gridRow = card.style.gridColumn = "";
    } else if (this.onGrid(state)) {
      if (card.parentNode !== this.grid) { this.grid.insertBefore(card, this.ghost); }
      const area = this.gridArea(state);
      card.style.gridRow = area.row;
      card.style.gridColumn = area.column;
      card.style.setProperty("--tt-lines", String(titleLines(area.rows)));
    } else {
      card.remove();
    }
    card.classList.toggle("tt-conflict", this.conflict(card, state) !== null);
    card.querySelectorAll(".tt-times").forEach(function (el) { el.textContent = this.times(state); }, this);
    this.root.querySelector(".tt-tray-count").textContent = "(" + this.trayItems.children.length + ")";
    if (focused && card.isConnected) { card.querySelector(".tt-title").focus({ preventScroll: true }); }
  }

  // Record where the server says a session is (and its version, for the next change).
  record(card, session) {
    card.dataset.roomId = session.room_id === null ? "" : String(session.room_id);
    card.dataset.start = session.start;
    card.dataset.end = session.end;
    card.dataset.sequence = String(session.sequence);
    card.querySelectorAll(".tt-day").forEach(function (el) { el.textContent = session.day_label; });
    this.syncForm(session);
  }

  // The session's move form below the grid shows the same as the card.
  syncForm(session) {
    const item = document.getElementById("move-" + session.id);
    if (!item) { return; }
    const form = item.querySelector("form");
    item.querySelector(".tt-list-when").textContent = session.times;
    item.querySelector(".tt-list-room").textContent = session.room;
    form.elements.room_id.value = session.room_id === null ? "" : String(session.room_id);
    form.elements.start.value = session.start;
    form.elements.duration.value = String(minutesBetween(session.start, session.end));
    form.elements.sequence.value = String(session.sequence);
  }

  markClashes(clashes) {
    document.querySelectorAll(".tt-session").forEach(function (card) {
      const found = clashes[card.dataset.id] || [];
      card.classList.toggle("tt-has-clash", found.length > 0);
      card.classList.toggle("tt-has-error", found.some(function (clash) { return clash.severity === "error"; }));
      card.querySelector(".tt-flag").hidden = found.length === 0;
      const list = card.querySelector(".tt-clashes");
      list.textContent = "";
      found.forEach(function (clash) {
        const item = document.createElement("li");
        item.className = "tt-clash tt-clash-" + clash.severity;
        item.textContent = "⚠ " + clash.message;
        list.appendChild(item);
      });
    });
  }

  summarise(data) {
    const summary = document.getElementById("tt-clash-summary");
    summary.textContent = "";
    if (data.errors + data.warnings > 0) {
      const link = document.createElement("a");
      link.href = summary.dataset.clashesUrl;
      link.textContent = data.summary;
      summary.appendChild(link);
    } else {
      summary.textContent = data.summary;
    }
  }

  announce(text, isError) {
    this.message.classList.toggle("tt-error", Boolean(isError));
    this.message.textContent = text;
  }

  /*
   * Save a state, one request at a time in the order asked (a drag, then an undo at once, land in that
   * order). `sequence` is the version the change starts from (default: the card's saved one); the server
   * refuses it if the session changed since. Resolves to {ok, before, session}; the card always ends
   * where the server says the session is.
   */
  save(url, state, card, sequence) {
    const board = this;
    if (card) {
      board.saving.set(card, (board.saving.get(card) || 0) + 1);
      card.classList.add("tt-saving");
    }
    const run = function () {
      const before = card ? board.stateOf(card) : null;
      const body = new FormData();
      body.append("csrf_token", board.csrf);
      body.append("room_id", state.roomId);
      body.append("start", state.start);
      body.append("end", state.end);
      body.append("sequence", sequence !== undefined ? String(sequence) : card.dataset.sequence);
      return fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": board.csrf }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return board.answered(card, response.ok, data, before);
        });
      }).catch(function () {
        if (card && board.saving.get(card) <= 1) { board.place(card, board.stateOf(card)); }
        board.announce(board.message.dataset.failed, true);
        return { ok: false, before: before, session: null };
      }).finally(function () {
        if (!card) { return; }
        board.saving.set(card, board.saving.get(card) - 1);
        if (!board.isSaving(card)) { card.classList.remove("tt-saving"); }
      });
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  // A card shows where the server says, unless another change of it is already on its way.
  answered(card, ok, data, before) {
    if (card && data.session) {
      this.record(card, data.session);
    }
    if (card && (this.saving.get(card) || 0) <= 1) {
      this.place(card, this.stateOf(card));
    }
    if (ok) { this.markClashes(data.clashes); this.summarise(data); }
    this.announce(data.message || this.message.dataset.failed, !ok);
    return { ok: ok, before: before, session: data.session || null, reason: data.reason };
  }
}
