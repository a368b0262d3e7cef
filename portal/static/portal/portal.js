/* Lastmile portal behaviour, without a build step: live character counts, a small rich-text
   editor (bold, italic, lists, links as the field allows), the live preview scaled to the page,
   a warning before leaving with unsaved changes, and the automatic download when a render is ready. */
(function () {
  "use strict";

  /* Markup the user typed (or that comes back after a rejected save) is never given to innerHTML:
     it is parsed in an inert document (DOMParser: no script runs, no image loads, no handler
     fires) and only what the field allows is rebuilt, element by element, in the page. */
  const RICH_TAGS = { bold: ["strong", "b"], italic: ["em", "i"], lists: ["ul", "ol", "li"], links: ["a"] };
  const ALWAYS_ALLOWED = ["p", "br"];
  // Dropped with everything inside them; any other tag outside the allowlist is unwrapped to its text.
  const DROPPED = ["script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math", "head", "title"];
  const SAFE_LINK = /^(https:|mailto:|tel:)/i;

  function parseInert(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function allowedTags(formatting) {
    return new Set(ALWAYS_ALLOWED.concat(...formatting.map((name) => RICH_TAGS[name] || [])));
  }

  function appendAllowed(source, target, allowed) {
    source.childNodes.forEach((node) => {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(document.createTextNode(node.data));
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const tag = node.localName;
      if (DROPPED.includes(tag)) return;
      if (!allowed.has(tag)) {
        appendAllowed(node, target, allowed);
        return;
      }
      const element = document.createElement(tag);
      const href = tag === "a" ? (node.getAttribute("href") || "").trim() : "";
      if (href && SAFE_LINK.test(href)) element.setAttribute("href", href);
      appendAllowed(node, element, allowed);
      target.appendChild(element);
    });
  }

  function showRichText(area, html, formatting) {
    const fragment = document.createDocumentFragment();
    appendAllowed(parseInert(html).body, fragment, allowedTags(formatting));
    area.replaceChildren(fragment);
  }

  function plainLength(el) {
    return el.dataset.richSource ? parseInert(el.value).body.textContent.length : el.value.length;
  }

  function updateCounter(el) {
    const counter = document.getElementById("count-" + el.name);
    const max = parseInt(el.dataset.maxChars || "0", 10);
    if (!counter || !max) return;
    const length = plainLength(el);
    counter.querySelector("[data-count]").textContent = length;
    counter.classList.toggle("is-over", length > max);
  }

  const COMMANDS = { bold: ["B", "bold"], italic: ["I", "italic"], lists: ["• List", "insertUnorderedList"], links: ["Link", "createLink"] };

  function setUpRichEditor(wrapper) {
    const textarea = wrapper.querySelector("textarea");
    const formatting = (wrapper.dataset.formatting || "").split(",").filter(Boolean);
    const toolbar = document.createElement("div");
    toolbar.className = "rich-editor__toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting");
    const area = document.createElement("div");
    area.className = "rich-editor__area";
    // A document in review is read-only: its fieldset is disabled, and so is the rich-text area.
    const readOnly = textarea.disabled || Boolean(textarea.closest("fieldset[disabled]"));
    area.contentEditable = readOnly ? "false" : "true";
    if (readOnly) area.setAttribute("aria-readonly", "true");
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-labelledby", textarea.id + "-label");
    const label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) { label.id = textarea.id + "-label"; label.addEventListener("click", () => area.focus()); }
    showRichText(area, textarea.value, formatting);
    formatting.forEach((name) => {
      const command = COMMANDS[name];
      if (!command) return;
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = command[0];
      button.setAttribute("aria-label", name);
      button.addEventListener("click", () => {
        area.focus();
        if (command[1] === "createLink") {
          const url = (window.prompt("Link address (https://, mailto: or tel:)") || "").trim();
          if (SAFE_LINK.test(url)) document.execCommand("createLink", false, url);
        } else {
          document.execCommand(command[1]);
        }
        sync();
      });
      toolbar.appendChild(button);
    });
    if (formatting.some((name) => name === "bold" || name === "italic")) {
      const clear = document.createElement("button");
      clear.type = "button";
      clear.className = "rich-editor__clear";
      clear.textContent = "Clear formatting";
      clear.addEventListener("click", () => {
        area.focus();
        const selection = window.getSelection();
        // With nothing selected, the whole text loses its bold and italic.
        if (selection.isCollapsed) selection.selectAllChildren(area);
        document.execCommand("removeFormat");
        area.querySelectorAll("b, strong, i, em").forEach((el) => el.replaceWith(...el.childNodes));
        sync();
      });
      toolbar.appendChild(clear);
    }
    // Typing over everything starts afresh: the new text does not inherit the formatting of the
    // text it replaces (select all and retype gives plain text; bold is one click away).
    area.addEventListener("beforeinput", (event) => {
      if (event.inputType !== "insertText" || !event.data) return;
      const selection = window.getSelection();
      if (selection.isCollapsed || !area.textContent.trim()) return;
      const squeeze = (text) => text.replace(/\s+/g, "");
      if (squeeze(selection.toString()) !== squeeze(area.textContent)) return;
      event.preventDefault();
      const paragraph = document.createElement("p");
      paragraph.textContent = event.data;
      area.replaceChildren(paragraph);
      selection.collapse(paragraph.firstChild, event.data.length);
      sync();
    });
    function sync() {
      textarea.value = area.innerHTML;
      updateCounter(textarea);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    area.addEventListener("input", sync);
    area.addEventListener("paste", (event) => {
      event.preventDefault();
      document.execCommand("insertText", false, (event.clipboardData || window.clipboardData).getData("text"));
    });
    textarea.dataset.richSource = "1";
    textarea.hidden = true;
    wrapper.insertBefore(toolbar, textarea);
    wrapper.insertBefore(area, textarea);
  }

  function scalePreview(frame) {
    const doc = frame.contentDocument;
    if (!doc || !doc.body) return;
    // Measured at full size, so a second call (a resize, a new render) does not scale twice.
    doc.documentElement.style.zoom = 1;
    const sheetWidth = Math.max(doc.body.getBoundingClientRect().width + 48, doc.documentElement.scrollWidth);
    const fullHeight = doc.documentElement.scrollHeight;
    const available = frame.parentElement.getBoundingClientRect().width;
    const scale = Math.min(1, available / sheetWidth);
    doc.documentElement.style.zoom = scale;
    frame.style.height = Math.max(200, Math.ceil(fullHeight * scale) + 8) + "px";
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-rich-editor]").forEach(setUpRichEditor);
    document.querySelectorAll("iframe.preview-sheet[srcdoc]").forEach((frame) => {
      frame.addEventListener("load", () => scalePreview(frame), { once: true });
    });

    document.querySelectorAll("[data-max-chars]").forEach(updateCounter);
    const form = document.querySelector("[data-dirty-guard]");
    if (form) {
      let dirty = false;
      // Inputs that belong to another form (the share box) do not make the document dirty.
      form.addEventListener("input", (event) => {
        if (event.target.form !== form) return;
        dirty = true;
        if (event.target.dataset) updateCounter(event.target);
      });
      form.addEventListener("change", (event) => { if (event.target.form === form) dirty = true; });
      form.addEventListener("submit", () => { dirty = false; });
      window.addEventListener("beforeunload", (event) => { if (dirty) { event.preventDefault(); event.returnValue = ""; } });
    }
  });

  /* The preview keeps one iframe. When only the content changed, its body is replaced in place, so
     fonts and images stay loaded and nothing flickers; a change of styles reloads the whole page. */
  function showPreview(html) {
    const frame = document.getElementById("preview-frame");
    if (!frame) return;
    const current = frame.contentDocument;
    const next = new DOMParser().parseFromString(html, "text/html");
    if (current && current.body && current.head && frame.dataset.loaded === "1" &&
        current.head.innerHTML === next.head.innerHTML) {
      current.body.className = next.body.className;
      current.body.innerHTML = next.body.innerHTML;
      scalePreview(frame);
      return;
    }
    frame.addEventListener("load", () => { frame.dataset.loaded = "1"; scalePreview(frame); }, { once: true });
    frame.dataset.loaded = "0";
    frame.srcdoc = html;
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    const source = event.detail.target.querySelector && event.detail.target.querySelector("[data-preview-html]");
    if (source) showPreview(source.value);
    const ready = event.detail.target.querySelector && event.detail.target.querySelector("[data-autodownload]");
    if (ready) window.location.href = ready.getAttribute("href");
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const ready = event.detail.elt && event.detail.elt.querySelector && event.detail.elt.querySelector("[data-autodownload]");
    if (ready) window.location.href = ready.getAttribute("href");
  });
  window.addEventListener("resize", () => document.querySelectorAll("iframe.preview-sheet").forEach(scalePreview));
})();
