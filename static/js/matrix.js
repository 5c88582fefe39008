// The matrix and cell preview pages: a Print button (shown only when JavaScript can press it), and the
// matrix's thumbnails, each a sandboxed frame made only when its card comes near the screen: a page of
// a large campaign holds a thousand emails or more, and as many live frames would stall it.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var thumbs = document.querySelectorAll(".mx-thumb[data-frame]");
  if (!thumbs.length) return;

  function show(thumb) {
    if (thumb.querySelector("iframe")) return;
    var frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "");  // the email may show its images, never run anything
    frame.setAttribute("tabindex", "-1");
    frame.setAttribute("title", thumb.getAttribute("data-title") || "Thumbnail");
    frame.src = thumb.getAttribute("data-frame");
    thumb.appendChild(frame);
  }

  function watch() {
    if (!("IntersectionObserver" in window)) {
      thumbs.forEach(show);
      return;
    }
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          watcher.unobserve(entry.target);
          show(entry.target);
        }
      });
    }, { rootMargin: "600px 0px" });  // a screen ahead when scrolling down; sideways as cards scroll in
    thumbs.forEach(function (thumb) { watcher.observe(thumb); });
  }
  // The page first, then its thumbnails: frames are made after the first frame of the page is painted.
  requestAnimationFrame(function () { setTimeout(watch, 0); });
})();
