// The reader view at /documents/{id}: bring the cited passage (?passage= or a #p- anchor) to the middle
// of the window and give it focus, so keyboard and screen-reader users start where the citation points.
// The page works without this file: the #p- anchor scrolls, and CSS marks the cited passage.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const anchored = location.hash.startsWith("#p-") ? document.getElementById(location.hash.slice(1)) : null;
  const cited = anchored || document.querySelector(".passage.cited");
  if (!cited) return;
  cited.scrollIntoView({ block: "center" });
  cited.focus({ preventScroll: true });
});
