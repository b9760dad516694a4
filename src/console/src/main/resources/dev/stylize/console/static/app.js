// The stylize console: three views (jobs, a job, a new job) over the console's JSON API.
// Live views follow server-sent events; images come through /api/image, never from S3 itself.
'use strict';

const view = document.getElementById('view');

/** Ended without a result; each says why, under its own title. */
const ENDED_UNRUN = new Map([
  ['REJECTED', 'Rejected: the upload cannot become a job'],
  ['FAILED', 'Failed'],
  ['EXPIRED', 'Expired: not started in time, never run'],
  ['CANCELLED', 'Cancelled'],
]);

let stopView = () => {};

// ---- elements, URLs, the API ------------------------------------------------------------------

function clone(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c != null));
  return node;
}

/** The URL of a bucket image; with its ETag the browser may keep it for good. */
function imageUrl(key, width, etag) {
  const q = new URLSearchParams({ key });
  if (width) q.set('w', width);
  if (etag) q.set('v', etag);
  return '/api/image?' + q;
}

function downloadUrl(key) {
  return '/api/download?' + new URLSearchParams({ key });
}

/** Sets an image's source only when it changes, so live updates never flash. */
function setSrc(img, url) {
  if (img.getAttribute('src') !== url) img.src = url;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.error || response.statusText), { status: response.status });
  return body;
}

