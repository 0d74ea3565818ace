/*
 * Dragging with the mouse, a pen or a finger (pointer events):
 * - a card's body moves the session: another time (5-minute steps) or room, or into the tray;
 * - a card's lower edge (.tt-resize) changes only its end;
 * - a card in the tray goes onto the grid, keeping its length.
 * A dashed ghost shows where it will land, with the times; near an edge of the grid (or of the window)
 * the grid scrolls. `drop(card, state)` is called once, on release over a new place.
 * A finger that slides over a card scrolls the grid as usual; a finger held still on a card for a moment
 * picks it up (the card lifts), and then drags it like a mouse. A lifted card stays lifted when the finger
 * lets go without moving: it no longer scrolls (touch-action: none), so the next touch drags it at once,
 * however busy the phone is. A touch anywhere else puts it down.
 */
import { minutesBetween, sameState, snap } from "./board.js";

const THRESHOLD = 5; // pixels before a press becomes a drag, so clicks on links still work
const EDGE = 48; // pixels from an edge where scrolling starts
const SPEED = 18; // pixels per frame at the very edge
const DWELL = 250; // milliseconds near an edge before scrolling starts
const LONG_PRESS = 450; // milliseconds a finger rests on a card before it is picked up

export function enableDragging(board, drop) {
  let drag = null;
  let lifted = null; // the card a long press picked up, until it is dropped or put down

  function lift(card) {
    if (lifted && lifted !== card) { lifted.classList.remove("tt-lifted"); }
    lifted = card;
    if (card) { card.classList.add("tt-lifted"); }
  }

  function pressed(event) {
    const card = event.target.closest(".tt-session");
    if (lifted && card !== lifted) { lift(null); } // a touch elsewhere puts the lifted card down
    if (!card || event.button !== 0 || event.isPrimary === false) { return; }
    const resizing = event.target.classList.contains("tt-resize");
    const onGrid = card.parentNode === board.grid;
    const state = board.shownState(card);
    const pointer = board.minuteAtY(event.clientY);
    drag = {
      card: card, resizing: resizing, state: state, started: false,
      x0: event.clientX, y0: event.clientY, x: event.clientX, y: event.clientY,
      // An unscheduled session (no time yet, in the tray) lands an hour long.
      length: state.start ? minutesBetween(state.start, state.end) : 60, target: null, edgeSince: null,
      // Where on the card it was grabbed, so the card keeps its place under the pointer (fractional minutes).
      offset: onGrid ? pointer - board.minuteOf(resizing ? state.end : state.start) : 0
    };
    if (resizing) { event.preventDefault(); } // no text selection, no native drag
    if (event.pointerType === "touch" && !resizing && card !== lifted) {
      drag.waiting = true; // until the long press: a slide now is the grid scrolling, not a drag
      drag.timer = window.setTimeout(function () {
        if (!drag || drag.started) { return; }
        drag.waiting = false;
        drag.liftedNow = true;
        lift(drag.card);
        if (navigator.vibrate) { navigator.vibrate(15); }
      }, LONG_PRESS);
    }
  }

  function targetAt(x, y) {
    const tray = board.tray.getBoundingClientRect();
    if (!drag.resizing && x >= tray.left && x <= tray.right && y >= tray.top && y <= tray.bottom) {
      return { roomId: "", start: drag.state.start, end: drag.state.end };
    }
    const box = board.scroller.getBoundingClientRect();
    if (x < box.left || x > box.right || y < box.top || y > box.bottom) { return null; }
    const minute = snap(board.minuteAtY(y) - drag.offset);
    if (drag.resizing) {
      const start = board.minuteOf(drag.state.start);
      return { roomId: drag.state.roomId, start: drag.state.start,
        end: board.at(Math.min(board.last, Math.max(start + 5, minute))) };
    }
    const start = Math.max(board.first, Math.min(minute, board.last - drag.length));
    return { roomId: board.roomAtX(x).id, start: board.at(start), end: board.at(start + drag.length) };
  }

  function show(target) {
    drag.target = target;
    board.tray.classList.toggle("tt-target", Boolean(target && target.roomId === ""));
    if (!target || target.roomId === "") { board.ghost.hidden = true; return; }
    const area = board.gridArea(target);
    board.ghost.style.gridRow = area.row;
    board.ghost.style.gridColumn = area.column;
    board.ghost.firstElementChild.textContent = board.describe(target);
    board.ghost.classList.toggle("tt-conflict", board.conflict(drag.card, target) !== null);
    board.ghost.hidden = false;
  }

  // Scroll the grid while the pointer rests near one of its edges (a pointer only passing by does not
  // scroll), and the window when that edge of the grid is off screen.
  function autoScroll(now) {
    if (!drag || !drag.started) { return; }
    const box = board.scroller.getBoundingClientRect();
    const corner = board.grid.querySelector(".tt-corner").getBoundingClientRect(); // sticky room and time headers
    const header = corner.height;
    const top = Math.max(box.top + header, 0);
    const bottom = Math.min(box.bottom, window.innerHeight);
    const dy = speed(drag.y - top, -1) || speed(bottom - drag.y, 1);
    const dx = speed(drag.x - box.left - corner.width, -1) || speed(box.right - drag.x, 1);
    if (!dy && !dx) {
      drag.edgeSince = null;
    } else if (drag.edgeSince === null) {
      drag.edgeSince = now;
    } else if (now - drag.edgeSince > DWELL) {
      board.scroller.scrollBy(dx, dy);
      if ((dy < 0 && box.top + header < 0) || (dy > 0 && box.bottom > window.innerHeight)) { window.scrollBy(0, dy); }
      show(targetAt(drag.x, drag.y));
    }
    drag.frame = window.requestAnimationFrame(autoScroll);
  }

  function speed(distance, direction) {
    return distance >= 0 && distance < EDGE ? direction * Math.ceil(SPEED * (1 - distance / EDGE)) : 0;
  }

  function moved(event) {
    if (!drag) { return; }
    drag.x = event.clientX;
    drag.y = event.clientY;
    if (!drag.started) {
      if (Math.hypot(drag.x - drag.x0, drag.y - drag.y0) < THRESHOLD) { return; }
      if (drag.waiting) { window.clearTimeout(drag.timer); drag = null; return; } // a finger scrolling
      drag.started = true;
      document.documentElement.classList.add("tt-dragging");
      drag.card.classList.add("tt-moving");
      drag.frame = window.requestAnimationFrame(autoScroll);
    }
    event.preventDefault();
    show(targetAt(drag.x, drag.y));
  }

  function finish(cancelled) {
    const current = drag;
    drag = null;
    window.cancelAnimationFrame(current.frame);
    window.clearTimeout(current.timer);
    if (current.started) { lift(null); } // dropped (or cancelled): put down; a lifted card not moved stays up
    document.documentElement.classList.remove("tt-dragging");
    current.card.classList.remove("tt-moving");
    board.tray.classList.remove("tt-target");
    board.ghost.hidden = true;
    if (!current.started && !current.liftedNow) { return; }
    // The click that follows a drag (or the long press that lifted a card) must not open the session's form.
    const swallow = function (e) { e.preventDefault(); e.stopPropagation(); };
    window.addEventListener("click", swallow, true);
    window.setTimeout(function () { window.removeEventListener("click", swallow, true); }, 0);
    if (!current.started) { return; }
    if (!cancelled && current.target && !sameState(current.target, current.state)) {
      drop(current.card, current.target);
    }
  }

  board.root.addEventListener("pointerdown", pressed);
  document.addEventListener("pointermove", moved);
  document.addEventListener("pointerup", function (event) {
    if (drag) {
      if (drag.started) { drag.x = event.clientX; drag.y = event.clientY; show(targetAt(drag.x, drag.y)); }
      finish(false);
    }
  });
  document.addEventListener("pointercancel", function () { if (drag) { finish(true); } });
  // Once a card is lifted (or its handle held), the finger's moves are ours, not the page's scrolling; the
  // long press must not open the browser's menu for the card's link either.
  board.root.addEventListener("touchmove", function (event) {
    if (drag && !drag.waiting) { event.preventDefault(); }
  }, { passive: false });
  board.root.addEventListener("contextmenu", function (event) {
    if (drag && event.target.closest && event.target.closest(".tt-session")) { event.preventDefault(); }
  });
  document.addEventListener("keydown", function (event) {
    if (drag && event.key === "Escape") { finish(true); }
  });
  // Native dragging of links and text would fight with ours.
  board.root.addEventListener("dragstart", function (event) {
    if (event.target.closest && event.target.closest(".tt-session")) { event.preventDefault(); }
  });
}
