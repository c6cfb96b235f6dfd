// The page at "/": ask /ask, show the answer sentence highlighted inside its passage, its citation (a link
// to the passage in the reader view), the other passages and the table of contents. Plain DOM, no build step, no external resources.
"use strict";

const $ = (id) => document.getElementById(id);

// "page 6", "pages 6-7", or "" for a format without pages (Markdown, HTML): never "page null".
function pages(c) {
  if (c.page === null || c.page === undefined) return "";
  if (c.page_end === null || c.page_end === undefined || c.page === c.page_end) return `page ${c.page}`;
  return `pages ${c.page}-${c.page_end}`;
}

function citationText(c) {
  const footnote = c.footnote === null || c.footnote === undefined ? "" : `, footnote ${c.footnote}`;
  const where = pages(c) ? `, ${pages(c)}` : "";
  return `${c.document}, section ${c.section} “${c.title}”${where}${footnote}`;
}

// The span to highlight: the service's `highlight` when it gives one, else the answer text found in the
// passage, else nothing (the whole passage is the answer).
function spanOf(passage, answer) {
  const h = passage.highlight;
  if (h && Number.isInteger(h.start) && Number.isInteger(h.end) && h.start < h.end) return [h.start, h.end];
  if (answer && answer.passage_id === passage.id && answer.text) {
    const at = passage.text.indexOf(answer.text);
    if (at >= 0) return [at, at + answer.text.length];
  }
  return null;
}

// The citation, as a link to its passage in the reader view, and for a PDF a second link to its page.
function citeNode(c) {
  const cite = document.createElement("p");
  cite.className = "cite";
  if (c.url) {
    const link = document.createElement("a");
    link.href = c.url;
    link.textContent = citationText(c);
    cite.append(link);
  } else {
    cite.textContent = citationText(c);
  }
  if (c.source_url) {
    const pdf = document.createElement("a");
    pdf.href = c.source_url;
    pdf.className = "source-link";
    pdf.textContent = pages(c) ? `PDF, ${pages(c)}` : "PDF";
    cite.append(" ", pdf);
  }
  return cite;
}

function passageNode(passage, answer, tag) {
  const node = document.createElement(tag);
  node.className = "passage";
  node.dataset.passageId = passage.id;
  const text = document.createElement("p");
  text.className = "text";
  const span = spanOf(passage, answer);
  if (span) {
    const mark = document.createElement("mark");
    mark.textContent = passage.text.slice(span[0], span[1]);
    text.append(passage.text.slice(0, span[0]), mark, passage.text.slice(span[1]));
  } else {
    text.textContent = passage.text;
  }
  node.append(text, citeNode(passage.citation));
  return node;
}

function setBusy(busy) {
  $("ask-button").disabled = busy;
  $("ask-form").setAttribute("aria-busy", String(busy));
  $("status").textContent = busy ? "Searching the report…" : "";
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

function render(payload) {
  const best = $("best");
  best.replaceChildren();
  $("other-list").replaceChildren();
  $("index-version").textContent = payload.index.version;
  const answerable = payload.answerable !== false && payload.passages.length > 0;
  $("answer").hidden = false;
  if (!answerable) {
    const none = document.createElement("p");
    none.className = "no-answer";
    none.id = "no-answer";
    none.textContent = (payload.verdict || "The report does not appear to answer this.") + (payload.reason ? ` ${payload.reason}` : "");
    best.append(none);
    // The closest passages still show, so a reader can judge for themselves.
    for (const passage of payload.passages) $("other-list").append(passageNode(passage, null, "li"));
    $("others-heading").textContent = "Closest passages (they do not answer it)";
  } else {
    $("others-heading").textContent = "Other passages";
    const answer = payload.answer || null;
    const top = (answer && payload.passages.find((p) => p.id === answer.passage_id)) || payload.passages[0];
    best.replaceWith(Object.assign(passageNode(top, answer, "article"), { id: "best", className: "passage best" }));
    for (const passage of payload.passages.filter((p) => p !== top)) {
      $("other-list").append(passageNode(passage, null, "li"));
    }
  }
  $("others").hidden = $("other-list").children.length === 0;
  $("status").textContent = answerable ? "Answer found." : "No answer in the report.";
}

async function ask(event) {
  event.preventDefault();
  $("error").hidden = true;
  const question = $("question").value.trim();
  if (!question) {
    showError("Type a question about the report first.");
    $("question").focus();
    return;
  }
  const body = { question };
  const chosen = $("section").selectedOptions[0];
  if (chosen && chosen.dataset.document) body.document = chosen.dataset.document;
  if ($("section").value) body.section = $("section").value;
  setBusy(true);
  try {
    const response = await fetch("/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(payload.detail || `The service answered ${response.status}.`);
    setBusy(false);
    render(payload);
  } catch (error) {
    setBusy(false);
    showError(error instanceof TypeError ? "Could not reach the service; is it running?" : error.message);
  }
}

async function loadSections() {
  try {
    const response = await fetch("/sections");
    const payload = await response.json();
    if (!response.ok) throw new Error(payload.detail || `The service answered ${response.status}.`);
    $("index-version").textContent = payload.index.version;
    // Several documents: each is a group of the menu and of the table of contents, and an option
    // names its document, since section ids repeat across documents.
    const documents = payload.documents && payload.documents.length ? payload.documents : [{ sections: payload.sections }];
    const several = documents.length > 1;
    for (const doc of documents) {
      let menu = $("section");
      let list = $("toc-list");
      if (several) {
        menu = document.createElement("optgroup");
        menu.label = doc.title;
        const whole = new Option(`The whole of ${doc.title}`, "");
        whole.dataset.document = doc.id;
        menu.append(whole);
        $("section").append(menu);
        const heading = document.createElement("li");
        heading.className = "toc-document";
        heading.textContent = doc.title;
        list = document.createElement("ul");
        heading.append(list);
        $("toc-list").append(heading);
      }
      for (const section of doc.sections) {
        const label = pages(section) ? `${section.id} ${section.title} (${pages(section)})` : `${section.id} ${section.title}`;
        const option = new Option(label, section.id);
        if (several) option.dataset.document = doc.id;
        menu.append(option);
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.addEventListener("click", () => {
          option.selected = true;
          $("question").focus();
        });
        const item = document.createElement("li");
        item.append(button);
        list.append(item);
      }
    }
  } catch (error) {
    showError(error.message || "Could not load the table of contents.");
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("ask-form").addEventListener("submit", ask);
  loadSections();
});
