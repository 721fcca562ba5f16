// Modaweave playground: posts a turn to /v1/turns and renders its Server-Sent Events (read with
// fetch and a ReadableStream) as they arrive: the text, and each image, audio or video at the place of
// its call in the text (a placeholder with progress until it exists).
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const form = $("composer");
  const input = $("message");
  const send = $("send");
  const fileInput = $("file");
  const attachments = $("attachments");
  const sessionId = "web-" + Math.random().toString(36).slice(2, 12);
  let token = sessionStorage.getItem("modaweave.token") || "";
  let pendingMedia = [];
  $("session").textContent = sessionId;

  const EXAMPLES = [
    ["Image", 'A fox in the snow: <meta>{"id":"img1","task":"text-to-image","args":{"prompt":"a red fox in fresh snow"}}</meta>'],
    ["Image + sound", 'A storm at sea: <meta>{"id":"img1","task":"text-to-image","args":{"prompt":"a lighthouse in a storm"}}</meta> and its sound: <meta>{"id":"snd1","task":"text-to-audio","args":{"prompt":"waves and wind"}}</meta>'],
    ["Speech", 'Listen: <meta>{"id":"say1","task":"text-to-speech","args":{"text":"Hello from Modaweave"}}</meta>'],
    ["Video", 'A short clip: <meta>{"id":"vid1","task":"text-to-video","args":{"prompt":"clouds drifting over hills"}}</meta>'],
    ["ModaVerse line", "Modality: [IMAGE] Prompt: a cabin under the northern lights"]
  ];

  function authHeaders(extra) {
    const h = Object.assign({}, extra || {});
    if (token) h["Authorization"] = "Bearer " + token;
    return h;
  }

  function mediaUrl(id) {
    return "/v1/artifacts/" + encodeURIComponent(id) + (token ? "?access_token=" + encodeURIComponent(token) : "");
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function scroll() {
    log.scrollTop = log.scrollHeight;
  }

  function needToken() {
    $("token-box").hidden = false;
    $("status").textContent = "token needed";
    $("status").className = "status bad";
  }

  async function refreshStatus() {
    try {
      const r = await fetch("/ready", { headers: authHeaders() });
      if (r.status === 401) return needToken();
      const body = await r.json();
      $("status").textContent = body.ready ? "ready · " + body.checks.availableTools + " tools" : "not ready";
      $("status").className = "status " + (body.ready ? "ok" : "bad");
    } catch (e) {
      $("status").textContent = "offline";
      $("status").className = "status bad";
    }
  }

  async function refreshTools() {
    const list = $("tools");
    try {
      const r = await fetch("/v1/tools", { headers: authHeaders() });
      if (r.status === 401) return needToken();
      const body = await r.json();
      list.textContent = "";
      for (const t of body.tools) {
        const li = el("li");
        li.dataset.tool = t.name;
        li.dataset.available = String(t.available);
        const dot = el("span", "dot " + t.availability);
        dot.title = t.availability.replace("_", " ") + (t.breaker ? " · breaker " + t.breaker : "");
        li.append(dot, el("span", "name", t.name), el("span", "task", t.task + (t.preview ? " · preview" : "")));
        list.append(li);
      }
      if (!body.tools.length) list.append(el("li", "muted", "no tools registered"));
    } catch (e) {
      list.textContent = "";
      list.append(el("li", "muted", "tools unavailable"));
    }
  }

  function renderExamples() {
    const box = $("examples");
    for (const [label, text] of EXAMPLES) {
      const b = el("button", "chip", label);
      b.type = "button";
      b.addEventListener("click", () => { input.value = text; input.focus(); });
      box.append(b);
    }
  }

  function renderAttachments() {
    attachments.textContent = "";
    pendingMedia.forEach((m, i) => {
      const pill = el("span", "pill", m.name + " · " + m.mimeType);
      const x = el("button", null, "×");
      x.type = "button";
      x.title = "Remove";
      x.addEventListener("click", () => { pendingMedia.splice(i, 1); renderAttachments(); });
      pill.append(x);
      attachments.append(pill);
    });
  }

  fileInput.addEventListener("change", async () => {
    for (const file of fileInput.files) {
      const r = await fetch("/v1/artifacts", {
        method: "POST", headers: authHeaders({ "Content-Type": file.type || "application/octet-stream" }), body: file
      });
      const body = await r.json();
      if (!r.ok) {
        const note = el("div", "note error", file.name + ": " + body.error.message);
        log.append(note);
        scroll();
        continue;
      }
      pendingMedia.push({ id: body.id, mimeType: body.mimeType, name: file.name });
    }
    fileInput.value = "";
    renderAttachments();
  });

  function mediaElement(mimeType, id) {
    const kind = (mimeType || "").split("/")[0];
    let node;
    if (kind === "image") {
      node = el("img");
      node.alt = "generated image " + id;
    } else if (kind === "audio") {
      node = el("audio");
      node.controls = true;
      node.preload = "metadata";
    } else if (kind === "video") {
      node = el("video");
      node.controls = true;
      node.preload = "metadata";
      node.playsInline = true;
    } else {
      node = el("a", null, "download " + id);
      node.href = mediaUrl(id);
      return node;
    }
    node.src = mediaUrl(id);
    node.dataset.artifact = id;
    return node;
  }

  function userMessage(text, media) {
    const m = el("div", "msg user", text);
    for (const a of media) {
      const fig = el("div", "media");
      fig.append(mediaElement(a.mimeType, a.id));
      m.append(fig);
    }
    log.append(m);
  }

  // What a call makes, in words: "text-to-image" → "image"; the call id when the task is unknown.
  function what(task, callId) {
    if (!task) return callId ? "call " + callId : "call";
    const to = task.lastIndexOf("-to-");
    return to >= 0 ? task.slice(to + 4) : task;
  }

  // The task a rejected meta-response asked for, when its JSON can still be read.
  function taskOf(raw) {
    const from = (raw || "").indexOf("{"), to = (raw || "").lastIndexOf("}");
    if (from < 0 || to < from) return null;
    try {
      const task = JSON.parse(raw.slice(from, to + 1)).task;
      return typeof task === "string" && task ? task : null;
    } catch (e) {
      return null;
    }
  }

  function shorten(message) {
    const line = String(message || "").replace(/\s+/g, " ").trim();
    return line.length <= 160 ? line : line.slice(0, 159) + "…";
  }

  // One assistant bubble per turn. The turn's text is kept whole; every call gets a slot at its event's
  // "at" (the text offset where its meta-response stood): a placeholder with progress when the call is
  // accepted, replaced in place by its player or by a failure marker. The bubble is laid out again as
  // text runs cut at the slots' offsets, so media stands inside the text even when a call's events
  // arrive after the text that follows it; slot elements are moved, never rebuilt, so players keep state.
  function assistant() {
    const box = el("div", "msg assistant");
    box.dataset.turn = "pending";
    log.append(box);
    let text = "";
    const slots = [];
    const byCall = new Map();

    function layout() {
      const ordered = slots.slice().sort((a, b) => a.at - b.at || a.order - b.order);
      const nodes = [];
      let from = 0;
      // media stands on its own line: the text around it loses the spaces that separated it from the call
      const run = (a, b) => {
        let t = text.slice(a, b);
        if (nodes.length) t = t.replace(/^\s+/, "");
        return t;
      };
      for (const s of ordered) {
        const at = Math.min(Math.max(s.at, from), text.length);
        const t = run(from, at).replace(/\s+$/, "");
        if (t) nodes.push(document.createTextNode(t));
        from = at;
        nodes.push(s.node);
      }
      const rest = run(from, text.length);
      if (rest) nodes.push(document.createTextNode(rest));
      const tail = box.querySelectorAll(":scope > .turn-end");
      box.replaceChildren(...nodes, ...tail);
    }

    function slot(event) {
      let s = event.callId ? byCall.get(event.callId) : null;
      if (!s) {
        const at = Number.isInteger(event.at) ? event.at : text.length;
        s = { at, order: slots.length, task: event.task, node: el("div", "pending") };
        s.node.dataset.call = event.callId || "";
        s.node.dataset.at = String(at);
        slots.push(s);
        if (event.callId) byCall.set(event.callId, s);
      }
      if (event.task && !s.task) s.task = event.task;
      return s;
    }

    function place(s, node) {
      node.dataset.call = s.node.dataset.call;
      node.dataset.at = s.node.dataset.at;
      s.node.replaceWith(node);
      s.node = node;
      layout();
    }

    function placeholder(s, label) {
      const p = el("div", "pending");
      const bar = el("span", "bar");
      bar.append(el("i"));
      p.append(el("span", null, label), bar);
      place(s, p);
    }

    return {
      box,
      on(event) {
        switch (event.type) {
          case "text": {
            const plain = box.lastChild && box.lastChild.nodeType === Node.TEXT_NODE && slots.every((s) => s.at <= text.length);
            text += event.text;
            if (plain) box.lastChild.appendData(event.text); else layout();
            break;
          }
          case "call_accepted": {
            const s = slot(event);
            if (!s.node.querySelector(".bar")) placeholder(s, what(event.task, event.callId) + " · " + event.callId + " …");
            break;
          }
          case "progress": {
            const s = slot(event);
            if (!s.node.querySelector(".bar")) placeholder(s, what(s.task, event.callId) + " · " + event.callId + " …");
            s.node.querySelector(".bar > i").style.width = Math.round((event.fraction || 0) * 100) + "%";
            break;
          }
          case "artifact": {
            const s = slot(event);
            const fig = el("div", "media");
            fig.dataset.kind = event.modality;
            fig.append(mediaElement(event.mimeType, event.id));
            fig.append(el("div", "caption", event.modality + " · " + event.tool + " · " + event.id));
            place(s, fig);
            break;
          }
          case "call_failed": {
            const s = slot(event);
            const message = event.error ? event.error.message : "unknown error";
            place(s, el("div", "note error", "[" + what(s.task, event.callId) + " failed: " + shorten(message) + "]"));
            break;
          }
          case "call_rejected": {
            const s = slot(event);
            const why = event.errors && event.errors.length ? event.errors[0].message : event.reason;
            if (!s.task) s.task = taskOf(event.raw);
            const who = s.task ? what(s.task) : event.callId ? "call " + event.callId : "meta-response";
            place(s, el("div", "note error", "[" + who + " rejected: " + shorten(why) + "]"));
            break;
          }
          case "turn_failed":
            box.append(el("div", "note error turn-end", "turn failed: " + event.error.message));
            box.dataset.turn = "failed";
            break;
          case "turn_done":
            box.dataset.turn = "done";
            break;
        }
        scroll();
      },
      fail(message) {
        box.append(el("div", "note error turn-end", message));
        box.dataset.turn = "failed";
      }
    };
  }

  // Reads "data: {json}" events separated by blank lines from the response body as they arrive.
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (data) onEvent(JSON.parse(data));
      }
    }
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text && !pendingMedia.length) return;
    const media = pendingMedia;
    pendingMedia = [];
    renderAttachments();
    $("hint").hidden = true;
    userMessage(text, media);
    input.value = "";
    send.disabled = true;
    const turn = assistant();
    scroll();
    try {
      const r = await fetch("/v1/turns", {
        method: "POST",
        headers: authHeaders({ "Content-Type": "application/json", "Accept": "text/event-stream" }),
        body: JSON.stringify({ sessionId, message: { text, media: media.map((m) => m.id) } })
      });
      if (r.status === 401) { needToken(); turn.fail("this server needs a bearer token"); return; }
      if (!r.ok) { const body = await r.json(); turn.fail(body.error.message); return; }
      await readEvents(r, (event) => turn.on(event));
    } catch (err) {
      turn.fail("the connection failed: " + err.message);
    } finally {
      send.disabled = false;
      input.focus();
      refreshTools();
    }
  });

  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });

  $("token-save").addEventListener("click", () => {
    token = $("token").value.trim();
    sessionStorage.setItem("modaweave.token", token);
    $("token-box").hidden = true;
    refreshStatus();
    refreshTools();
  });

  renderExamples();
  refreshStatus();
  refreshTools();
})();
