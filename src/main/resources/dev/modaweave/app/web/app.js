// Modaweave playground: posts a turn to /v1/turns and renders its Server-Sent Events (read with
// fetch and a ReadableStream) as they arrive: text, then each image, audio or video in place.
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

  // One assistant bubble per turn; text runs and media interleave in the order of the events.
  function assistant() {
    const box = el("div", "msg assistant");
    box.dataset.turn = "pending";
    log.append(box);
    let textNode = null;
    const pending = new Map();
    return {
      box,
      on(event) {
        switch (event.type) {
          case "text": {
            if (!textNode) { textNode = document.createTextNode(""); box.append(textNode); }
            textNode.appendData(event.text);
            break;
          }
          case "call_accepted": {
            const p = el("div", "pending");
            const bar = el("span", "bar");
            bar.append(el("i"));
            p.append(el("span", null, (event.task || event.tool) + " · " + event.callId), bar);
            pending.set(event.callId, p);
            box.append(p);
            textNode = null;
            break;
          }
          case "progress": {
            const p = pending.get(event.callId);
            if (p) p.querySelector(".bar > i").style.width = Math.round((event.fraction || 0) * 100) + "%";
            break;
          }
          case "artifact": {
            const fig = el("div", "media");
            fig.dataset.kind = event.modality;
            fig.append(mediaElement(event.mimeType, event.id));
            fig.append(el("div", "caption", event.modality + " · " + event.tool + " · " + event.id));
            const p = pending.get(event.callId);
            if (p) { p.replaceWith(fig); pending.delete(event.callId); } else { box.append(fig); }
            textNode = null;
            break;
          }
          case "call_failed": {
            const note = el("div", "note error", "call " + event.callId + " failed: " + event.error.message);
            const p = pending.get(event.callId);
            if (p) { p.replaceWith(note); pending.delete(event.callId); } else { box.append(note); }
            textNode = null;
            break;
          }
          case "call_rejected": {
            const why = event.errors ? event.errors.map((e) => e.message).join("; ") : event.reason;
            box.append(el("div", "note error", "rejected " + (event.callId || "meta-response") + ": " + why));
            textNode = null;
            break;
          }
          case "turn_failed":
            box.append(el("div", "note error", "turn failed: " + event.error.message));
            box.dataset.turn = "failed";
            break;
          case "turn_done":
            box.dataset.turn = "done";
            break;
        }
        scroll();
      },
      fail(message) {
        box.append(el("div", "note error", message));
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
