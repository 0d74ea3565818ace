/*
 * The timetable editor: drag sessions (move, resize, to and from the tray), move them with the keys,
 * undo. Every change is saved through the session's move URL, the endpoint the move forms below the
 * grid post to, so the server checks it the same way (a room is never double-booked; a session
 * changed meanwhile is not overwritten) and the card then shows what the server saved. Without this
 * script the slot links, edit links and move forms do everything. Plain ES modules, no framework.
 */
import { Board, sameState } from "./timetable/board.js";
import { enableDragging } from "./timetable/drag.js";
import { enableKeyboard } from "./timetable/keys.js";
import { Undo } from "./timetable/undo.js";

const root = document.querySelector(".tt-workspace");

if (root) {
  const board = new Board(root);
  const undo = new Undo(board, root.querySelector(".tt-undo"), document.getElementById("tt-undo-what"));

  // Save a card's new state (shown at once); a saved change becomes the newest undo step.
  const commit = function (card, state) {
    card.classList.remove("tt-pending");
    board.place(card, state);
    if (sameState(state, board.stateOf(card)) && !board.isSaving(card)) { return; }
    board.save(card.dataset.moveUrl, state, card).then(function (result) {
      // Placing an unscheduled session is not undone: a move cannot take its time away again.
      if (result.ok && result.before && result.before.start) {
        undo.push({ id: card.dataset.id, url: card.dataset.moveUrl, title: card.dataset.title,
          before: result.before, sequence: result.session.sequence });
      }
    });
  };

  const keys = enableKeyboard(board, commit);
  undo.beforeUndo = keys.cancel;
  enableDragging(board, commit);

  // A card's details open beside it, on the side with room for them.
  const side = function (event) {
    const card = event.target.closest && event.target.closest(".tt-session");
    if (!card) { return; }
    const box = (card.parentNode === board.grid ? board.scroller : board.tray).getBoundingClientRect();
    const rect = card.getBoundingClientRect();
    const width = 17 * parseFloat(window.getComputedStyle(document.documentElement).fontSize);
    card.classList.toggle("tt-pop-left", box.right - rect.right < width && rect.left - box.left > box.right - rect.right);
  };
  root.addEventListener("pointerover", side);
  root.addEventListener("focusin", side);

  // With the grid working, the move forms are folded away (one click opens them), unless one is linked to.
  document.querySelectorAll(".tt-move-forms").forEach(function (details) {
    if (!window.location.hash.startsWith("#move-")) { details.open = false; }
  });
}
