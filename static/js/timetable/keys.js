/*
 * Moving a focused session with the keyboard (focus is on its title link):
 *   ↑ ↓          5 minutes earlier / later
 *   ← →          the room before / after; left of the first room is the tray (no room)
 *   Shift + ↑ ↓  the end 5 minutes earlier / later
 *   Esc          put it back where it was before these presses
 *   Enter        the link: the session's form
 * Each step is shown and announced at once; the change is saved after a short pause (or when the
 * focus leaves the card), so six presses of ↓ make one save and one undo step, not six.
 */
import { minutesBetween } from "./board.js";

const PAUSE = 700; // milliseconds without a key before saving

export function enableKeyboard(board, commit) {
  let pending = null; // {card, state, timer}

  function flush() {
    if (!pending) { return; }
    const current = pending;
    pending = null;
    window.clearTimeout(current.timer);
    commit(current.card, current.state);
  }

  // Drop a change not saved yet; true when there was one.
  function cancel() {
    if (!pending) { return false; }
    const current = pending;
    pending = null;
    window.clearTimeout(current.timer);
    current.card.classList.remove("tt-pending");
    board.place(current.card, current.from);
    board.announce(board.say("tCancelled", { where: board.describe(current.from) }));
    return true;
  }

  function clamp(start, length) {
    return Math.max(board.first, Math.min(start, board.last - length));
  }

  // The state one key press away from `state`, or null when the key does nothing there.
  function step(state, key, shift) {
    const length = minutesBetween(state.start, state.end);
    const start = board.minuteOf(state.start);
    const index = board.rooms.findIndex(function (r) { return r.id === state.roomId; });
    if (state.roomId === "" || !board.onGrid(state)) {
      if (key !== "ArrowRight") { return null; }
      // Into the first room, at its own time when it is on this day, else at the same hour of this day.
      const minute = clamp(state.start.slice(0, 10) === board.day ? start : ((start % 1440) + 1440) % 1440, length);
      return { roomId: board.rooms[0].id, start: board.at(minute), end: board.at(minute + length) };
    }
    if (key === "ArrowLeft" || key === "ArrowRight") {
      const next = index + (key === "ArrowLeft" ? -1 : 1);
      if (next >= board.rooms.length) { return null; }
      return { roomId: next < 0 ? "" : board.rooms[next].id, start: state.start, end: state.end };
    }
    const delta = key === "ArrowUp" ? -5 : 5;
    if (shift) {
      const end = board.minuteOf(state.end) + delta;
      if (end <= start || end > board.last) { return null; }
      return { roomId: state.roomId, start: state.start, end: board.at(end) };
    }
    const moved = clamp(start + delta, length);
    return { roomId: state.roomId, start: board.at(moved), end: board.at(moved + length) };
  }

  board.root.addEventListener("keydown", function (event) {
    const card = event.target.closest(".tt-session");
    if (!card || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.key === "Escape") { if (pending && pending.card === card) { event.preventDefault(); cancel(); } return; }
    if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].indexOf(event.key) < 0) { return; }
    event.preventDefault(); // the arrows move the session, not the page
    if (pending && pending.card !== card) { flush(); }
    const shown = pending ? pending.state : board.shownState(card);
    // An unscheduled session (no time yet) starts from the top of the day shown, an hour long.
    const from = shown.start ? shown : { roomId: "", start: board.at(board.first), end: board.at(board.first + 60) };
    const next = step(from, event.key, event.shiftKey);
    if (!next) { return; }
    window.clearTimeout(pending && pending.timer);
    pending = { card: card, state: next, from: pending ? pending.from : from, timer: window.setTimeout(flush, PAUSE) };
    card.classList.add("tt-pending");
    board.place(card, next);
    card.scrollIntoView({ block: "nearest", inline: "nearest" });
    const where = board.describe(next);
    board.announce(board.conflict(card, next) ? board.say("tTaken", { where: where }) : where);
  });

  // Leaving the card saves what is pending; moving it between the tray and the grid refocuses it at once.
  board.root.addEventListener("focusout", function (event) {
    const card = event.target.closest(".tt-session");
    if (!pending || pending.card !== card) { return; }
    window.setTimeout(function () {
      if (pending && pending.card === card && !card.contains(document.activeElement)) { flush(); }
    }, 0);
  });

  return { flush: flush, cancel: cancel };
}
