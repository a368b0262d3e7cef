/* The rep's editor, on top of portal.js (rich-text areas, preview scaling, the server preview):
   - instant preview: what is typed is written into its box in the preview at once, as text
     (textContent, never markup), rich text rebuilt through the same allow-list the server uses;
     the server's render, validation and copy-fit follow and replace it;
   - the preview follows the form: focusing a field highlights its box and scrolls it into view,
     clicking a box focuses its field, a box that overflows is outlined in red;
   - nothing lost: "Submit for approval" with unsaved changes saves, then submits, in one post;
     Enter in a one-line field does not submit; a rejected save focuses the error summary;
   - on a phone, one tap shows the form or the preview. */
(function () {
  "use strict";

  const RICH_TAGS = { bold: ["strong", "b"], italic: ["em", "i"], lists: ["ul", "ol", "li"], links: ["a"] };
  const DROPPED = ["script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head", "title"];
  const SAFE_LINK = /^(https:|mailto:|tel:)/i;
  const ACTIVE = "2px solid #1d4ed8";
  const OVERFLOW = "2px solid #c62828";

  function boxSelector(wrapper) {
    const section = wrapper.dataset.section;
    return '[data-fit="' + CSS.escape(wrapper.dataset.slot) + '"]' +
      (section && section !== "0" ? '[data-section="' + CSS.escape(section) + '"]' : "");
  }

  function fieldValue(form, wrapper) {
    const key = wrapper.dataset.field;
    const control = form.elements.namedItem(key);
    if (!control) return null;
    if (control instanceof RadioNodeList) return control.value;
    if (control.type === "radio") return control.checked ? control.value : "";
    return control.value;
  }

  /* ---- Writing into the preview, as the server's layout would ---------------------------- */

  // The element that holds a text slot's text: the innermost element of the box.
  function textHolder(box) {
    let holder = box;
    while (holder.firstElementChild && holder.children.length === 1) holder = holder.firstElementChild;
    return holder.children.length ? null : holder;
  }

  // The layout's own text around the value in the holder (a quote's quotation marks, a dash).
  function frameOf(holder, value) {
    if (value === null) return null; // not known what the box shows: leave it to the server
    const text = holder.textContent;
    const at = value ? text.indexOf(value) : -1;
    if (at >= 0) return [text.slice(0, at), text.slice(at + value.length)];
    if (!value && text.length === 2) return [text[0], text[1]];
    return value ? null : [text, ""];
  }

  function writeText(box, value, known) {
    const holder = textHolder(box);
    if (!holder) return false;
    const frame = frameOf(holder, known);
    if (!frame) return false;
    holder.textContent = frame[0] + value + frame[1];
    return true;
  }

  function writeBullets(box, value) {
    const list = box.querySelector("ul");
    const items = value.split("\n").map((line) => line.trim()).filter(Boolean);
    if (!list) return items.length === 0;
    if (!items.length) { list.remove(); return true; }
    const lead = list.classList.contains("lead-bullets");
    list.replaceChildren(...items.map((item) => {
      const li = box.ownerDocument.createElement("li");
      const colon = item.indexOf(":");
      if (lead && colon >= 0) {
        const strong = box.ownerDocument.createElement("strong");
        strong.textContent = item.slice(0, colon + 1);
        li.append(strong, item.slice(colon + 1));
      } else {
        li.textContent = item;
      }
      return li;
    }));
    return true;
  }

  // The server's sanitiser (templates_lib.rich_text.sanitise_rich_text): the field's tags only,
  // links with an https/mailto/tel address, empty elements dropped, bare text made a paragraph.
  function appendAllowed(source, target, allowed, doc) {
    source.childNodes.forEach((node) => {
      if (node.nodeType === Node.TEXT_NODE) { target.appendChild(doc.createTextNode(node.data)); return; }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const tag = node.localName;
      if (DROPPED.includes(tag)) return;
      if (!allowed.has(tag)) { appendAllowed(node, target, allowed, doc); return; }
      const element = doc.createElement(tag);
      if (tag === "a") {
        const href = (node.getAttribute("href") || "").trim();
        if (href && SAFE_LINK.test(href)) element.setAttribute("href", href);
        element.setAttribute("rel", "noopener noreferrer");
      }
      appendAllowed(node, element, allowed, doc);
      if (tag === "br" || element.textContent.trim() || element.querySelector("br")) target.appendChild(element);
    });
  }

  function writeRich(box, html, formatting) {
    const doc = box.ownerDocument;
    const allowed = new Set(["p", "br"].concat(...formatting.map((name) => RICH_TAGS[name] || [])));
    const parsed = new DOMParser().parseFromString(html, "text/html").body;
    const fragment = doc.createDocumentFragment();
    appendAllowed(parsed, fragment, allowed, doc);
    const first = fragment.firstChild;
    const isBlock = first && first.nodeType === Node.ELEMENT_NODE && ["p", "ul", "ol"].includes(first.localName);
    if (fragment.childNodes.length && !isBlock) {
      const paragraph = doc.createElement("p");
      paragraph.appendChild(fragment);
      box.replaceChildren(paragraph);
    } else {
      box.replaceChildren(fragment);
    }
    return true;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("editor-form");
    const frame = document.getElementById("preview-frame");
    if (!form || !frame) return;
    const wrappers = Array.from(form.querySelectorAll("[data-slot]"));
    const byKey = new Map(wrappers.map((w) => [w.dataset.field, w]));
    const editable = wrappers.filter((w) => ["free", "choice"].includes(w.dataset.lock) && w.dataset.slotType !== "image");
    let shown = {}; // per field, the value the preview's box currently shows
    let sent = {}; // per field, the value in the server render on screen
    let active = null;

    function previewDoc() {
      const doc = frame.contentDocument;
      return doc && doc.body && frame.dataset.loaded === "1" ? doc : null;
    }

    function boxes(wrapper) {
      const doc = previewDoc();
      return doc ? Array.from(doc.querySelectorAll(boxSelector(wrapper))) : [];
    }

    function write(wrapper, value) {
      const found = boxes(wrapper);
      if (!found.length) return;
      const type = wrapper.dataset.slotType;
      const known = shown[wrapper.dataset.field];
      let ok = false;
      for (const box of found) {
        if (type === "rich_text") ok = writeRich(box, value, (wrapper.dataset.formatting || "").split(",").filter(Boolean));
        else if (type === "bullets") ok = writeBullets(box, value);
        else if (type === "text") ok = writeText(box, value.trim(), known === undefined ? null : known) || ok;
      }
      if (ok) {
        shown[wrapper.dataset.field] = type === "text" ? value.trim() : value;
        estimateFit(wrapper);
      }
    }

    /* Copy-fit at once, in the browser: the box's laid-out content against the box, as the
       server's engine measures it (templates_lib/rendering/engine.measure_overflows). The server's
       own check follows and its answer, with how much to cut, replaces this estimate (the two
       engines' fonts and line breaks can differ slightly). */
    const pendingFit = new Set();
    let lastInput = 0;
    let serverFitCurrent = false; // the server's copy-fit answer is for what the form holds now
    function estimateFit(wrapper) {
      if (serverFitCurrent) return;
      pendingFit.add(wrapper);
      if (pendingFit.size > 1) return;
      requestAnimationFrame(() => {
        pendingFit.forEach((w) => {
          const message = document.getElementById("fit-" + w.dataset.field);
          if (!message) return;
          const over = boxes(w).some((box) => overflows(box));
          // The estimate only adds a warning or takes back its own: the server's word stays until
          // the server says otherwise.
          const estimated = message.querySelector("[data-estimate]");
          if (over && !message.textContent.trim()) {
            const p = document.createElement("p");
            p.dataset.estimate = "1";
            p.textContent = "Too long for this space.";
            message.replaceChildren(p);
          } else if (!over && estimated) {
            message.replaceChildren();
          }
        });
        pendingFit.clear();
        decorate();
      });
    }

    function overflows(box) {
      const range = box.ownerDocument.createRange();
      range.selectNodeContents(box);
      let bottom = -Infinity;
      for (const rect of range.getClientRects()) bottom = Math.max(bottom, rect.bottom);
      const zoom = parseFloat(box.ownerDocument.documentElement.style.zoom || "1") || 1;
      return bottom - box.getBoundingClientRect().bottom > 0.5 * zoom;
    }

    function snapshot() {
      const values = {};
      editable.forEach((w) => { values[w.dataset.field] = fieldValue(form, w); });
      return values;
    }

    // After the server's render is on screen: what it rendered is what was sent; any field
    // changed since is written again, so the preview never steps back while typing.
    sent = snapshot(); // what the page's first preview request sends (htmx sends it before this runs)

    function afterServerRender(values) {
      sent = values || sent;
      shown = {};
      editable.forEach((w) => {
        const key = w.dataset.field;
        if (w.dataset.slotType === "text" && typeof sent[key] === "string") shown[key] = sent[key].trim();
        const now = fieldValue(form, w);
        if (now !== null && now !== sent[key]) write(w, now);
      });
      decorate();
    }

    /* ---- The preview follows the form ----------------------------------------------------- */
    function decorate() {
      const doc = previewDoc();
      if (!doc) return;
      wrappers.forEach((w) => {
        const overflowing = Boolean(document.getElementById("fit-" + w.dataset.field)?.textContent.trim());
        boxes(w).forEach((box) => {
          box.style.outline = overflowing ? OVERFLOW : (w === active ? ACTIVE : "");
          box.style.outlineOffset = overflowing || w === active ? "1mm" : "";
          box.style.backgroundColor = overflowing ? "rgba(198, 40, 40, .08)" : "";
          if (w.dataset.lock !== "locked") box.style.cursor = "pointer";
          if (overflowing) box.dataset.overflowing = "1"; else delete box.dataset.overflowing;
          if (w === active) box.dataset.active = "1"; else delete box.dataset.active;
        });
      });
    }

    function control(wrapper) {
      return wrapper.querySelector(".rich-editor__area, input:not([type=hidden]):not([type=radio]), textarea:not([hidden]), input[type=radio]:checked, input[type=radio], select");
    }

    form.addEventListener("focusin", (event) => {
      const wrapper = event.target.closest("[data-slot]");
      if (!wrapper || wrapper === active) return;
      active = wrapper;
      decorate();
      const box = boxes(wrapper)[0];
      if (box && !document.body.classList.contains("editor-shows-form")) box.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });

    function attachPreviewClicks() {
      const doc = frame.contentDocument;
      if (!doc || doc.__lastmileClicks) return;
      doc.__lastmileClicks = true;
      doc.addEventListener("click", (event) => {
        const box = event.target.closest && event.target.closest("[data-fit]");
        if (!box) return;
        event.preventDefault();
        const section = box.dataset.section || "0";
        const wrapper = wrappers.find((w) => w.dataset.slot === box.dataset.fit && (w.dataset.section === section || w.dataset.section === "0"));
        if (!wrapper) return;
        const details = wrapper.closest("details");
        if (details) details.open = true;
        showPane("form");
        const target = control(wrapper);
        wrapper.scrollIntoView({ block: "center" });
        if (target) target.focus({ preventScroll: true }); else { active = wrapper; decorate(); }
      });
    }

    /* ---- Instant preview ------------------------------------------------------------------ */
    form.addEventListener("input", (event) => {
      lastInput = performance.now();
      serverFitCurrent = false;
      const wrapper = event.target.closest && event.target.closest("[data-slot]");
      if (!wrapper || !editable.includes(wrapper)) return;
      const value = fieldValue(form, wrapper);
      if (value !== null) write(wrapper, value);
    });
    form.addEventListener("change", (event) => {
      const wrapper = event.target.closest && event.target.closest("[data-slot]");
      if (wrapper && editable.includes(wrapper) && event.target.type === "radio") write(wrapper, fieldValue(form, wrapper));
    });

    const isFitCheck = (elt) => Boolean(elt && elt.getAttribute && (elt.getAttribute("hx-post") || "").includes("fit=1"));
    document.addEventListener("htmx:beforeRequest", (event) => {
      if (event.detail.elt === form) event.detail.xhr.__lastmileSent = snapshot();
      if (isFitCheck(event.detail.elt)) event.detail.xhr.__lastmileAt = performance.now();
    });
    document.addEventListener("htmx:afterRequest", (event) => {
      const at = event.detail.xhr && event.detail.xhr.__lastmileAt;
      if (isFitCheck(event.detail.elt) && event.detail.successful && at >= lastInput) serverFitCurrent = true;
    });
    document.addEventListener("htmx:afterSwap", (event) => {
      const values = event.detail.xhr && event.detail.xhr.__lastmileSent;
      if (values && event.detail.target.id === "preview-source") {
        sent = values;
        if (frame.dataset.loaded === "1") { afterServerRender(values); updatePages(); }
      }
    });
    document.addEventListener("htmx:afterSettle", decorate);
    document.addEventListener("htmx:oobAfterSwap", decorate);
    frame.addEventListener("load", () => {
      // portal.js marks the frame loaded in its own load listener; wait for it.
      setTimeout(() => { attachPreviewClicks(); afterServerRender(null); updatePages(); }, 0);
    });

    /* ---- Pages: a navigator for a document of several pages ------------------------------- */
    const pageNav = document.querySelector("[data-page-nav]");
    function pageStarts(doc) {
      const starts = [];
      let next = false;
      doc.querySelectorAll("body > *, body > * > *").forEach((el) => {
        const style = doc.defaultView.getComputedStyle(el);
        if (next || style.breakBefore === "page" || style.pageBreakBefore === "always") starts.push(el);
        next = style.breakAfter === "page" || style.pageBreakAfter === "always";
      });
      const first = doc.body.firstElementChild;
      if (first && !starts.includes(first) && !(starts[0] && first.contains(starts[0]))) starts.unshift(first);
      return starts;
    }
    function updatePages() {
      const doc = previewDoc();
      if (!pageNav || !doc) return;
      const starts = pageStarts(doc);
      pageNav.hidden = starts.length < 2;
      if (starts.length < 2) return;
      const list = pageNav.querySelector("ol");
      if (list.children.length !== starts.length) {
        list.replaceChildren(...starts.map((_, i) => {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.className = "page-nav__button";
          button.dataset.page = String(i);
          button.textContent = String(i + 1);
          button.setAttribute("aria-label", "Page " + (i + 1) + " of " + starts.length);
          item.appendChild(button);
          return item;
        }));
      }
      // A band of the desk's colour between pages: drawn outside the boxes, so nothing moves.
      starts.forEach((el, i) => {
        el.dataset.pageNumber = String(i + 1);
        if (i) el.style.boxShadow = "0 -5mm 0 -1mm #e6eaef";
      });
    }
    if (pageNav) {
      pageNav.addEventListener("click", (event) => {
        const button = event.target.closest("button[data-page]");
        const doc = previewDoc();
        if (!button || !doc) return;
        const target = doc.querySelector('[data-page-number="' + (Number(button.dataset.page) + 1) + '"]');
        if (target) target.scrollIntoView({ block: "start", behavior: "smooth" });
        pageNav.querySelectorAll("button").forEach((b) => b.removeAttribute("aria-current"));
        button.setAttribute("aria-current", "page");
      });
    }

    /* ---- Nothing lost --------------------------------------------------------------------- */
    let dirty = false;
    const submitForm = document.querySelector("form.approval__submit");
    const submitButton = submitForm && submitForm.querySelector("button[type=submit]");
    const submitHelp = submitForm && submitForm.querySelector(".field__help");
    const submitLabel = submitButton && submitButton.textContent;
    const helpText = submitHelp && submitHelp.textContent;
    function markDirty(event) {
      if (event.target.form !== form || dirty) return;
      dirty = true;
      if (submitButton) submitButton.textContent = "Save and " + submitLabel.charAt(0).toLowerCase() + submitLabel.slice(1);
      if (submitHelp) submitHelp.textContent = "Saves your changes, then sends them.";
    }
    form.addEventListener("input", markDirty);
    form.addEventListener("change", markDirty);
    form.addEventListener("submit", () => { dirty = false; });
    if (submitForm) {
      submitForm.addEventListener("submit", (event) => {
        if (!dirty) return;
        event.preventDefault();
        form.querySelector("input[name=then_submit]").value = "1";
        const note = submitForm.querySelector("textarea[name=note]");
        form.querySelector("input[name=submit_note]").value = note ? note.value : "";
        form.requestSubmit();
      });
      void helpText;
    }
    // Enter in a one-line field does not save the document (it is easy to press by accident).
    form.addEventListener("keydown", (event) => {
      const el = event.target;
      if (event.key === "Enter" && el.form === form && el.localName === "input" && !["submit", "button", "checkbox", "radio"].includes(el.type)) {
        event.preventDefault();
      }
    });

    const summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", (event) => {
        const link = event.target.closest("a[data-field-link]");
        if (!link) return;
        const wrapper = byKey.get(link.dataset.fieldLink) || document.getElementById(link.getAttribute("href").slice(1));
        if (!wrapper) return;
        event.preventDefault();
        const details = wrapper.closest("details");
        if (details) details.open = true;
        const target = wrapper.matches("input, select, textarea") ? wrapper : control(wrapper);
        wrapper.scrollIntoView({ block: "center" });
        if (target) target.focus({ preventScroll: true });
      });
    }

    /* ---- Phone: the form or the preview, one tap ------------------------------------------ */
    const switcher = document.querySelector("[data-editor-switch]");
    function showPane(name) {
      if (!switcher || getComputedStyle(switcher).display === "none") return;
      document.body.classList.toggle("editor-shows-form", name === "form");
      document.body.classList.toggle("editor-shows-preview", name === "preview");
      switcher.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.pane === name)));
      if (name === "preview") window.dispatchEvent(new Event("resize"));
    }
    if (switcher) {
      switcher.addEventListener("click", (event) => {
        const button = event.target.closest("button[data-pane]");
        if (button) showPane(button.dataset.pane);
      });
      showPane("form");
    }
  });
})();
