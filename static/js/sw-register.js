// Registers the service worker (served from /sw.js, scope: the whole site), which
// keeps the app's shell for the installed phone app and shows push notifications.
// Without support, or without JavaScript, the site works as before.
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  const url = script.dataset.serviceWorker;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
      // Not fatal: pages, saves and the offline saves work without it.
    });
  });
})();
