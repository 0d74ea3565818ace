/*
 * Undo for the last changes, several levels deep (the Undo button, Ctrl+Z or ⌘Z outside text fields).
 * Each saved change remembers where the session was before and the version (sequence) the change
 * produced. Undo saves the old place through the same move URL FROM that version, so a session that
 * someone changed since is refused by the server instead of being put back over their change.
 * The list is kept in sessionStorage for this event, so it survives a reload or a switch of day.
 */
const LEVELS = 30;

export class Undo {
  constructor(board, button, what) {
    this.board = board;
    this.button = button;
    this.what = what;
    this.key = "eventhub-timetable-undo:" + window.location.pathname;
    this.stack = this.load();
    this.chain = Promise.resolve();
    this.beforeUndo = function () { return false; };
    button.hidden = false;
    button.addEventListener("click", this.undo.bind(this));
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "z" &&
          !event.target.closest("input, textarea, select, [contenteditable]")) {
        event.preventDefault();
        this.undo();
      }
    }.bind(this));
    this.render();
  }

  load() {
    try {
      return JSON.parse(window.sessionStorage.getItem(this.key)) || [];
    } catch (error) {
      return [];
    }
  }

  store() {
    try {
      window.sessionStorage.setItem(this.key, JSON.stringify(this.stack));
    } catch (error) {
      // Private modes may refuse storage: undo still works until the page is left.
    }
    this.render();
  }

  render() {
    const last = this.stack[this.stack.length - 1];
    this.button.disabled = !last;
    this.what.hidden = !last;
    this.what.textContent = last ? this.board.say("tUndo", { title: last.title, where: this.board.describe(last.before) })
      : "";
  }

  // entry: {id, url, title, before: state, sequence: the session's version after the change}
  push(entry) {
    this.stack.push(entry);
    this.stack = this.stack.slice(-LEVELS);
    this.store();
  }

  undo() {
    if (this.beforeUndo()) { return; } // a keyboard change not saved yet is simply dropped
    this.chain = this.chain.then(this.undoOne.bind(this));
  }

  undoOne() {
    const board = this.board;
    const entry = this.stack[this.stack.length - 1];
    if (!entry) { board.announce(board.say("tNothing")); return null; }
    const card = board.card(entry.id);
    return board.save(entry.url, entry.before, card, entry.sequence).then(function (result) {
      if (result.ok) {
        this.stack.pop();
        // The change before this one (if the same session) now starts from the version the undo made.
        for (let i = this.stack.length - 1; i >= 0; i -= 1) {
          if (this.stack[i].id === entry.id) { this.stack[i].sequence = result.session.sequence; break; }
        }
        board.announce(board.say("tUndone", { what: board.message.textContent }));
        if (!card && (result.session.room_id === null || result.session.day === board.day)) {
          window.location.reload(); // it comes back onto this page, which has no card for it yet
        }
      } else if (result.reason === "changed" || result.reason === "invalid") {
        this.stack.pop(); // it can never be undone now; the server's message says why
      } // a room taken since: kept, so it can be undone once the room is free again
      this.store();
    }.bind(this));
  }
}
