// Never losing an entry on a bad connection (README, "Phone app, notifications and
// offline saves"). The day's form (templates/diary/_entry_form.html) is sent with
// fetch. When the network fails (not when the diary answers with an error), the entry
// is kept on the phone in IndexedDB: its answers, note, one-time key and photos, made
// smaller here (JPEG, at most 2048 px). The page says "Saved on this phone,
// sending…"; the entry is sent again when the connection returns (the `online` event),
// on every page load and every 30 seconds, and the page then reloads to show the
// verdict. The one-time key makes the diary store it once, even if an earlier send
// had arrived after all.
//
// Loaded on every page of a signed-in patient (templates/diary/_outbox_script.html),
// whose `data-` attributes carry the texts in the page's language. The state is shown
// in #save-state with `data-save-state`: saving, queued, sending, saved, signin, fix,
// failed, missing, error, waiting. Without JavaScript the form posts as it always did.
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !("indexedDB" in window) || !("fetch" in window)) return;
  const say = script.dataset;
  const USER = say.user; // empty on the offline page: it only watches
  const MAX_SIDE = 2048; // px, the longer side of a kept photo
  const QUALITY = 0.88;
  const RETRY = 30000; // ms between tries while something is kept
  const TIMEOUT = 60000; // ms before a silent send counts as a network failure
  const STORE = "outbox";
  const ALERT = {
    saving: "info", queued: "info", sending: "info", waiting: "info", saved: "success",
    signin: "warning", fix: "warning", failed: "warning", missing: "warning", error: "danger",
  };

  // The kept entries: one per person and page (a newer save of a day replaces one
  // still waiting), with the photos as Blobs.
  let database = null;
  function store(mode) {
    database = database || new Promise(function (resolve, reject) {
      const open = indexedDB.open("downtime-diary", 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore(STORE, { keyPath: "id" });
      };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
    return database.then(function (db) {
      return db.transaction(STORE, mode).objectStore(STORE);
    });
  }
  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function keepItem(item) { return store("readwrite").then(function (s) { return done(s.put(item)); }); }
  function dropItem(id) { return store("readwrite").then(function (s) { return done(s.delete(id)); }); }
  function allItems() { return store("readonly").then(function (s) { return done(s.getAll()); }); }

  // What the page says.
  function stateBox() {
    let box = document.getElementById("save-state");
    if (!box) {
      box = document.createElement("div");
      box.id = "save-state";
      box.setAttribute("role", "status");
      box.tabIndex = -1;
      const text = document.createElement("span");
      text.dataset.saveStateText = "";
      box.append(text);
      (document.getElementById("main") || document.body).prepend(box);
    }
    return box;
  }
  function show(state, options) {
    options = options || {};
    const box = stateBox();
    box.className = "save-state alert mb-3 alert-" + ALERT[state];
    box.dataset.saveState = state;
    box.querySelector("[data-save-state-text]").textContent =
      say["text" + state.charAt(0).toUpperCase() + state.slice(1)] || "";
    box.querySelectorAll("[data-save-state-action]").forEach(function (old) { old.remove(); });
    if (options.action) {
      options.action.dataset.saveStateAction = "";
      box.append(" ", options.action);
    }
    box.hidden = false;
    if (options.focus) box.focus();
  }
  function link(text, href) {
    const a = document.createElement("a");
    a.href = href;
    a.className = "alert-link";
    a.textContent = text;
    return a;
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, function (x) { return x.toString(16).padStart(2, "0"); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // A photo made smaller for keeping; one the browser cannot draw (HEIC on most
  // phones) is kept as it was chosen.
  async function smaller(file) {
    try {
      const bitmap = await createImageBitmap(file);
      const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      const blob = await new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", QUALITY);
      });
      if (blob) return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", blob: blob };
    } catch (error) {
      // kept as chosen
    }
    return { name: file.name, blob: file };
  }

  // Sending: the diary answers a save from here with JSON (diary.views._day_page).
  function send(url, data) {
    const stop = new AbortController();
    const timer = setTimeout(function () { stop.abort(); }, TIMEOUT);
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { Accept: "application/json" }, signal: stop.signal,
    }).finally(function () { clearTimeout(timer); });
  }
  // What the diary answered: saved (with the page to show), signin (a redirect: the
  // session ended), form (the page again: answers to fix, or too many saves at
  // once), or error (anything else: nothing was saved).
  async function answer(response) {
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
      return { kind: "signin" };
    }
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.indexOf("application/json") !== -1) {
      return { kind: "saved", location: (await response.json()).location };
    }
    if (type.indexOf("text/html") !== -1) {
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const main = page.getElementById("main");
      if (main && main.querySelector("[data-entry-form]")) {
        return { kind: "form", status: response.status, page: page, main: main };
      }
    }
    return { kind: "error", status: response.status };
  }
  // The page the diary sent back, in place of this one's main part; focus on its
  // error summary (templates/_form_errors.html), as after a plain post.
  function showPage(result) {
    const main = document.adoptNode(result.main);
    document.getElementById("main").replaceWith(main);
    if (result.page.title) document.title = result.page.title;
    document.dispatchEvent(new CustomEvent("diary:main", { detail: main }));
    bind(main);
    (main.querySelector("[data-error-summary]") || main).focus();
  }
  // After a save, the page with its verdict: this page again if its form was the one
  // saved (Today stays Today), else the saved day's page. A GET either way, so a
  // page drawn by a post is not posted again.
  function reload(location) {
    window.location.assign(onItsPage({ page: location }) ? window.location.pathname : location);
  }

  // Keeping an entry whose send failed: answered enough to be saved later? Kept,
  // and the form gets a new key for any later save of its own.
  async function keep(form, data, state) {
    if (!form.checkValidity()) {
      show("missing", { focus: true });
      return;
    }
    const item = { user: USER, fields: [], photos: [], savedAt: Date.now() };
    item.page = new URL(form.action, window.location.href).pathname;
    item.id = USER + " " + item.page;
    try {
      for (const pair of data.entries()) {
        const name = pair[0], value = pair[1];
        if (value instanceof File) {
          if (value.size) item.photos.push(Object.assign(await smaller(value), { field: name }));
        } else {
          item.fields.push([name, value]);
        }
      }
      await keepItem(item);
    } catch (error) {
      show("error", { focus: true }); // no room on the phone: nothing was kept
      return;
    }
    const key = form.querySelector("[name=submission]");
    if (key) key.value = newKey();
    show(state || "queued", { focus: true, action: state === "signin" ? signIn(item) : null });
    retryLater();
  }
  function signIn(item) {
    return link(say.textSigninLink, say.login + "?next=" + encodeURIComponent(item.page));
  }

  let busy = false;
  async function save(form) {
    if (busy) return;
    busy = true;
    const button = form.querySelector("[type=submit]");
    const label = button.textContent;
    button.disabled = true;
    button.textContent = button.dataset.textSaving || label;
    try {
      const data = new FormData(form);
      let response;
      try {
        response = await send(form.action, data);
      } catch (networkFailure) {
        await keep(form, data);
        return;
      }
      const result = await answer(response);
      if (result.kind === "saved") {
        show("saved");
        reload(result.location);
      } else if (result.kind === "signin") {
        await keep(form, data, "signin");
      } else if (result.kind === "form") {
        showPage(result);
      } else {
        show("error", { focus: true });
      }
    } finally {
      busy = false;
      button.disabled = false;
      button.textContent = label;
    }
  }

  // Sending what is kept: the oldest first, one at a time; after one is saved the
  // page reloads, and the next goes from there.
  let sending = false;
  let timer = null;
  function retryLater() {
    if (!timer && USER) timer = setInterval(flush, RETRY);
  }
  function rebuild(item) {
    const data = new FormData();
    const token = csrfToken(); // this page's: the kept one may be older than a login
    item.fields.forEach(function (pair) {
      data.append(pair[0], pair[0] === "csrfmiddlewaretoken" && token ? token : pair[1]);
    });
    item.photos.forEach(function (photo) { data.append(photo.field, photo.blob, photo.name); });
    return data;
  }
  function onItsPage(item) {
    const form = document.querySelector("[data-entry-form]");
    return form && new URL(form.action, window.location.href).pathname === item.page;
  }
  async function flush() {
    if (sending || !USER) return;
    sending = true;
    try {
      const items = (await allItems()).filter(function (i) { return i.user === USER; });
      items.sort(function (a, b) { return a.savedAt - b.savedAt; });
      if (!items.length) {
        clearInterval(timer);
        timer = null;
        return;
      }
      const item = items[0];
      retryLater();
      show("sending");
      let response;
      try {
        response = await send(item.page, rebuild(item));
      } catch (networkFailure) {
        show("queued");
        return;
      }
      const result = await answer(response);
      if (result.kind === "saved") {
        await dropItem(item.id);
        show("saved");
        reload(result.location);
      } else if (result.kind === "signin") {
        show("signin", { action: signIn(item) });
      } else if (result.kind === "form" && result.status === 429) {
        show("queued"); // too many saves just now: the next try
      } else if (result.kind === "form" && onItsPage(item)) {
        await dropItem(item.id); // its answers are in the form again, to fix
        showPage(result);
      } else if (result.kind === "form") {
        show("fix", { action: link(say.textOpen, item.page) });
      } else if (result.status >= 500) {
        show("queued"); // the diary's trouble, not the entry's: the next try
      } else {
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "btn btn-sm btn-outline-secondary";
        discard.textContent = say.textDiscard;
        discard.dataset.outboxDiscard = "";
        discard.addEventListener("click", function () {
          dropItem(item.id).then(function () { stateBox().hidden = true; });
        });
        show("failed", { action: discard });
      }
    } catch (error) {
      // IndexedDB unavailable (a private window, say): nothing kept to send
    } finally {
      sending = false;
    }
  }

  function bind(root) {
    const form = root.querySelector("[data-entry-form]");
    if (!form || form.dataset.outboxBound) return;
    form.dataset.outboxBound = "1";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      save(form);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (USER) {
      bind(document);
      flush();
      window.addEventListener("online", flush);
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState === "visible") flush();
      });
      return;
    }
    // The offline page: say whether something waits, and go back once online.
    allItems().then(function (items) {
      if (items.length) show("waiting");
    }).catch(function () {});
    window.addEventListener("online", function () { window.location.assign(say.today); });
  });
})();
