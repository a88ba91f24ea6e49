// Click-to-load videos. Each `.video-facade` is a link to the video's page
// (which is all it is without JavaScript). Pressing it, by click, Enter or
// Space, swaps in the player from its `data-embed` URL; until then the page
// makes no request to the video platform.
(function () {
  "use strict";
  var ALLOW = "accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share; fullscreen";

  function play(link) {
    var frame = link.parentNode;
    var iframe = document.createElement("iframe");
    iframe.src = link.getAttribute("data-embed");
    iframe.title = link.getAttribute("data-title") || link.getAttribute("aria-label") || "Video";
    iframe.allow = ALLOW;
    iframe.allowFullscreen = true;
    iframe.referrerPolicy = "strict-origin-when-cross-origin";
    iframe.width = "1280";
    iframe.height = "720";
    frame.replaceChildren(iframe);
    frame.parentNode.classList.add("is-playing");
    iframe.focus();
  }

  function facadeOf(target) {
    var link = target && target.closest ? target.closest("a.video-facade[data-embed]") : null;
    return link && link.getAttribute("data-embed") ? link : null;
  }

  function init() {
    var links = document.querySelectorAll("a.video-facade[data-embed]");
    for (var i = 0; i < links.length; i++) {
      links[i].setAttribute("role", "button");
    }
  }

  document.addEventListener("click", function (e) {
    var link = facadeOf(e.target);
    // A modified click (new tab, new window) follows the link as usual.
    if (!link || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    play(link);
  });

  document.addEventListener("keydown", function (e) {
    var link = facadeOf(e.target);
    if (!link || (e.key !== " " && e.key !== "Spacebar" && e.key !== "Enter")) return;
    e.preventDefault();
    play(link);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
