// The recording studio: record a prompt with the microphone, hear it, keep it or redo it.
// Audio is captured raw by an AudioWorklet (capture-worklet.js) and sent as 16-bit PCM WAV,
// so the server needs no codec; it checks, trims and evens out the take, then builds the file
// calls play. Keys: R record/stop, P hear it, K keep, N next, B back.
"use strict";

(() => {
  const settings = JSON.parse(document.getElementById("studio-settings").textContent);
  const $ = (id) => document.getElementById(id);
  const els = {
    number: $("booth-number"), text: $("booth-text"), facts: $("booth-facts"),
    record: $("record"), play: $("play"), keep: $("keep"), next: $("next"),
    previous: $("previous"), message: $("message"), take: $("take"), reader: $("reader"),
    progress: $("progress"), level: $("level-bar"),
  };
  const prompts = Array.from(document.querySelectorAll("#prompt-list .prompt"));
  const READER_KEY = "helpline-studio-reader";
  let current = 0;
  let audio = null;      // {context, node}
  let capture = null;    // {stream, source, chunks, started, timer}
  let takeBlob = null;
  let takeUrl = null;
  let busy = false;

  function say(text, kind) {
    els.message.textContent = text;
    els.message.dataset.kind = kind || "info";
  }

  function setResult(result) {
    document.body.dataset.result = result;
  }

  // --- choosing a prompt ------------------------------------------------------------------

  function show(index) {
    if (capture) return;
    current = Math.max(0, Math.min(prompts.length - 1, index));
    const item = prompts[current];
    prompts.forEach((p) => p.removeAttribute("aria-current"));
    item.setAttribute("aria-current", "true");
    els.number.textContent = item.dataset.number;
    els.text.textContent = item.querySelector(".text").textContent;
    describe(item);
    document.body.dataset.prompt = item.dataset.key;
    clearTake();
    say("");
    item.scrollIntoView({block: "nearest"});
  }

  function describe(item) {
    const source = item.querySelector(".source").textContent;
    const state = item.querySelector(".state").textContent;
    els.facts.textContent = `${item.dataset.key} · ${source} · ${state} · about ` +
      `${item.dataset.paced} s at the call's pace (a take of ${item.dataset.shortest}-` +
      `${item.dataset.longest} s is taken)`;
  }

  function clearTake() {
    if (takeUrl) URL.revokeObjectURL(takeUrl);
    takeBlob = null;
    takeUrl = null;
    els.take.removeAttribute("src");
    els.play.disabled = true;
    els.keep.disabled = true;
  }

  // --- recording --------------------------------------------------------------------------

  async function ensureAudio() {
    if (audio) {
      if (audio.context.state === "suspended") await audio.context.resume();
      return audio;
    }
    const context = new AudioContext();
    await context.audioWorklet.addModule(settings.worklet);
    const node = new AudioWorkletNode(context, "pcm-capture",
                                      {numberOfInputs: 1, numberOfOutputs: 1});
    // The node writes silence; joining it to the output keeps the graph pulling it.
    node.connect(context.destination);
    audio = {context, node};
    return audio;
  }

  async function startRecording() {
    clearTake();
    let stream;
    try {
      const {context, node} = await ensureAudio();
      stream = await navigator.mediaDevices.getUserMedia({audio: {
        channelCount: 1, echoCancellation: false, noiseSuppression: false,
        autoGainControl: false}});
      const source = context.createMediaStreamSource(stream);
      capture = {stream, source, chunks: [], started: performance.now(), timer: null};
      node.port.onmessage = (event) => {
        if (!capture || !(event.data instanceof Float32Array)) return;
        capture.chunks.push(event.data);
        meter(event.data);
      };
      source.connect(node);
      capture.timer = setTimeout(stopRecording, settings.maxSeconds * 1000);
    } catch (error) {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      capture = null;
      say(`The microphone cannot be used: ${error.message}. Allow this page to use it ` +
          "(the studio must be opened over https, or on this computer).", "error");
      setResult("no-microphone");
      return;
    }
    document.body.dataset.recording = "yes";
    els.record.textContent = "Stop";
    els.record.classList.add("on");
    say("Recording. Read the text, then press Stop (or R).");
  }

  function meter(samples) {
    let sum = 0;
    for (let i = 0; i < samples.length; i += 1) sum += samples[i] * samples[i];
    const db = 10 * Math.log10(sum / samples.length + 1e-12);
    els.level.style.width = `${Math.max(0, Math.min(100, (db + 60) * 100 / 60))}%`;
  }

  function flush(node) {
    return new Promise((resolve) => {
      const previous = node.port.onmessage;
      node.port.onmessage = (event) => {
        if (event.data === "flushed") {
          node.port.onmessage = null;
          resolve();
        } else if (previous) {
          previous(event);
        }
      };
      node.port.postMessage("flush");
    });
  }

  async function stopRecording() {
    if (!capture) return;
    const taken = capture;
    clearTimeout(taken.timer);
    await flush(audio.node);
    taken.source.disconnect();
    taken.stream.getTracks().forEach((track) => track.stop());
    capture = null;
    delete document.body.dataset.recording;
    els.record.textContent = "Record again";
    els.record.classList.remove("on");
    els.level.style.width = "0";
    takeBlob = toWav(taken.chunks, audio.context.sampleRate);
    takeUrl = URL.createObjectURL(takeBlob);
    els.take.src = takeUrl;
    els.play.disabled = false;
    els.keep.disabled = false;
    const seconds = (performance.now() - taken.started) / 1000;
    say(`Recorded ${seconds.toFixed(1)} s. Listen (P), then keep it (K) or record again (R).`);
    setResult("recorded");
  }

  // 16-bit mono PCM WAV; above 48 kHz the samples are halved (speech needs far less).
  function toWav(chunks, rate) {
    let total = 0;
    chunks.forEach((chunk) => { total += chunk.length; });
    let samples = new Float32Array(total);
    let offset = 0;
    chunks.forEach((chunk) => { samples.set(chunk, offset); offset += chunk.length; });
    while (rate > 48000) {
      const half = new Float32Array(Math.floor(samples.length / 2));
      for (let i = 0; i < half.length; i += 1) half[i] = (samples[2 * i] + samples[2 * i + 1]) / 2;
      samples = half;
      rate /= 2;
    }
    const buffer = new ArrayBuffer(44 + samples.length * 2);
    const view = new DataView(buffer);
    const text = (at, value) => {
      for (let i = 0; i < value.length; i += 1) view.setUint8(at + i, value.charCodeAt(i));
    };
    text(0, "RIFF");
    view.setUint32(4, 36 + samples.length * 2, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, "data");
    view.setUint32(40, samples.length * 2, true);
    for (let i = 0; i < samples.length; i += 1) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      view.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
    }
    return new Blob([buffer], {type: "audio/wav"});
  }

  // --- keeping ----------------------------------------------------------------------------

  async function keep() {
    if (!takeBlob || busy) return;
    busy = true;
    els.keep.disabled = true;
    const item = prompts[current];
    const query = new URLSearchParams({prompt: item.dataset.key, text: item.dataset.hash});
    say("Checking and saving…");
    try {
      const response = await fetch(`${settings.upload}?${query}`, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "audio/wav", "X-Studio-Token": settings.token,
                  "X-Reader-Name": encodeURIComponent(els.reader.value.trim())},
        body: takeBlob,
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(data.error || `The take was not kept (HTTP ${response.status}).`, "error");
        els.keep.disabled = false;
        setResult("refused");
        return;
      }
      kept(item, data);
    } catch (error) {
      say(`The take was not sent: ${error.message}. Check the connection and keep it again.`,
          "error");
      els.keep.disabled = false;
      setResult("refused");
    } finally {
      busy = false;
    }
  }

  function kept(item, data) {
    item.dataset.state = "recorded";
    const state = item.querySelector(".state");
    state.textContent = data.state;
    state.className = "state badge recorded";
    item.querySelector(".source").textContent = `Callers hear: ${data.source}`;
    item.querySelector(".source").dataset.source = data.source;
    let player = item.querySelector("audio.current");
    if (data.audio) {
      if (!player) {
        player = document.createElement("audio");
        player.className = "current";
        player.controls = true;
        player.preload = "none";
        player.setAttribute("aria-label", "What callers hear now");
        item.querySelector(".meta").appendChild(player);
      }
      player.src = data.audio;
    }
    els.progress.textContent = data.progress;
    describe(item);
    say(`Kept: ${data.seconds} s, ${data.pace.label}; recorded at ` +
        `${Math.round(data.recorded_loudness)} LUFS, evened out to ${data.loudness}. ` +
        "Calls play it from now on. Press N for the next prompt.", "ok");
    setResult("kept");
  }

  // --- wiring -----------------------------------------------------------------------------

  function toggleRecording() {
    if (capture) stopRecording(); else startRecording();
  }

  els.record.addEventListener("click", toggleRecording);
  els.play.addEventListener("click", () => { if (takeUrl) els.take.play(); });
  els.keep.addEventListener("click", keep);
  els.next.addEventListener("click", () => show(current + 1));
  els.previous.addEventListener("click", () => show(current - 1));
  prompts.forEach((item, index) => {
    item.querySelector(".choose").addEventListener("click", () => {
      show(index);
      document.getElementById("booth").scrollIntoView({block: "start"});
    });
  });
  els.reader.value = localStorage.getItem(READER_KEY) || "";
  els.reader.addEventListener("change", () => {
    localStorage.setItem(READER_KEY, els.reader.value.trim());
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey ||
        event.altKey) return;
    const actions = {
      r: toggleRecording, p: () => els.play.click(), k: keep,
      n: () => show(current + 1), b: () => show(current - 1),
    };
    const action = actions[event.key.toLowerCase()];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  const first = prompts.findIndex((item) => item.dataset.state !== "recorded");
  show(first === -1 ? 0 : first);
  document.body.dataset.ready = "yes";
})();
