{% autoescape off %}// Downtime Diary's service worker, served from /sw.js (diary.views.service_worker) so
// that its scope is the whole site. It keeps the app's shell (styles, our scripts, the
// icons, the offline page) and nothing else: pages and photos of a diary always come
// from the network and are never stored here. It also shows push notifications.
"use strict";
const SHELL = {{ shell }};
const CACHE = "diary-shell-" + {{ version }};
const OFFLINE = {{ offline }};
const TODAY = {{ today }};
const ICON = {{ icon }};
const NAME = {{ name }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  // Older shells go: their file names no longer match the pages'.
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("diary-shell-") && name !== CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // saves go to the network, untouched
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL.includes(url.pathname)) {
    // The shell's names change with their content: what is kept is current.
    event.respondWith(
      caches.open(CACHE)
        .then((cache) => cache.match(url.pathname, { ignoreVary: true }))
        .then((kept) => kept || fetch(request))
    );
    return;
  }
  if (request.mode === "navigate") {
    // A page: from the network only; without one, the offline page.
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE)
          .then((cache) => cache.match(OFFLINE, { ignoreVary: true }))
          .then((page) => page || Response.error())
      )
    );
  }
  // Anything else (photos, charts, data): the network, as if there were no worker.
});

self.addEventListener("push", (event) => {
  // The message carries a title, a sentence and a path (diary.push.PushMessage).
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  event.waitUntil(
    self.registration.showNotification(message.title || NAME, {
      body: message.body || "",
      tag: message.tag || undefined,
      icon: ICON,
      badge: ICON,
      data: { url: message.url || TODAY },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only a page of this site: the path from the message, else Today.
  let target = new URL(TODAY, self.location.origin);
  try {
    const asked = new URL(event.notification.data.url, self.location.origin);
    if (asked.origin === self.location.origin) target = asked;
  } catch (error) {
    // keep Today
  }
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target.href && "focus" in client);
      return open ? open.focus() : self.clients.openWindow(target.href);
    })
  );
});
{% endautoescape %}
