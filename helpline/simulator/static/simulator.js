// The helpline simulator: a phone that acts on TwiML as Twilio would, and an SMS pane.
// Every request goes to the simulator's JSON endpoints, which sign it and run it through
// the real webhooks; this page never holds the auth token.
"use strict";

(() => {
  const settings = JSON.parse(document.getElementById("simulator-settings").textContent);
  const $ = (id) => document.getElementById(id);
  const els = {
    language: $("caller-language"), number: $("caller-number"), sound: $("sound"),
    status: $("call-status"), listening: $("listening"), captions: $("captions"),
    player: $("player"), callButton: $("call-button"), hangupButton: $("hangup-button"),
    sayForm: $("say-form"), sayInput: $("say-input"), terminal: $("terminal-command"),
    messages: $("messages"), smsForm: $("sms-form"), smsInput: $("sms-input"),
    channel: $("sms-channel"),
  };
  const MAX_CAPTIONS = 300;
  const transcripts = {};
  const screens = {};
  const shownOutbox = new Set();
  let lastOutboxId = 0;
  let call = null;

  // --- small helpers ---------------------------------------------------------------------

  async function api(name, payload) {
    const response = await fetch(settings.api[name], {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(payload),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(data.error || `the simulator answered HTTP ${response.status}`);
    }
    return data;
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function caption(kind, text, detail) {
    const line = element("div", `caption caption-${kind}`);
    line.appendChild(element("span", "caption-text", text));
    if (detail) line.appendChild(element("span", "caption-detail", detail));
    els.captions.appendChild(line);
    while (els.captions.childElementCount > MAX_CAPTIONS) {
      els.captions.removeChild(els.captions.firstElementChild);
    }
    els.captions.scrollTop = els.captions.scrollHeight;
    return line;
  }

  function callerNumber() {
    return els.number.value.trim();
  }

  function randomHex(bytes) {
    const data = new Uint8Array(bytes);
    crypto.getRandomValues(data);
    return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function pathOf(url, base) {
    const resolved = new URL(url, new URL(base || "/voice", location.origin));
    return resolved.pathname + resolved.search;
  }

  // --- waiting that a key press (barge-in) or a hang-up can cut short ----------------------

  const pending = new Set();

  function cancellable(start) {
    return new Promise((resolve) => {
      let done = false;
      let cleanup = null;
      const finish = () => {
        if (done) return;
        done = true;
        pending.delete(finish);
        if (cleanup) cleanup();
        resolve();
      };
      pending.add(finish);
      cleanup = start(finish) || null;
      if (done && cleanup) cleanup();
    });
  }

  function interrupt() {
    for (const finish of [...pending]) finish();
  }

  function sleep(ms) {
    return cancellable((done) => {
      const timer = setTimeout(done, ms);
      return () => clearTimeout(timer);
    });
  }

  function playFile(url) {
    if (!els.sound.checked) return sleep(300);
    return cancellable((done) => {
      const player = els.player;
      player.onended = done;
      player.onerror = () => {
        caption("error", "This file could not be played.", url);
        done();
      };
      player.src = url;
      player.play().catch((error) => {
        if (error && error.name === "AbortError") return;
        caption("error", `The browser did not play this file (${error.name}).`, url);
        done();
      });
      return () => {
        player.onended = null;
        player.onerror = null;
        player.pause();
      };
    });
  }

  function voiceFor(lang) {
    const voices = window.speechSynthesis ? window.speechSynthesis.getVoices() : [];
    const wanted = (lang || "").toLowerCase();
    const base = wanted.split("-")[0];
    return voices.find((v) => v.lang.toLowerCase() === wanted)
      || voices.find((v) => v.lang.toLowerCase().split("-")[0] === base) || null;
  }

  function speak(text, lang) {
    const synth = window.speechSynthesis;
    const voice = els.sound.checked && synth ? voiceFor(lang) : null;
    if (!voice) {
      // No voice for this language here: hold the caption about as long as it takes to say.
      return sleep(els.sound.checked ? Math.min(12000, 500 + text.length * 45) : 300);
    }
    return cancellable((done) => {
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.onend = done;
      utterance.onerror = done;
      synth.speak(utterance);
      return () => synth.cancel();
    });
  }

  // --- the call ----------------------------------------------------------------------------

  function alive(generation) {
    return call !== null && !call.ended && call.generation === generation;
  }

  function setCallState(state) {
    document.body.dataset.callState = state;
    const inCall = state === "ringing" || state === "in-call";
    els.callButton.disabled = inCall;
    els.hangupButton.disabled = !inCall;
  }

  function updateTerminalCommand() {
    const parts = ["helpline simulate call", `--from ${callerNumber() || "+447400123456"}`];
    let keys = [];
    const flush = () => {
      if (keys.length) parts.push(`--keys "${keys.join(" ")}"`);
      keys = [];
    };
    for (const step of call ? call.trail : []) {
      if (step.say !== undefined) {
        flush();
        parts.push(`--say "${step.say.replace(/["\\$`]/g, "\\$&")}"`);
      } else {
        keys.push(step.keys);
      }
    }
    flush();
    els.terminal.textContent = parts.join(" ");
  }

  function startCall() {
    const number = callerNumber();
    if (!number) {
      els.status.textContent = "Enter the caller's number first.";
      els.number.focus();
      return;
    }
    els.captions.replaceChildren();
    call = {
      sid: `CA${randomHex(16)}`, from: number, started: Date.now(), generation: 0,
      ended: false, gather: null, url: "/voice", trail: [],
    };
    setCallState("ringing");
    els.status.textContent = `Calling ${settings.helplineNumber} from ${number}…`;
    updateTerminalCommand();
    post("/voice", {CallStatus: "ringing"});
  }

  async function post(url, fields) {
    const current = call;
    const params = {CallSid: current.sid, From: current.from, CallStatus: "in-progress",
      ...fields};
    els.listening.textContent = "";
    let data;
    try {
      data = await api("voice", {url, params});
    } catch (error) {
      if (current === call) endCall(`The simulator could not reach the helpline: ${error.message}`);
      return;
    }
    if (current !== call || current.ended) return;
    Object.assign(transcripts, data.transcripts || {});
    Object.assign(screens, data.screens || {});
    if (data.status !== 200 || data.error) {
      caption("error", `The helpline answered HTTP ${data.status}${data.error ? `: ${data.error}` : ""}.`,
        "On a real call Twilio would now say \"an application error has occurred\".");
      endCall("The call failed.");
      return;
    }
    if (document.body.dataset.callState === "ringing") {
      setCallState("in-call");
      els.status.textContent = `In a call from ${current.from}.`;
    }
    pollOutbox();
    runDocument(data.twiml, url);
  }

  async function runDocument(twiml, url) {
    interrupt();
    const generation = ++call.generation;
    call.url = url;
    call.gather = null;
    const doc = new DOMParser().parseFromString(twiml, "text/xml");
    const root = doc.documentElement;
    if (doc.getElementsByTagName("parsererror").length || root.nodeName !== "Response") {
      caption("error", "The helpline answered something that is not TwiML.");
      endCall("The call failed.");
      return;
    }
    for (const verb of Array.from(root.children)) {
      if (!alive(generation)) return;
      if (await runVerb(verb, generation) === "stop") return;
    }
    if (alive(generation)) endCall("The call ended: the helpline gave no more instructions.");
  }

  async function runVerb(verb, generation) {
    const name = verb.nodeName;
    const text = (verb.textContent || "").trim();
    if (name === "Say") {
      caption("say", text, verb.getAttribute("language") || "");
      await speak(text, verb.getAttribute("language"));
    } else if (name === "Play") {
      caption("play", transcripts[text] || "(a recording)", `▶ ${fileLabel(text)}`);
      const loops = parseInt(verb.getAttribute("loop") || "1", 10) || 1;
      for (let i = 0; i < Math.min(loops, 10) && alive(generation); i++) await playFile(text);
    } else if (name === "Pause") {
      const seconds = parseInt(verb.getAttribute("length") || "1", 10) || 1;
      caption("info", `(pause, ${seconds} s)`);
      await sleep(seconds * 1000);
    } else if (name === "Gather") {
      return gather(verb, generation);
    } else if (name === "Redirect") {
      caption("info", "(redirect)", screens[text] || text);
      post(pathOf(text, call.url), {});
      return "stop";
    } else if (name === "Hangup" || name === "Reject") {
      endCall("The helpline hung up.");
      return "stop";
    } else if (name === "Dial") {
      return dial(verb, generation);
    } else {
      caption("info", `(the simulator skips <${name}>)`);
    }
    return "continue";
  }

  function fileLabel(url) {
    try {
      const path = new URL(url, location.origin).pathname.replace(/^\//, "");
      return path.startsWith("audio/") ? path : url;
    } catch (error) {
      return url;
    }
  }

  async function dial(verb, generation) {
    const number = (verb.querySelector("Number")?.textContent || verb.textContent || "").trim();
    caption("system", `Transferring to a person at ${number}.`,
      "The simulator cannot connect a real call, so it reports that nobody answered.");
    await sleep(1500);
    if (!alive(generation)) return "stop";
    const action = verb.getAttribute("action");
    if (!action) return "continue";
    post(pathOf(action, call.url), {DialCallStatus: "no-answer", DialCallDuration: "0"});
    return "stop";
  }

  function gather(verb, generation) {
    const rawAction = verb.getAttribute("action");
    const g = {
      action: rawAction ? pathOf(rawAction, call.url) : call.url,
      screen: screens[rawAction] || "",
      numDigits: parseInt(verb.getAttribute("numDigits") || "", 10) || null,
      finishOnKey: verb.hasAttribute("finishOnKey") ? verb.getAttribute("finishOnKey") : "#",
      timeout: parseInt(verb.getAttribute("timeout") || "5", 10),
      inputs: (verb.getAttribute("input") || "dtmf").split(/\s+/),
      emptyAction: verb.getAttribute("actionOnEmptyResult") === "true",
      digits: "", heard: false, done: false, timer: null, resolve: null, generation,
    };
    call.gather = g;
    const ways = [g.inputs.includes("dtmf") ? "keys" : "", g.inputs.includes("speech") ? "speech" : ""]
      .filter(Boolean).join(" or ");
    els.listening.textContent = `Listening${g.screen ? ` at ${g.screen}` : ""}: ${ways}, `
      + `${g.timeout} s timeout.`;
    document.body.dataset.listening = g.screen || "yes";
    const result = new Promise((resolve) => { g.resolve = resolve; });
    (async () => {
      for (const child of Array.from(verb.children)) {
        if (!alive(generation) || g.heard || g.done) return;
        await runVerb(child, generation);
      }
      if (alive(generation) && !g.heard && !g.done) restartTimer(g);
    })();
    return result;
  }

  function restartTimer(g) {
    clearTimeout(g.timer);
    g.timer = setTimeout(() => timedOut(g), g.timeout * 1000);
  }

  function timedOut(g) {
    if (g.done || !alive(g.generation)) return;
    if (g.digits) {
      submit(g, {Digits: g.digits}, {keys: g.digits});
    } else if (g.emptyAction) {
      caption("you", `(silence for ${g.timeout} s)`);
      submit(g, {}, {keys: "_"});
    } else {
      finishGather(g);
      g.resolve("continue");
    }
  }

  function finishGather(g) {
    g.done = true;
    clearTimeout(g.timer);
    if (call && call.gather === g) call.gather = null;
    delete document.body.dataset.listening;
    els.listening.textContent = "";
  }

  function submit(g, fields, step) {
    if (g.done) return;
    finishGather(g);
    interrupt();
    call.trail.push(step);
    updateTerminalCommand();
    g.resolve("stop");
    post(g.action, fields);
  }

  function pressKey(key) {
    if (!call || call.ended) {
      caption("info", "Press Call first.");
      return;
    }
    const g = call.gather;
    if (!g || g.done || !g.inputs.includes("dtmf")) {
      caption("info", `(key ${key}: nothing is listening for keys right now)`);
      return;
    }
    g.heard = true;
    interrupt();
    if (g.finishOnKey && key === g.finishOnKey) {
      caption("you", `You pressed ${g.digits}${key}`);
      submit(g, {Digits: g.digits, FinishedOnKey: key}, {keys: `${g.digits}${key}`});
      return;
    }
    g.digits += key;
    if (g.numDigits && g.digits.length >= g.numDigits) {
      caption("you", `You pressed ${g.digits}`);
      submit(g, {Digits: g.digits}, {keys: g.digits});
    } else {
      els.listening.textContent = `Typed ${g.digits}; end with ${g.finishOnKey || "a pause"}.`;
      restartTimer(g);
    }
  }

  function saySomething(words) {
    if (!call || call.ended) {
      caption("info", "Press Call first.");
      return false;
    }
    const g = call.gather;
    if (!g || g.done || !g.inputs.includes("speech")) {
      caption("info", "(nothing is listening for speech right now)");
      return false;
    }
    g.heard = true;
    caption("you", `You said “${words}”`);
    submit(g, {SpeechResult: words, Confidence: "0.92"}, {say: words});
    return true;
  }

  function endCall(message) {
    if (!call || call.ended) return;
    const ended = call;
    ended.ended = true;
    interrupt();
    if (ended.gather) clearTimeout(ended.gather.timer);
    ended.gather = null;
    delete document.body.dataset.listening;
    els.listening.textContent = "";
    caption("system", message);
    const seconds = Math.round((Date.now() - ended.started) / 1000);
    els.status.textContent = `${message} The call lasted ${seconds} s.`;
    setCallState("ending");
    // Twilio tells the helpline how the call ended: its status callback.
    api("voice", {url: "/voice/status", params: {CallSid: ended.sid, From: ended.from,
      CallStatus: "completed", CallDuration: String(seconds)}})
      .catch((error) => caption("error", `Status callback failed: ${error.message}`))
      .finally(() => {
        setCallState("ended");
        pollOutbox();
      });
  }

  // --- texts -------------------------------------------------------------------------------

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
  }

  function bubble(direction, text, meta) {
    const item = element("li", `bubble bubble-${direction}`);
    item.appendChild(element("p", "bubble-text", text));
    if (meta) item.appendChild(element("p", "bubble-meta", meta));
    els.messages.appendChild(item);
    els.messages.scrollTop = els.messages.scrollHeight;
    return item;
  }

  function cost(part) {
    return `${part.encoding} · ${plural(part.segments, "segment")} · ${plural(part.characters, "character")}`;
  }

  function onWhatsApp() {
    return els.channel.value === "whatsapp";
  }

  // WhatsApp has no segments: a message is its characters, up to Twilio's 1,600.
  function describe(part) {
    return onWhatsApp() ? `WhatsApp · ${plural(part.characters, "character")}` : cost(part);
  }

  // A voice note: the served audio in a player, and a button that plays it.
  function addVoiceNote(item, url) {
    const audio = element("audio");
    audio.controls = true;
    audio.preload = "none";
    audio.src = pathOf(url, location.href);
    audio.setAttribute("aria-label", "Voice note");
    audio.addEventListener("playing", () => { item.dataset.played = "true"; });
    const play = element("button", "play-note", "Play voice note");
    play.type = "button";
    play.addEventListener("click", () => {
      audio.play().catch((error) => bubble("error", `The voice note did not play (${error.name}).`));
    });
    item.insertBefore(audio, item.querySelector(".bubble-meta"));
    item.insertBefore(play, item.querySelector(".bubble-meta"));
  }

  async function sendText(body) {
    const number = callerNumber();
    const channel = els.channel.value;
    bubble("out", body, `from ${number}${onWhatsApp() ? " on WhatsApp" : ""}`);
    try {
      const data = await api("sms", {from: number, body, channel});
      if (data.status !== 200 || data.error) {
        bubble("error", `The helpline answered HTTP ${data.status}${data.error ? `: ${data.error}` : ""}.`);
        return;
      }
      if (!data.replies.length) bubble("note", "No reply (Twilio sends nothing).");
      data.replies.forEach((part, i) => {
        const item = bubble("in", part.text,
          `reply ${i + 1} of ${data.replies.length} · ${describe(part)}`);
        item.dataset.encoding = part.encoding;
        item.dataset.segments = String(part.segments);
      });
    } catch (error) {
      bubble("error", `Not sent: ${error.message}`);
    }
    pollOutbox();
  }

  let polling = false;

  async function pollOutbox() {
    const number = callerNumber();
    if (polling || !number) return;
    polling = true;
    try {
      const data = await api("outbox", {from: number, after: lastOutboxId,
        channel: els.channel.value});
      for (const message of data.messages) {
        lastOutboxId = Math.max(lastOutboxId, message.id);
        if (shownOutbox.has(message.id)) continue;
        shownOutbox.add(message.id);
        const item = bubble("in outbox", message.text,
          `queued ${message.channel === "whatsapp" ? "WhatsApp message" : "text"} `
          + `(${message.kind}, part ${message.part}, ${message.state}) · ${describe(message)}`);
        if (message.media_url) addVoiceNote(item, message.media_url);
        item.dataset.encoding = message.encoding;
        item.dataset.segments = String(message.segments);
      }
    } catch (error) {
      // The next poll tries again; the pane says nothing about a passing failure.
    } finally {
      polling = false;
    }
  }

  // --- wiring ------------------------------------------------------------------------------

  els.language.addEventListener("change", () => {
    const language = settings.languages[Number(els.language.value)];
    if (language) els.number.value = language.number;
    lastOutboxId = 0;
    updateTerminalCommand();
    pollOutbox();
  });
  els.number.addEventListener("change", () => {
    lastOutboxId = 0;
    updateTerminalCommand();
  });
  els.channel.addEventListener("change", () => {
    lastOutboxId = 0;
    pollOutbox();
  });
  els.callButton.addEventListener("click", startCall);
  els.hangupButton.addEventListener("click", () => endCall("You hung up."));
  document.querySelectorAll(".keypad .key").forEach((button) => {
    button.addEventListener("click", () => pressKey(button.dataset.key));
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA"
      || target.tagName === "SELECT")) return;
    if (/^[0-9*#]$/.test(event.key) && call && !call.ended) {
      event.preventDefault();
      pressKey(event.key);
    }
  });
  els.sayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const words = els.sayInput.value.trim();
    if (words && saySomething(words)) els.sayInput.value = "";
  });
  els.smsForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = els.smsInput.value.trim();
    if (!body) return;
    els.smsInput.value = "";
    sendText(body);
  });
  els.smsInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      els.smsForm.requestSubmit();
    }
  });
  setInterval(() => {
    if (document.visibilityState === "visible") pollOutbox();
  }, 3000);
  if (window.speechSynthesis) window.speechSynthesis.getVoices();
  updateTerminalCommand();
  pollOutbox();
})();
