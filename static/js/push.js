// "Turn on notifications" on Today (templates/diary/_push.html): asks the browser for
// permission, subscribes through the service worker with the site's VAPID public key,
// and hands the subscription to the diary (POST JSON, CSRF token in X-CSRFToken).
// Shown only where the browser can receive push; on any failure it says so, and
// reminders keep coming by email. The box's `data-push-state` says where it stands:
// off, asking, on, blocked, failed.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    return; // the box stays hidden: email it is
  }
  const WAIT = 10000; // ms for the service worker to be ready

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function worker() {
    return Promise.race([
      navigator.serviceWorker.ready,
      new Promise(function (resolve, reject) {
        setTimeout(function () { reject(new Error("no service worker")); }, WAIT);
      }),
    ]);
  }

  function keyBytes(base64url) {
    const base64 = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) throw new Error("the diary answered " + response.status);
      return response;
    });
  }

  function init(root) {
    const box = root.querySelector("[data-push]");
    if (!box || box.dataset.pushBound) return;
    box.dataset.pushBound = "1";
    const on = box.querySelector("[data-push-button]");
    const off = box.querySelector("[data-push-off]");
    const message = box.querySelector("[data-push-message]");
    const email = box.querySelector("[data-push-email]");

    function state(name) {
      box.dataset.pushState = name;
      on.hidden = name === "on" || name === "blocked";
      on.disabled = name === "asking";
      off.hidden = name !== "on";
      const text = box.dataset["text" + name.charAt(0).toUpperCase() + name.slice(1)];
      message.hidden = !text || name === "off";
      message.textContent = text || "";
      email.hidden = !(name === "blocked" || name === "failed");
    }

    async function turnOn() {
      state("asking");
      try {
        const permission = await Notification.requestPermission();
        if (permission !== "granted") {
          state(permission === "denied" ? "blocked" : "off");
          return;
        }
        const registration = await worker();
        const old = await registration.pushManager.getSubscription();
        if (old) await old.unsubscribe(); // perhaps made with another key
        const subscription = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(box.dataset.pushKey),
        });
        await post(box.dataset.pushSubscribe, subscription.toJSON());
        state("on");
      } catch (error) {
        state("failed");
      }
    }

    async function turnOff() {
      try {
        const registration = await worker();
        const subscription = await registration.pushManager.getSubscription();
        if (subscription) {
          await post(box.dataset.pushUnsubscribe, { endpoint: subscription.endpoint });
          await subscription.unsubscribe();
        }
        state("off");
        message.hidden = false;
        message.textContent = box.dataset.textOff;
        email.hidden = false;
      } catch (error) {
        state("failed");
      }
    }

    on.addEventListener("click", turnOn);
    off.addEventListener("click", turnOff);
    box.hidden = false;
    if (Notification.permission === "denied") {
      state("blocked");
      return;
    }
    state("off");
    worker()
      .then(function (registration) { return registration.pushManager.getSubscription(); })
      .then(function (subscription) {
        if (subscription && Notification.permission === "granted") state("on");
      })
      .catch(function () { /* no worker yet: the button stays */ });
  }

  init(document);
  // The page's main part replaced after a save through static/js/outbox.js.
  document.addEventListener("diary:main", function (event) {
    init(event.detail);
  });
})();
