/* The check-in scanner: camera (jsQR) and keyboard-wedge input, one answer per scan, and no scan lost
   when the venue's network drops.

   Online, each scan is posted to the server, which decides (exactly once, earliest scan wins).
   Offline, the page checks the code against the data it downloaded (SHA-256 digests of valid codes,
   never the codes), answers at once, and keeps the scan in IndexedDB with its own id and time; the
   queue is replayed when the network is back, and the server's unique scan id makes a replay that
   already landed harmless. */
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) { return; }
  var text = root.dataset;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var stationInput = document.getElementById("station");
  var codeForm = document.getElementById("code-form");
  var codeInput = document.getElementById("code");
  var answerBox = document.getElementById("answer");
  var lastScan = document.getElementById("last-scan");
  var network = document.getElementById("network");
  var countLabel = document.getElementById("station-count");
  var STATION_KEY = "eventhub.checkin.station";
  var ANSWER_MS = 2200, SAME_CODE_MS = 3000, TIMEOUT_MS = 4000, REFRESH_MS = 60000, REPLAY_MS = 10000;
  var offlineData = null, lastCode = null, lastCodeAt = 0, hideTimer = null;

  /* --- the station, chosen once and remembered on this device --------------------------------- */
  var stored = localStorage.getItem(STATION_KEY) || "";
  if (!stationInput.value && stored) {
    var url = new URL(location.href);
    url.searchParams.set("station", stored);
    location.replace(url.toString());  // the server then counts this station's check-ins
    return;
  }
  if (stationInput.value) { localStorage.setItem(STATION_KEY, stationInput.value.trim()); }
  function station() { return stationInput.value.trim(); }

  /* --- answers ---------------------------------------------------------------------------------- */
  function show(status, title, who, detail) {
    answerBox.className = "answer " + status;
    answerBox.querySelector(".answer-title").textContent = title;
    answerBox.querySelector(".answer-who").textContent = who || "";
    answerBox.querySelector(".answer-detail").textContent = detail || "";
    answerBox.hidden = false;
    lastScan.dataset.checkinStatus = status;
    lastScan.textContent = [title, who, detail].filter(Boolean).join(" · ");
    beep(status);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { answerBox.hidden = true; }, ANSWER_MS);
  }

  function showServerAnswer(body) {
    var person = body.attendee;
    var who = person ? person.full_name : "";
    if (body.status === "ok") {
      var detail = person ? [person.position, person.organisation, person.category_label].filter(Boolean).join(" · ") : "";
      show("ok", text.textWelcome, who, detail);
    } else if (body.status === "duplicate") {
      show("duplicate", text.textDuplicate, who, body.message);
    } else {
      show("invalid", text.textInvalid, who, body.message);
    }
    if (typeof body.station_count === "number") { setCount(body.station_count); }
  }

  // The page's language decides which counts are singular (French says "0 enregistrement", English "0 check-ins").
  var language = document.documentElement.lang || "en";
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(language) : null;
  function setCount(n) {
    countLabel.dataset.count = String(n);
    var one = plurals ? plurals.select(n) === "one" : n === 1;
    countLabel.textContent = (one ? countLabel.dataset.one : countLabel.dataset.many).replace("{n}", n.toLocaleString(language));
  }

  var audio = null;
  function beep(status) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = { ok: [880], duplicate: [660, 660], invalid: [220] }[status] || [440];
      tones.forEach(function (frequency, i) {
        var oscillator = audio.createOscillator(), gain = audio.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.value = 0.15;
        oscillator.connect(gain).connect(audio.destination);
        var start = audio.currentTime + i * 0.18;
        oscillator.start(start);
        oscillator.stop(start + (status === "invalid" ? 0.45 : 0.12));
      });
    } catch (ignored) { /* no sound is no reason to miss a scan */ }
  }

  /* --- the queue of scans not yet confirmed by the server (IndexedDB) ---------------------------- */
  var dbPromise = new Promise(function (resolve, reject) {
    if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
    var request = indexedDB.open("eventhub-checkin", 1);
    request.onupgradeneeded = function () { request.result.createObjectStore("queue", { keyPath: "scan_id" }); };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("queue", mode);
        var result = work(transaction.objectStore("queue"));
        transaction.oncomplete = function () { resolve(result && result.result); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }
  function enqueue(scan) { return store("readwrite", function (queue) { queue.put(scan); }); }
  function dequeue(id) { return store("readwrite", function (queue) { queue.delete(id); }); }
  function queued() { return store("readonly", function (queue) { return queue.getAll(); }); }

  function updateNetwork() {
    return queued().then(function (scans) {
      var mine = scans.filter(function (s) { return s.event === text.event; });
      var offline = mine.length > 0 || !navigator.onLine;
      network.classList.toggle("offline", offline);
      network.textContent = offline ? text.textOffline.replace("{n}", mine.length) : text.textOnline;
    }).catch(function () { network.textContent = navigator.onLine ? text.textOnline : text.textOffline.replace("{n}", "?"); });
  }

  /* --- sending ----------------------------------------------------------------------------------- */
  function post(scan) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    return fetch(root.dataset.scanUrl, {
      method: "POST", credentials: "same-origin", signal: controller.signal,
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ code: scan.code, station: scan.station, scanned_at: scan.scanned_at, scan_id: scan.scan_id })
    }).then(function (response) {
      clearTimeout(timer);
      if (response.status >= 500) { throw new Error("server " + response.status); }
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    });
  }

  // Whether the server has decided a scan: stored it (200), or refused what was sent (422). Anything else
  // (signed out, a stale form token after signing in again, too many requests) leaves it in the queue.
  function decided(status) { return status === 200 || status === 422; }

  function notDecided(status) {
    var signedOut = status === 401 || status === 403;
    show("duplicate", signedOut ? text.textSignedOut : text.textReload, "", text.textKept);
  }

  function newScanId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  function onCode(raw) {
    var code = (raw || "").replace(/\s+/g, "").toUpperCase();
    if (!code) { return; }
    var now = Date.now();
    if (code === lastCode && now - lastCodeAt < SAME_CODE_MS) { return; }  // the camera sees a badge many times a second
    lastCode = code; lastCodeAt = now;
    if (!station()) { stationInput.focus(); stationInput.reportValidity(); return; }
    var scan = { scan_id: newScanId(), code: code, station: station(), scanned_at: new Date().toISOString(), event: text.event };
    // Kept first, so a scan is never lost between the camera and the server.
    var kept = enqueue(scan).catch(function () { return null; });
    kept.then(function () { return post(scan); }).then(function (reply) {
      if (!decided(reply.status)) { notDecided(reply.status); updateNetwork(); return; }
      dequeue(scan.scan_id).catch(function () {});
      if (reply.status === 200) { showServerAnswer(reply.body); } else { show("invalid", text.textInvalid, "", reply.body.message); }
      updateNetwork();
    }).catch(function () {
      answerOffline(scan);
      updateNetwork();
    });
  }

  /* --- offline: answer from the downloaded data ---------------------------------------------------- */
  function refreshData() {
    if (!navigator.onLine) { return; }
    fetch(root.dataset.dataUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { offlineData = data; } })
      .catch(function () {});
  }

  function digest(code) {
    if (!(window.crypto && crypto.subtle)) { return Promise.resolve(null); }
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)).then(function (buffer) {
      return Array.from(new Uint8Array(buffer)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    });
  }

  function answerOffline(scan) {
    digest(scan.code).then(function (hex) {
      var person = hex && offlineData ? offlineData.badges[hex] : null;
      if (!hex || !offlineData) { show("duplicate", text.textOffline.replace("{n}", "…"), "", text.textQueuedOnly); return; }
      if (!person) { show("invalid", text.textInvalid, "", text.textUnknown); return; }
      if (person["in"]) {
        show("duplicate", text.textDuplicate, person.n, person["in"].station + " · " + person["in"].at.slice(11, 16));
        return;
      }
      person["in"] = { at: scan.scanned_at, station: scan.station };
      show("ok", text.textWelcome, person.n, [person.p, person.o, person.c].filter(Boolean).join(" · "));
    });
  }

  function replay() {
    if (!navigator.onLine) { return; }
    queued().then(function (scans) {
      return scans.filter(function (s) { return s.event === text.event; }).reduce(function (chain, scan) {
        return chain.then(function () {
          return post(scan).then(function (reply) {
            if (decided(reply.status)) { return dequeue(scan.scan_id); }
            notDecided(reply.status);
          });
        });
      }, Promise.resolve());
    }).catch(function () {}).then(updateNetwork);
  }

  /* --- inputs: camera, keyboard wedge, station -------------------------------------------------- */
  codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    onCode(codeInput.value);
    codeInput.value = "";
    codeInput.focus();
  });
  document.getElementById("station-form").addEventListener("submit", function () {
    localStorage.setItem(STATION_KEY, station());
  });

  function startCamera() {
    var note = document.getElementById("camera-note");
    if (!window.isSecureContext) { note.textContent = text.textInsecure; return; }
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) || typeof jsQR !== "function") {
      note.textContent = text.textNoCamera; return;
    }
    var video = document.getElementById("camera");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      function frame() {
        if (video.readyState >= 2 && video.videoWidth) {
          // A third of the frame's pixels is plenty for a badge held up to the camera, and three times faster.
          var scale = Math.min(1, 640 / video.videoWidth);
          canvas.width = Math.round(video.videoWidth * scale);
          canvas.height = Math.round(video.videoHeight * scale);
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          if (found && found.data) { onCode(found.data); }
        }
        requestAnimationFrame(frame);
      }
      requestAnimationFrame(frame);
    }).catch(function (error) {
      note.textContent = text.textNoCamera + " (" + error.name + ")";
    });
  }

  window.addEventListener("online", function () { refreshData(); replay(); });
  window.addEventListener("offline", updateNetwork);
  setInterval(refreshData, REFRESH_MS);
  setInterval(replay, REPLAY_MS);
  refreshData();
  replay();
  if (document.readyState === "complete") { startCamera(); } else { window.addEventListener("load", startCamera); }
})();
