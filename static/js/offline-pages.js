// Pages kept on this phone for use without signal (the service worker keeps and serves them,
// static/sw.js "Offline pages"). On every page: kept pages of another session are deleted,
// a kept copy says it is one, and sign-out deletes them. On the caseload and pupil pages:
// "Keep on this phone". On the offline page: the list of what is kept.

(() => {
  const PAGES_CACHE_PREFIX = "pages-";
  const sessionMeta = document.querySelector('meta[name="ap-session"]');
  const tag = sessionMeta ? sessionMeta.content : null;
  // Made when first needed: making one costs a page tens of milliseconds as it loads.
  let when = null;

  function shown(isoDate) {
    when ??= new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London",
      dateStyle: "long",
      timeStyle: "short",
    });
    return when.format(new Date(isoDate));
  }

  async function keptCacheNames() {
    if (!("caches" in window)) {
      return [];
    }
    const names = await caches.keys();
    return names.filter((name) => name.startsWith(PAGES_CACHE_PREFIX));
  }

  async function deleteKeptPages(except) {
    const names = await keptCacheNames();
    await Promise.all(names.filter((name) => name !== except).map((name) => caches.delete(name)));
  }

  // A page with a session tag (every page but the offline one) keeps only its session's pages:
  // the sign-in page, or another person's page, deletes them all.
  if (tag !== null) {
    deleteKeptPages(tag ? PAGES_CACHE_PREFIX + tag : null).catch(() => {});
  }

  for (const form of document.querySelectorAll("form[data-sign-out]")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) {
        return;
      }
      event.preventDefault();
      deleteKeptPages(null)
        .catch(() => {})
        .finally(() => form.submit());
    });
  }

  // A kept copy: say when it was kept, and give each create form a new client_uuid, because
  // two records written from one copy must not share an id.
  const keptAt = document.documentElement.dataset.offlineCopy;
  if (keptAt !== undefined) {
    for (const input of document.querySelectorAll('form input[name="client_uuid"]')) {
      const version = input.form.querySelector('[name="version"]');
      if (input.value && !(version && version.value)) {
        input.value = crypto.randomUUID();
      }
    }
    const notice = document.createElement("div");
    notice.className = "govuk-inset-text";
    notice.setAttribute("role", "status");
    notice.dataset.offlineNotice = "";
    notice.textContent = `You are offline: this copy was kept on ${keptAt ? shown(keptAt) : "this phone"}.`;
    const main = document.getElementById("main-content");
    main.insertBefore(notice, main.firstChild);
  }

  // "Keep on this phone": the server lists the pages; the service worker fetches and files them.
  async function keptStatus(urls) {
    const cache = await caches.open(PAGES_CACHE_PREFIX + tag);
    const kept = (await Promise.all(urls.map((url) => cache.match(url, { ignoreVary: true })))).filter(Boolean);
    const dates = kept.map((response) => response.headers.get("X-Kept-At") || "").sort();
    return { kept: kept.length, keptAt: dates[dates.length - 1] };
  }

  async function askWorkerToKeep(urls) {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const answer = new Promise((resolve) => {
      channel.port1.onmessage = (event) => resolve(event.data);
    });
    registration.active.postMessage({ type: "keep-pages", tag, urls }, [channel.port2]);
    return answer;
  }

  function pages(count) {
    return `${count} page${count === 1 ? "" : "s"}`;
  }

  for (const panel of document.querySelectorAll("[data-keep-pages]")) {
    const urls = JSON.parse(panel.dataset.keepPages);
    const button = panel.querySelector("[data-keep-button]");
    const status = panel.querySelector("[data-keep-status]");
    if (!tag || !("serviceWorker" in navigator) || !("caches" in window)) {
      continue;
    }
    panel.hidden = false;
    keptStatus(urls)
      .then(({ kept, keptAt }) => {
        if (kept) {
          status.textContent = `${pages(kept)} of ${urls.length} kept on this phone, last on ${shown(keptAt)}.`;
        }
      })
      .catch(() => {});
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.textContent = `Keeping ${pages(urls.length)} on this phone…`;
      try {
        const { kept, failed, keptAt } = await askWorkerToKeep(urls);
        status.textContent = kept
          ? `${pages(kept)} kept on this phone on ${shown(keptAt)}.` +
            (failed ? ` ${pages(failed)} could not be kept: try again with a signal.` : "")
          : "Nothing could be kept: try again with a signal.";
      } catch {
        status.textContent = "Nothing could be kept: try again with a signal.";
      } finally {
        button.disabled = false;
      }
    });
  }

  // The offline page: what is kept, read from the phone.
  const list = document.querySelector("[data-kept-pages-list]");
  async function listKeptPages() {
    const items = [];
    for (const name of await keptCacheNames()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        items.push({
          url: request.url,
          title: decodeURIComponent(response.headers.get("X-Kept-Title") || ""),
          keptAt: response.headers.get("X-Kept-At"),
        });
      }
    }
    if (!items.length) {
      return;
    }
    const titles = new DOMParser();
    const ul = document.createElement("ul");
    ul.className = "govuk-list";
    for (const item of items) {
      const li = document.createElement("li");
      const link = document.createElement("a");
      link.className = "govuk-link";
      link.href = item.url;
      link.textContent = titles.parseFromString(item.title, "text/html").documentElement.textContent || item.url;
      li.append(link, ` (kept ${shown(item.keptAt)})`);
      ul.append(li);
    }
    list.replaceChildren(ul);
  }
  if (list) {
    listKeptPages().catch(() => {});
  }
})();
