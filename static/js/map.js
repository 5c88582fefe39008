// The journey map: drag a touchpoint card to another place or phase.
// Dropping calls PATCH /api/touchpoints/<id> with {phase_id, position}, then reloads the page.
// Without JavaScript (or without a mouse) the arrow buttons on each card do the same through plain forms.
(function () {
  "use strict";

  var map = document.querySelector(".journey-map");
  var alertBox = document.getElementById("map-alert");
  var MOVED_KEY = "journeymail:moved-touchpoint";

  // Print button and drag hint only make sense with JavaScript.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-js-hint]").forEach(function (hint) { hint.hidden = false; });

  function showError(message) {
    if (!alertBox) { window.alert(message); return; }
    alertBox.querySelector(".map-alert-text").textContent = message;  // text, never HTML
    alertBox.hidden = false;
    alertBox.querySelector("[data-dismiss]").focus({ preventScroll: true });
  }
  if (alertBox) {
    alertBox.querySelector("[data-dismiss]").addEventListener("click", function () { alertBox.hidden = true; });
    alertBox.addEventListener("keydown", function (event) { if (event.key === "Escape") alertBox.hidden = true; });
  }

  if (!map) return;

  // After a successful move the page reloads; point the eye at the card that moved.
  var moved = null;
  try { moved = window.sessionStorage.getItem(MOVED_KEY); window.sessionStorage.removeItem(MOVED_KEY); } catch (e) { /* storage off */ }
  if (moved) {
    var card = document.getElementById("touchpoint-" + moved);
    if (card) {
      card.classList.add("just-moved");
      card.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  // /api/touchpoints/0 from url_for, so the app may live under a URL prefix.
  var apiTemplate = map.dataset.apiTouchpoint || "/api/touchpoints/0";
  function apiUrl(id) { return apiTemplate.replace(/0$/, String(id)); }

  var dragged = null;     // the card being dragged
  var origin = null;      // {phaseId, index} where it started
  var indicator = document.createElement("div");
  indicator.className = "drop-indicator";
  indicator.setAttribute("aria-hidden", "true");

  function cardsIn(zone) {
    return Array.prototype.filter.call(zone.querySelectorAll(".tp-card"), function (c) { return c !== dragged; });
  }

  // Where in `zone` a drop at clientY lands: the index among the other cards.
  function dropIndex(zone, clientY) {
    var cards = cardsIn(zone);
    for (var i = 0; i < cards.length; i++) {
      var box = cards[i].getBoundingClientRect();
      if (clientY < box.top + box.height / 2) return i;
    }
    return cards.length;
  }

  function showIndicator(zone, index) {
    var cards = cardsIn(zone);
    var before = cards[index] || zone.querySelector(".tp-add");
    if (indicator.parentNode !== zone || indicator.nextSibling !== before) zone.insertBefore(indicator, before);
  }

  function clearDragState() {
    if (indicator.parentNode) indicator.parentNode.removeChild(indicator);
    map.classList.remove("is-dragging-any");
    map.querySelectorAll(".tp-zone.is-over").forEach(function (z) { z.classList.remove("is-over"); });
    if (dragged) dragged.classList.remove("is-dragging");
  }

  map.querySelectorAll(".tp-card[draggable='true']").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      var zone = card.closest(".tp-zone");
      origin = { phaseId: zone.dataset.phaseId, index: Array.prototype.indexOf.call(zone.querySelectorAll(".tp-card"), card) };
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.touchpointId);
      map.classList.add("is-dragging-any");
      // Fade the card after the browser has taken its drag image.
      window.setTimeout(function () { if (dragged === card) card.classList.add("is-dragging"); }, 0);
    });
    card.addEventListener("dragend", function () {
      clearDragState();
      dragged = null;
    });
  });

  map.querySelectorAll(".tp-zone").forEach(function (zone) {
    zone.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();  // allows the drop
      event.dataTransfer.dropEffect = "move";
      if (!zone.classList.contains("is-over")) {
        map.querySelectorAll(".tp-zone.is-over").forEach(function (z) { z.classList.remove("is-over"); });
        zone.classList.add("is-over");
      }
      showIndicator(zone, dropIndex(zone, event.clientY));
    });
    zone.addEventListener("dragleave", function (event) {
      if (event.relatedTarget && zone.contains(event.relatedTarget)) return;
      zone.classList.remove("is-over");
      if (indicator.parentNode === zone) zone.removeChild(indicator);
    });
    zone.addEventListener("drop", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var card = dragged;
      var phaseId = Number(zone.dataset.phaseId);
      var position = dropIndex(zone, event.clientY);
      clearDragState();
      dragged = null;
      if (String(phaseId) === origin.phaseId && position === origin.index) return;  // dropped where it was
      move(card, phaseId, position);
    });
  });

  function move(card, phaseId, position) {
    var id = card.dataset.touchpointId;
    card.classList.add("is-saving");
    if (alertBox) alertBox.hidden = true;
    fetch(apiUrl(id), {
      method: "PATCH",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "Accept-Language": document.documentElement.lang || "en" },  // the page's language, not the browser's
      credentials: "same-origin",
      body: JSON.stringify({ phase_id: phaseId, position: position })
    }).then(function (response) {
      if (response.ok) {
        try { window.sessionStorage.setItem(MOVED_KEY, id); } catch (e) { /* storage off */ }
        window.location.reload();
        return;
      }
      return response.json().then(function (body) {
        return body && body.error && body.error.message;
      }, function () { return null; }).then(function (message) {
        card.classList.remove("is-saving");
        showError(message || (map.dataset.moveFailed || "The touchpoint could not be moved (HTTP %s).").replace("%s", response.status));
      });
    }, function () {
      card.classList.remove("is-saving");
      showError(map.dataset.unreachable || "The server could not be reached; the touchpoint was not moved. Check your connection and try again.");
    });
  }
})();