function duration(seconds) {
  if (seconds == null || !isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function ago(iso) {
  if (!iso) return '';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  return s < 45 ? 'just now' : duration(s) + ' ago';
}

function setBadge(node, state) {
  node.textContent = state.toLowerCase().replace('_', ' ');
  node.className = 'badge ' + state.toLowerCase();
}

function setProgress(bar, job) {
  const fraction = job.state === 'SUCCEEDED' ? 1 : job.totalSteps ? (job.step || 0) / job.totalSteps : 0;
  bar.querySelector('.progress-fill').style.width = (fraction * 100).toFixed(1) + '%';
  bar.classList.toggle('running', job.state === 'RUNNING');
  bar.hidden = job.state === 'REJECTED' || job.state === 'EXPIRED';
}

function metaLine(job) {
  const parts = [];
  if (job.state === 'RUNNING' && job.totalSteps) parts.push(`step ${job.step || 0} of ${job.totalSteps}`);
  if (job.state === 'RUNNING' && job.workerLostAt) parts.push('worker lost: resumes when its message reappears');
  else if (job.state === 'RUNNING' && job.etaSeconds != null) parts.push('about ' + duration(job.etaSeconds) + ' left');
  if (job.state === 'SUCCEEDED' && job.step) parts.push(job.step + ' steps');
  if (job.preset) parts.push(job.preset);
  if (job.size) parts.push(job.size + ' px');
  parts.push(ago(job.createdAt));
  return parts.filter(Boolean).join(' · ');
}

/** Follows /api/live; calls onUpdate with each new state, shows trouble reading the bucket. */
function follow(path, onUpdate) {
  const source = new EventSource(path);
  const trouble = document.getElementById('trouble');
  source.addEventListener('update', (e) => { trouble.hidden = true; onUpdate(JSON.parse(e.data)); });
  source.addEventListener('trouble', (e) => { trouble.textContent = JSON.parse(e.data).error; trouble.hidden = false; });
  return () => source.close();
}

// ---- jobs -------------------------------------------------------------------------------------

function showJobs() {
  const section = clone('jobs-view');
  const grid = section.querySelector('.grid');
  const cards = new Map();
  view.replaceChildren(section);
  return follow('/api/live', ({ jobs }) => {
    section.querySelector('.empty').hidden = jobs.length > 0;
    section.querySelector('.count').textContent = jobs.length ? jobs.length + (jobs.length === 1 ? ' job' : ' jobs') : '';
    const order = jobs.map((job) => {
      let card = cards.get(job.jobId);
      if (!card) {
        card = clone('job-card');
        card.href = '#/job/' + encodeURIComponent(job.jobId);
        card.dataset.job = job.jobId;
        cards.set(job.jobId, card);
      }
      updateCard(card, job);
      return card;
    });
    // Reorder only when needed: moving nodes restarts their images' fade-in.
    if (order.some((card, i) => grid.children[i] !== card) || grid.children.length !== order.length) {
      grid.replaceChildren(...order);
    }
  });
}

function updateCard(card, job) {
  setBadge(card.querySelector('.badge'), job.state);
  card.querySelector('.job-id').textContent = job.jobId;
  card.querySelector('.meta').textContent = metaLine(job);
  setProgress(card.querySelector('.progress'), job);
  const shown = job.result || job.latestCheckpoint;
  const img = card.querySelector('.thumb img');
  if (shown) setSrc(img, imageUrl(shown.key, 640, shown.etag));
  else if (job.photo) setSrc(img, imageUrl(job.photo, 640));
  img.hidden = !shown && !job.photo;
  card.querySelector('.thumb').classList.toggle('failed', ENDED_UNRUN.has(job.state));
  const inputs = card.querySelector('.inputs');
  const wanted = [job.photo, ...job.styles.map((s) => s.key)].filter(Boolean).join('|');
  if (inputs.dataset.keys !== wanted) {
    inputs.dataset.keys = wanted;
    inputs.replaceChildren(...[job.photo && ['photo', job.photo], ...job.styles.map((s) => [s.name, s.key])]
      .filter(Boolean).map(([title, key]) => el('img', { src: imageUrl(key, 160), alt: title, title, loading: 'lazy' })));
  }
  if (job.reason) card.querySelector('.meta').textContent = job.reason;
}

// ---- one job ----------------------------------------------------------------------------------

function showJob(jobId) {
  const section = clone('job-view');
  view.replaceChildren(section);
  const q = (selector) => section.querySelector(selector);
  const state = { pinned: null, seen: [], detail: null, stripSteps: new Set() };

  const slider = q('.slider');
  slider.addEventListener('input', () => {
    q('.after-clip').style.clipPath = `inset(0 0 0 ${slider.value}%)`;
    q('.divider').style.left = slider.value + '%';
  });
  slider.dispatchEvent(new Event('input'));

  return follow('/api/live?job=' + encodeURIComponent(jobId), (detail) => {
    if (!detail) {
      q('.job-id').textContent = jobId;
      q('.meta').textContent = 'no such job (yet)';
      return;
    }
    state.detail = detail;
    const job = detail.summary;
    section.classList.toggle('no-image', !job.photo && !job.latestCheckpoint && !job.result);
    setBadge(q('.badge'), job.state);
    q('.job-id').textContent = job.jobId;
    q('.meta').textContent = metaLine(job);
    setProgress(q('.progress'), job);
    showReason(q, job);
    showStage(q, detail, state);
    showStrip(q, detail, state);
    showInputs(q, detail);
    plotLoss(q, detail, state);
    showDownloads(q, detail);
    showDocuments(q, detail);
    showCancel(q, detail);
  });
}

/** A job that has not ended can be cancelled: it stops at its worker's next step, or before it starts. */
function showCancel(q, detail) {
  const button = q('.cancel');
  const job = detail.summary;
  button.hidden = ['SUCCEEDED', ...ENDED_UNRUN.keys()].includes(job.state);
  if (detail.cancelRequested) {
    button.disabled = true;
    button.textContent = 'Cancelling…';
  }
  button.onclick = async () => {
    button.disabled = true;
    button.textContent = 'Cancelling…';
    try {
      await api('/api/jobs/' + encodeURIComponent(job.jobId) + '/cancel', { method: 'POST' });
    } catch (e) {
      button.disabled = false;
      button.textContent = 'Cancel job';
      q('.meta').textContent = 'could not cancel: ' + e.message;
    }
  };
}

function showReason(q, job) {
  const box = q('.reason');
  box.hidden = !job.reason || !ENDED_UNRUN.has(job.state);
  box.className = 'reason ' + job.state.toLowerCase();
  q('.reason-title').textContent = ENDED_UNRUN.get(job.state) || '';
  q('.reason-text').textContent = job.reason || '';
  const notes = q('.notes');
  notes.hidden = !job.notes || job.notes.length === 0;
  notes.replaceChildren(...(job.notes || []).map((n) => el('li', {}, n)));
}

/** The result against the photo once there is one; else the latest (or a chosen) checkpoint. */
function showStage(q, detail, state) {
  const job = detail.summary;
  const pinned = state.pinned != null && detail.checkpoints.find((c) => c.step === state.pinned);
  const compare = job.result && job.photo && !pinned;
  const frame = pinned ? pinned.image : job.result || job.latestCheckpoint;
  q('.compare').hidden = !compare;
  q('.live').hidden = compare || !frame;
  q('.placeholder').hidden = compare || !!frame;
  q('.placeholder').textContent = job.state === 'QUEUED' ? 'Waiting for a worker…'
    : job.state === 'RUNNING' ? 'Painting… the first checkpoint will appear here.' : 'No image.';
  if (compare) {
    setSrc(q('.before'), imageUrl(job.photo, 1280));
    setSrc(q('.after'), imageUrl(job.result.key, 1280, job.result.etag));
    q('.caption').textContent = 'Drag to compare the photo with the result.';
  } else if (frame) {
    crossfade(q('.live'), imageUrl(frame.key, 1280, frame.etag));
    const step = pinned ? pinned.step : detail.checkpoints.length ? detail.checkpoints.at(-1).step : null;
    q('.caption').textContent = pinned ? `Checkpoint at step ${step}.`
      : job.result ? 'The result.' : step != null ? `Latest checkpoint: step ${step}.` : '';
  } else {
    q('.caption').textContent = '';
  }
}

/** Loads the next frame behind the current one and swaps them once it is decoded: no flash. */
function crossfade(live, url) {
  const front = live.querySelector('.front');
  const back = live.querySelector('.back');
  if (front.getAttribute('src') === url || back.dataset.loading === url) return;
  if (!front.getAttribute('src')) { front.src = url; return; }
  back.dataset.loading = url;
  back.src = url;
  back.decode().then(() => {
    if (back.dataset.loading !== url) return;
    delete back.dataset.loading;
    back.classList.replace('back', 'front');
    front.classList.replace('front', 'back');
  }).catch(() => {});
}

function showStrip(q, detail, state) {
  const strip = q('.strip');
  q('.strip-block').hidden = detail.checkpoints.length === 0;
  q('.strip-count').textContent = detail.checkpoints.length;
  for (const checkpoint of detail.checkpoints) {
    if (state.stripSteps.has(checkpoint.step)) continue;
    state.stripSteps.add(checkpoint.step);
    const item = el('button', { type: 'button', className: 'frame-button', title: 'step ' + checkpoint.step },
      el('img', { src: imageUrl(checkpoint.image.key, 160, checkpoint.image.etag), alt: 'step ' + checkpoint.step }),
      el('span', { textContent: checkpoint.step }));
    item.dataset.step = checkpoint.step;
    item.addEventListener('click', () => {
      state.pinned = state.pinned === checkpoint.step ? null : checkpoint.step;
      strip.querySelectorAll('.frame-button').forEach((b) => b.classList.toggle('pinned', +b.dataset.step === state.pinned));
      showStage(q, state.detail, state);
    });
    strip.append(item);
    if (state.pinned == null) strip.scrollLeft = strip.scrollWidth; // follow the newest, without moving the page
  }
}

function showInputs(q, detail) {
  const job = detail.summary;
  const box = q('.input-images');
  const wanted = [job.photo, ...job.styles.map((s) => s.key + s.weight)].join('|');
  if (box.dataset.keys === wanted) return;
  box.dataset.keys = wanted;
  const total = job.styles.reduce((sum, s) => sum + s.weight, 0);
  const figure = (key, caption) => el('figure', {},
    el('a', { href: imageUrl(key), target: '_blank', rel: 'noopener' }, el('img', { src: imageUrl(key, 320), alt: caption })),
    el('figcaption', { textContent: caption }));
  const items = job.styles.map((s) => figure(s.key,
    s.name + (job.styles.length > 1 ? ` · ${Math.round((100 * s.weight) / total)}%` : '')));
  if (job.photo) items.unshift(figure(job.photo, 'photo'));
  if (!items.length && detail.outcome) items.push(el('p', { className: 'muted', textContent: detail.outcome.source }));
  box.replaceChildren(...items);
}

/** Loss over steps on a log scale, from status.json's lossHistory or, without one, what this page saw. */
function plotLoss(q, detail, state) {
  const status = detail.status || {};
  if (status.step != null && status.loss != null && !state.seen.some(([s]) => s === status.step)) {
    state.seen.push([status.step, status.loss]);
  }
  const points = (status.lossHistory && status.lossHistory.length ? status.lossHistory : state.seen)
    .filter(([, loss]) => loss > 0 && isFinite(loss));
  const svg = q('.plot');
  const note = q('.plot-note');
  if (points.length < 2) {
    svg.replaceChildren();
    note.textContent = detail.summary.state === 'REJECTED' || detail.summary.state === 'EXPIRED' ? 'No run.' : 'The loss appears as the job runs.';
    return;
  }
  const [w, h, pad] = [320, 160, 8];
  const steps = points.map(([s]) => s);
  const logs = points.map(([, l]) => Math.log10(l));
  const [s0, s1] = [Math.min(...steps), Math.max(...steps)];
  const [l0, l1] = [Math.min(...logs), Math.max(...logs)];
  const x = (s) => pad + ((s - s0) / (s1 - s0 || 1)) * (w - 2 * pad);
  const y = (l) => pad + (1 - (l - l0) / (l1 - l0 || 1)) * (h - 2 * pad);
  const d = points.map(([s], i) => (i ? 'L' : 'M') + x(s).toFixed(1) + ' ' + y(logs[i]).toFixed(1)).join(' ');
  const ns = 'http://www.w3.org/2000/svg';
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', d);
  path.setAttribute('class', 'line');
  const area = document.createElementNS(ns, 'path');
  area.setAttribute('d', `${d} L ${x(s1).toFixed(1)} ${h - pad} L ${x(s0).toFixed(1)} ${h - pad} Z`);
  area.setAttribute('class', 'area');
  // Coarse to fine: the loss jumps up where a larger scale starts, so each start is marked.
  const marks = scaleStarts(detail).filter(([step]) => step > s0 && step < s1).flatMap(([step, size]) => {
    const line = document.createElementNS(ns, 'line');
    const at = x(step).toFixed(1);
    Object.entries({ x1: at, x2: at, y1: pad, y2: h - pad, class: 'scale' }).forEach(([k, v]) => line.setAttribute(k, v));
    const label = document.createElementNS(ns, 'text');
    Object.entries({ x: (x(step) + 3).toFixed(1), y: pad + 9, class: 'scale-label' }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = `${size} px`;
    return [line, label];
  });
  svg.replaceChildren(area, path, ...marks);
  const fmt = (l) => Number(10 ** l).toPrecision(3);
  note.textContent = `from ${fmt(logs[0])} to ${fmt(logs.at(-1))} over steps ${s0}–${s1} (log scale)`
    + (marks.length ? '; a dashed line: a larger scale starts, from the smaller result, and the loss jumps' : '');
}

/**
 * [step, size] where each scale after the first starts: between its first step and the previous scale's last.
 * None for a job the worker downsized: it ran another schedule than job.json's.
 */
function scaleStarts(detail) {
  const downsized = detail.status && detail.status.downsized;
  const schedule = (!downsized && detail.job && detail.job.plan && detail.job.plan.schedule) || [];
  const starts = [];
  let done = 0;
  schedule.forEach((scale, i) => {
    if (i > 0) starts.push([done + 0.5, scale.size]);
    done += scale.steps;
  });
  return starts;
}

function showDownloads(q, detail) {
  const job = detail.summary;
  const links = [];
  const add = (label, href) => links.push(el('li', {}, el('a', { href, textContent: label, download: '' })));
  if (job.result) add(job.result.key.split('/').pop(), downloadUrl(job.result.key));
  if (job.latestCheckpoint && !job.result) add('latest checkpoint', downloadUrl(job.latestCheckpoint.key));
  if (job.photo) add('photo', downloadUrl(job.photo));
  if (detail.outcome) add('outcome.json', downloadUrl('results/' + job.jobId + '/outcome.json'));
  if (detail.event) add('completion event', '/api/jobs/' + encodeURIComponent(job.jobId) + '/event.json');
  if (detail.job) add('job.json', downloadUrl('results/' + job.jobId + '/job.json'));
  const list = q('.downloads');
  const wanted = links.map((l) => l.textContent).join('|');
  if (list.dataset.items !== wanted) {
    list.dataset.items = wanted;
    list.replaceChildren(...links);
  }
}

function showDocuments(q, detail) {
  const show = (selector, block, value) => {
    q(block).hidden = value == null;
    const text = value == null ? '' : JSON.stringify(value, null, 2);
    if (q(selector).textContent !== text) q(selector).textContent = text;
  };
  show('.outcome', '.outcome-block', detail.outcome);
  show('.event', '.event-block', detail.event);
  const status = detail.status && { ...detail.status };
  if (status && status.lossHistory) status.lossHistory = `[${status.lossHistory.length} [step, loss] pairs]`;
  show('.status', '.status-block', status);
}

// ---- a new job --------------------------------------------------------------------------------

function showSubmit() {
  const section = clone('submit-view');
  view.replaceChildren(section);
  const q = (selector) => section.querySelector(selector);
  const form = q('form');
  const chosen = new Map(); // style card id -> { name | file, weight }
  let photo = null;
  let newStyles = 0;

  api('/api/limits').then((limits) => {
    for (const preset of limits.presets) q('select[name=preset]').append(el('option', { value: preset, textContent: preset }));
    Object.assign(form.maxSize, { min: limits.minSize, max: limits.maxSize });
    Object.assign(form.steps, { min: 1, max: limits.maxSteps });
    q('.style-hint').textContent = `pick one, or up to ${limits.maxStyles} to blend`;
  });
  api('/api/styles').then(({ styles }) => {
    for (const style of styles) {
      addStyleCard({ name: style.name }, style.name, imageUrl(style.key, 320, style.etag), false);
    }
    if (styles.length === 1) q('.style-card').click();
    if (!styles.length) q('.style-note').textContent = 'The library is empty: drop a painting.';
  });

  function addStyleCard(choice, title, src, selected) {
    const id = choice.name ? 'library:' + choice.name : 'new:' + choice.fileKey;
    const weight = el('input', { type: 'range', min: 1, max: 100, value: 50, className: 'weight', title: 'blend weight' });
    const share = el('span', { className: 'share muted' });
    const card = el('div', { className: 'style-card', tabIndex: 0, title },
      el('img', { src, alt: title }), el('span', { className: 'style-name', textContent: title }), weight, share);
    card.dataset.id = id;
    card.dataset.style = choice.name || title;
    const toggle = (e) => {
      if (e.target === weight) return;
      if (chosen.has(id)) chosen.delete(id); else chosen.set(id, { ...choice, weight });
      updateStyles();
    };
    card.addEventListener('click', toggle);
    card.addEventListener('keydown', (e) => { if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); toggle(e); } });
    weight.addEventListener('input', updateStyles);
    q('.styles').append(card);
    if (selected) { chosen.set(id, { ...choice, weight }); updateStyles(); }
  }

  function updateStyles() {
    const total = [...chosen.values()].reduce((sum, c) => sum + +c.weight.value, 0);
    for (const card of section.querySelectorAll('.style-card')) {
      const choice = chosen.get(card.dataset.id);
      card.classList.toggle('selected', !!choice);
      card.classList.toggle('blending', !!choice && chosen.size > 1);
      card.querySelector('.share').textContent = choice && chosen.size > 1 ? Math.round((100 * choice.weight.value) / total) + '%' : '';
    }
    ready();
  }

  function ready() {
    q('button[type=submit]').disabled = !(photo && photo.ok && chosen.size > 0);
  }

  /** Checks an image as the intake would, before the form goes anywhere near the bucket. */
  async function check(file, note) {
    note.dataset.state = 'checking';
    note.textContent = 'Checking ' + file.name + '…';
    try {
      const info = await api('/api/check?' + new URLSearchParams({ name: file.name }), { method: 'POST', body: file });
      note.dataset.state = 'ok';
      note.textContent = `${file.name}: ${info.width} × ${info.height} ${info.format.toUpperCase()}`;
      return true;
    } catch (e) {
      note.dataset.state = 'rejected';
      note.replaceChildren(el('span', { className: 'badge rejected', textContent: 'rejected' }), ' ', e.message);
      return false;
    }
  }

  wireDrop(q('.photo-drop'), q('.photo-input'), async (file) => {
    const preview = q('.preview');
    photo = { file, ok: false };
    ready();
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(file);
    preview.hidden = false;
    q('.photo-drop').classList.add('has-photo');
    const ok = await check(file, q('.photo-note'));
    if (photo.file === file) photo.ok = ok;
    preview.hidden = !ok;
    q('.photo-drop').classList.toggle('has-photo', ok);
    ready();
  });

  wireDrop(q('.style-drop'), q('.style-input'), async (file) => {
    if (await check(file, q('.style-note'))) {
      const fileKey = 'new-' + newStyles++;
      addStyleCard({ fileKey, file }, file.name.replace(/\.[^.]*$/, ''), URL.createObjectURL(file), true);
    }
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = q('button[type=submit]');
    const error = q('.form-error');
    const number = (name) => (form[name].value === '' ? null : Number(form[name].value));
    const data = new FormData();
    data.append('photo', photo.file, photo.file.name);
    const styles = [...chosen.values()].map((c) => {
      if (c.file) data.append(c.fileKey, c.file, c.file.name);
      return { name: c.name || null, file: c.fileKey || null, weight: chosen.size > 1 ? c.weight.value / 100 : null };
    });
    data.append('spec', JSON.stringify({
      styles, preset: form.preset.value || null, maxSize: number('maxSize'), steps: number('steps'),
      checkpointEvery: number('checkpointEvery'), keepColors: form.keepColors.checked || null,
      format: form.format.value || null,
    }));
    button.disabled = true;
    error.hidden = true;
    try {
      const submitted = await api('/api/submissions', { method: 'POST', body: data });
      q('.submit-note').textContent = 'Uploaded. Waiting for the intake to accept it…';
      const jobId = await awaitJob(submitted.jobIdBase, q('.submit-note'));
      if (jobId) location.hash = '#/job/' + encodeURIComponent(jobId);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      button.disabled = false;
    }
  });
  return () => {};
}

function wireDrop(zone, input, onFile) {
  input.addEventListener('change', () => input.files[0] && onFile(input.files[0]));
  zone.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } });
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (e) => { e.preventDefault(); zone.classList.add('over'); });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) onFile(file);
  });
}

/** The job id starts with the upload's jobIdBase; the intake makes it within a second or so. */
async function awaitJob(base, note) {
  const started = Date.now();
  while (location.hash.startsWith('#/submit')) {
    try {
      return (await api('/api/find?' + new URLSearchParams({ base }))).jobId;
    } catch (e) {
      if (e.status !== 404) throw e;
    }
    if (Date.now() - started > 20000) note.textContent = 'No job yet: is the intake running? (bin/stylize local status)';
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  return null;
}

// ---- routing ----------------------------------------------------------------------------------

function route() {
  stopView();
  const hash = location.hash || '#/';
  const job = hash.match(/^#\/job\/(.+)$/);
  document.querySelectorAll('[data-nav]').forEach((a) =>
    a.classList.toggle('current', (a.dataset.nav === 'submit') === hash.startsWith('#/submit') && !job));
  stopView = job ? showJob(decodeURIComponent(job[1])) : hash.startsWith('#/submit') ? showSubmit() : showJobs();
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', route);
api('/api/limits').then((limits) => { document.getElementById('bucket').textContent = limits.bucket; }).catch(() => {});
route();
