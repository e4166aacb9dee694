// boletoflow CS console: plain browser JavaScript (an ES module, no framework, no build step).
//
// Every call goes to the public /v1 API with the API key CS pasted at login (sessionStorage: this tab only), so the
// console can do nothing a key could not do with curl. Data is never parsed as HTML: everything is rendered with
// textContent / DOM nodes. Errors are RFC 9457 problems: their title and detail are shown, and each field error is
// put next to its field (form field names are the JSON paths of the request body) or listed when no field matches.

const KEY = 'boletoflow.console.apiKey';

const STEP_LABELS = {
  DATA_CAPTURED: 'Dados capturados',
  REQUEST_SENT: 'Solicitação enviada',
  BANK_RELEASED: 'Liberado pelo banco',
  CREDENTIALS_RECEIVED: 'Credenciais recebidas',
  CONFIGURED: 'Configurado (testando conectividade)',
  CONNECTIVITY_FAILED: 'Falha de conectividade',
  ACTIVE: 'Ativo',
  CANCELLED: 'Cancelado',
};

const NEXT_STEP = {
  DATA_CAPTURED: 'Envie o e-mail abaixo ao gerente da conta e marque a solicitação como enviada.',
  REQUEST_SENT: 'Aguarde o banco liberar o produto e marque a liberação.',
  BANK_RELEASED: 'Envie as credenciais que o banco mandou.',
  CREDENTIALS_RECEIVED: 'Configure o convênio e os padrões de cobrança.',
  CONFIGURED: 'Aguarde o teste de conectividade.',
  CONNECTIVITY_FAILED: 'Corrija as credenciais ou a configuração e teste a conectividade de novo.',
  ACTIVE: 'Nada: a conta já emite boletos.',
  CANCELLED: 'Nada: a integração foi cancelada.',
};

const ACTION_DONE = {
  'request-sent': 'Solicitação marcada como enviada.',
  'bank-released': 'Liberação do banco registrada.',
  credentials: 'Credenciais recebidas.',
  configuration: 'Configuração salva e conectividade testada.',
  'connectivity-check': 'Conectividade testada.',
  notes: 'Observação adicionada.',
  cancel: 'Integração cancelada.',
};

/** The convênio's carteira prefilled per bank: Itaú Cobranças – Bolecode's 109, Sicoob's codigoModalidade 1. */
const CARTEIRA_DEFAULT = { ITAU: '109', SICOOB: '1' };

/**
 * A bank's own words for the account data, by label (`for`): Sicoob's cooperativa is the agency and its conta corrente
 * (with its digit) the account + digit; its convênio number is the código do cliente the cooperative confirms
 * (`numeroCliente`), and the carteira its codigoModalidade.
 */
const BANK_LABELS = {
  SICOOB: {
    'c-agency': 'Cooperativa',
    'c-account': 'Conta corrente (sem dígito)',
    'c-digit': 'Dígito da conta corrente',
    'cf-number': 'Código do cliente (numeroCliente)',
    'cf-carteira': 'Modalidade (codigoModalidade; 1 = simples com registro)',
  },
};

/** The account's words in summaries: agência / conta, or the bank's own. */
const ACCOUNT_WORDS = { SICOOB: ['cooperativa', 'conta corrente'] };
const accountWords = (bank) => ACCOUNT_WORDS[bank] ?? ['agência', 'conta'];

/**
 * The convênio number prefilled from the account data (agency + account + digit, as BS2 and Itaú know it); not for
 * Sicoob, whose number is the código do cliente the cooperative confirms.
 */
const numberIsAccount = (bank) => bank !== 'SICOOB';

// ── DOM helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** An element with attributes and children; strings become text nodes (never HTML). */
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

const setText = (id, text) => {
  document.getElementById(id).textContent = text ?? '';
};

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString('pt-BR');
}

function timeEl(iso, attrs = {}) {
  return el('time', { datetime: iso, title: iso, ...attrs }, when(iso));
}

/** The labels of `root` in the bank's words (BANK_LABELS), or as the page wrote them. */
function bankLabels(root, bank) {
  for (const l of $$('label[for]', root)) {
    l.dataset.label ??= l.textContent;
    l.textContent = BANK_LABELS[bank]?.[l.htmlFor] ?? l.dataset.label;
  }
}

/** Active = would be sent: not disabled and not inside something hidden. */
const isActive = (e) => !e.disabled && !e.closest('[hidden]');

// ── API ──────────────────────────────────────────────────────────────────────────────────────────────────────────

class Problem extends Error {
  constructor(p) {
    super(p.title);
    this.status = p.status;
    this.title = p.title;
    this.detail = p.detail;
    this.errors = p.errors ?? [];
    this.requestId = p.requestId;
    this.retryAfter = p.retryAfter;
  }
}

const apiKey = () => sessionStorage.getItem(KEY);

async function api(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  const key = apiKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new Problem({
      status: 0,
      title: 'Sem conexão com a API',
      detail: `${e instanceof Error ? e.message : String(e)}. Verifique a rede e tente de novo.`,
    });
  }
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (res.ok) return data;
  const p = data && typeof data === 'object' ? data : {};
  throw new Problem({
    status: res.status,
    title: typeof p.title === 'string' ? p.title : `HTTP ${res.status} ${res.statusText}`.trim(),
    detail: typeof p.detail === 'string' ? p.detail : data === undefined && text ? text.slice(0, 300) : undefined,
    errors: Array.isArray(p.errors) ? p.errors : [],
    requestId: typeof p.requestId === 'string' ? p.requestId : (res.headers.get('x-request-id') ?? undefined),
    retryAfter: res.headers.get('retry-after') ?? undefined,
  });
}

/** Anything thrown by our code that is not a Problem still gets a readable message. */
const asProblem = (e) =>
  e instanceof Problem
    ? e
    : new Problem({
        status: 0,
        title: 'Erro inesperado no console',
        detail: e instanceof Error ? e.message : String(e),
      });

// ── Problems on screen ───────────────────────────────────────────────────────────────────────────────────────────

function clearProblem(box, form) {
  if (box) {
    box.hidden = true;
    box.replaceChildren();
  }
  if (form) {
    for (const f of $$('.field-error', form)) f.remove();
    for (const i of $$('[aria-invalid]', form)) i.removeAttribute('aria-invalid');
  }
}

/** The field of `form` an error path (without "body.") belongs to: the exact name, else the nearest parent path. */
function findField(form, path) {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const q = CSS.escape(p);
    const hit = $$(`[name="${q}"], [data-name="${q}"], [data-field="${q}"]`, form).find(isActive);
    if (hit) return hit;
  }
  return undefined;
}

function showProblem(box, problem, form) {
  const p = asProblem(problem);
  clearProblem(box, form);
  const unplaced = [];
  let first;
  for (const e of p.errors) {
    const field = String(e?.field ?? '');
    const reason = String(e?.reason ?? '');
    const target = form ? findField(form, field.replace(/^body\.?/, '')) : undefined;
    if (!target) {
      unplaced.push({ field, reason });
      continue;
    }
    const container = target.closest('.field') ?? target;
    container.append(el('small', { class: 'field-error' }, reason));
    if (target.matches('input, select, textarea')) target.setAttribute('aria-invalid', 'true');
    first ??= target;
  }
  box.append(el('strong', { class: 'problem-title' }, p.title));
  if (p.status) box.append(' ', el('span', { class: 'muted' }, `(HTTP ${p.status})`));
  if (p.detail) box.append(el('p', { class: 'problem-detail' }, p.detail));
  if (p.errors.length > unplaced.length) box.append(el('p', {}, 'Veja a mensagem abaixo de cada campo marcado.'));
  if (unplaced.length)
    box.append(
      el(
        'ul',
        { class: 'problem-errors' },
        unplaced.map((u) => el('li', {}, el('code', {}, u.field || '(corpo)'), ': ', u.reason)),
      ),
    );
  if (p.retryAfter) box.append(el('p', {}, `Tente de novo em ${p.retryAfter} s.`));
  if (p.requestId) box.append(el('small', { class: 'muted' }, `requestId ${p.requestId}`));
  box.hidden = false;
  if (first && typeof first.focus === 'function') first.focus();
  else box.scrollIntoView({ block: 'nearest' });
}

/** A 401 means the key is gone (revoked, or never valid): back to the login, saying why. */
function loggedOut(problem) {
  if (problem instanceof Problem && problem.status === 401) {
    sessionStorage.removeItem(KEY);
    showLogin(problem);
    return true;
  }
  return false;
}

// ── Forms → JSON ─────────────────────────────────────────────────────────────────────────────────────────────────

function setPath(obj, path, value) {
  const parts = path.split('.');
  let o = obj;
  for (const k of parts.slice(0, -1)) o = o[k] ??= {};
  o[parts[parts.length - 1]] = value;
}

function readFile(file, mode) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onerror = () =>
      reject(
        new Problem({
          status: 0,
          title: 'Não foi possível ler o arquivo',
          detail: `${file.name}: ${r.error?.message ?? 'erro de leitura'}`,
        }),
      );
    r.onload = () => {
      const s = String(r.result);
      resolve(mode === 'base64' ? s.slice(s.indexOf(',') + 1) : s);
    };
    if (mode === 'base64') r.readAsDataURL(file);
    else r.readAsText(file);
  });
}

/** "1,5" / "1.50" / "1.234,56" → 150 / 150 / 123456 (hundredths: basis points or cents); anything else as typed. */
function hundredths(v) {
  const s = v.replace(/\s|R\$|%/g, '');
  const n = Number(s.includes(',') ? s.replace(/\./g, '').replace(',', '.') : s);
  return s !== '' && Number.isFinite(n) ? Math.round(n * 100) : v;
}

function convert(v, type) {
  if (type === 'int') return /^-?\d+$/.test(v) ? Number(v) : v;
  if (type === 'hundredths') return hundredths(v);
  if (type === 'lines')
    return v
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  return v;
}

/** The request body a form describes: each active field's name (or data-name) is its JSON path. */
async function formBody(form) {
  const body = {};
  for (const input of $$('input, select, textarea', form)) {
    const name = input.name || input.dataset.name;
    if (!name || !isActive(input)) continue;
    let v;
    if (input.type === 'file') v = input.files?.[0] ? await readFile(input.files[0], input.dataset.read) : '';
    else v = input.type === 'password' ? input.value : input.value.trim();
    let value = convert(v, input.dataset.type);
    if ('optional' in input.dataset && (value === '' || (Array.isArray(value) && value.length === 0))) continue;
    setPath(body, name, value);
  }
  return body;
}

/** An amount group: the type select says whether it is set and whether the value is basisPoints or cents. */
function syncAmount(select) {
  const unit = select.selectedOptions[0]?.dataset.unit;
  const group = select.name.replace(/\.type$/, '');
  const ids = (select.dataset.amount ?? '').split(' ').filter(Boolean);
  ids.forEach((id, i) => {
    const input = document.getElementById(id);
    input.disabled = !select.value;
    if (i === 0 && unit) input.name = `${group}.${unit}`;
  });
  const field = select.closest('.field');
  if (field) field.dataset.field = group;
}

// ── Views ────────────────────────────────────────────────────────────────────────────────────────────────────────

const VIEWS = ['login-view', 'list-view', 'new-view', 'detail-view'];
function showView(id) {
  for (const v of VIEWS) document.getElementById(v).hidden = v !== id;
  const logged = Boolean(apiKey());
  $('#nav').hidden = !logged;
  $('#logout').hidden = !logged;
}

let me;

function showLogin(problem) {
  me = undefined;
  setText('whoami', '');
  showView('login-view');
  const form = $('#login-form');
  const box = $('.problem', form);
  if (problem) showProblem(box, problem, form);
  else clearProblem(box, form);
  $('#login-key').focus();
}

async function loadMe() {
  me = await api('GET', '/v1/me');
  const who = $('#whoami');
  who.replaceChildren(
    el('span', {}, 'Conectado: '),
    el('strong', { id: 'whoami-role' }, me.role),
    ` · tenant ${me.tenantId} · chave ${me.keyId}`,
  );
  if (me.role === 'integrator') who.append(el('span', { class: 'badge stalled' }, 'somente leitura: use uma chave cs'));
}

// List

let listSeq = 0;

async function loadList() {
  const seq = ++listSeq; // filters changed quickly: only the last answer is shown
  const box = $('#list-problem');
  clearProblem(box);
  const q = new URLSearchParams();
  for (const s of $$('#filters select')) if (s.value) q.set(s.name, s.value);
  setText('list-status', 'Carregando…');
  try {
    const { items } = await api('GET', `/v1/onboardings${q.toString() ? `?${q}` : ''}`);
    if (seq !== listSeq) return;
    renderList(items);
    setText(
      'list-status',
      items.length
        ? `${items.length} integração(ões) · atualizado às ${new Date().toLocaleTimeString('pt-BR')}`
        : 'Nenhuma integração com estes filtros.',
    );
  } catch (e) {
    if (seq !== listSeq) return;
    setText('list-status', '');
    if (!loggedOut(e)) showProblem(box, e);
  }
}

function stepBadge(step) {
  return el('span', { class: 'step', 'data-step': step, title: STEP_LABELS[step] ?? step }, step);
}

function renderList(items) {
  const rows = items.map((o) =>
    el(
      'tr',
      { 'data-account-id': o.accountId },
      el('td', {}, o.bank),
      el(
        'td',
        {},
        el('a', { href: `#/o/${encodeURIComponent(o.accountId)}`, class: 'open' }, o.legalName || o.accountId),
      ),
      el('td', {}, el('code', {}, o.accountId)),
      el(
        'td',
        {},
        stepBadge(o.step),
        ' ',
        el('span', { class: 'muted' }, STEP_LABELS[o.step] ?? ''),
        o.stalled ? [' ', el('span', { class: 'badge stalled', 'data-stalled': '' }, 'parada')] : [],
      ),
      el('td', { class: 'num', 'data-age': '' }, String(o.ageDays)),
      el('td', {}, timeEl(o.startedAt)),
    ),
  );
  $('#onboardings tbody').replaceChildren(...rows);
}

// New onboarding

function syncCreateBank() {
  const form = $('#create-form');
  const bank = form.elements.bank.value;
  for (const f of $$('[data-bank]', form)) {
    f.hidden = f.dataset.bank !== bank;
    for (const i of $$('input, select, textarea', f)) i.disabled = f.hidden;
  }
  bankLabels(form, bank);
}

// Detail

let current; // the onboarding shown
let refreshTimer;
const blobUrls = [];

async function loadDetail(accountId, flash) {
  clearTimeout(refreshTimer);
  const box = $('#d-problem');
  clearProblem(box);
  showDone(flash);
  if (current?.accountId !== accountId) {
    current = undefined;
    resetDetailForms();
    $('#d-body').hidden = true; // nothing of another onboarding stays on screen
    setText('d-title', accountId);
    setText('copy-status', '');
  }
  try {
    renderDetail(await api('GET', `/v1/onboardings/${encodeURIComponent(accountId)}`));
  } catch (e) {
    if (!loggedOut(e)) showProblem(box, e);
  }
}

function showDone(message) {
  const done = $('#d-done');
  done.textContent = message ?? '';
  done.hidden = !message;
}

function resetDetailForms() {
  for (const form of $$('#actions form')) {
    form.reset();
    clearProblem(undefined, form);
    delete form.dataset.for;
    delete form.dataset.openFor;
  }
}

function dl(target, pairs) {
  target.replaceChildren(
    ...pairs
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
  );
}

/** 250 → "2,50" (basis points as a percentage, cents as reais). */
const decimal = (hundredths) => (hundredths / 100).toFixed(2).replace('.', ',');
const pct = (bp) => `${decimal(bp)} %`;
const brl = (c) => `R$ ${decimal(c)}`;
const amount = (a) => (a ? ('basisPoints' in a ? pct(a.basisPoints) : brl(a.cents)) : undefined);

function renderDetail(v) {
  clearTimeout(refreshTimer);
  const changed = current?.accountId !== v.accountId;
  current = v;
  $('#d-body').hidden = false;
  const d = v.data ?? {};
  setText('d-title', d.company?.legalName ?? v.accountId);
  const [agencyWord, accountWord] = accountWords(v.bank);
  setText('d-account', `${v.accountId} · ${agencyWord} ${d.agency} · ${accountWord} ${d.account}-${d.accountDigit}`);
  setText('d-product', `${v.bank} · ${v.product}`);
  const step = $('#d-step');
  step.textContent = v.step;
  step.dataset.step = v.step;
  setText('d-step-label', STEP_LABELS[v.step] ?? '');
  const since = $('#d-step-since');
  since.dateTime = v.stepSince;
  since.textContent = when(v.stepSince);
  setText('d-next', NEXT_STEP[v.step] ?? '');
  setText('d-reminders', String(v.reminders ?? 0));
  const stalled = $('#d-stalled');
  stalled.hidden = !v.stalled;
  stalled.textContent = v.stalled ? `Parada desde ${when(v.stalled.since)}: ${v.stalled.reason}` : '';

  renderActions(v, changed);
  renderEmail(v.email);
  renderConnectivity(v.connectivity);
  renderSetup(v);

  $('#timeline tbody').replaceChildren(
    ...[...(v.timeline ?? [])]
      .reverse()
      .map((t) =>
        el(
          'tr',
          { 'data-kind': t.kind },
          el('td', { class: 'num' }, String(t.seq)),
          el('td', {}, timeEl(t.at)),
          el('td', {}, stepBadge(t.step)),
          el('td', {}, t.kind),
          el('td', {}, t.by),
          el('td', {}, t.detail),
        ),
      ),
  );

  const p = (x) => (x ? `${x.name} · ${x.phone} · ${x.email}` : undefined);
  dl($('#account-data'), [
    ['Razão social', d.company?.legalName],
    ['CNPJ', d.company?.cnpj],
    ['Cidade / UF', d.company ? `${d.company.city} / ${d.company.state}` : undefined],
    [
      `${agencyWord[0].toUpperCase()}${agencyWord.slice(1)} / ${accountWord}`,
      `${d.agency} / ${d.account}-${d.accountDigit}`,
    ],
    ['Código do operador', d.operatorCode],
    ['Representante legal', p(d.legalRepresentative)],
    ['Contato técnico', p(d.csContact)],
    ['Gerente da conta', d.manager ? [d.manager.name, d.manager.email].filter(Boolean).join(' · ') : undefined],
  ]);

  // A connectivity check runs after the configuration: look again shortly while it does.
  if (v.step === 'CONFIGURED') {
    const id = v.accountId;
    refreshTimer = setTimeout(() => {
      if (location.hash === `#/o/${encodeURIComponent(id)}`) void refreshDetail(id);
    }, 3000);
  }
}

async function refreshDetail(accountId) {
  try {
    renderDetail(await api('GET', `/v1/onboardings/${encodeURIComponent(accountId)}`));
  } catch (e) {
    if (!loggedOut(e)) showProblem($('#d-problem'), e);
  }
}

/** The forms of the step: the ones that move it on come first and open; the others (notes, cancel, replacing what was sent) closed. */
function renderActions(v, changed) {
  let any = false;
  for (const form of $$('#actions form')) {
    const applies = (form.dataset.steps ?? '').split(' ').includes(v.step);
    const primary = (form.dataset.primary ?? '').split(' ').includes(v.step);
    form.hidden = !applies;
    form.classList.toggle('primary', primary);
    any ||= applies;
    if (form.dataset.for !== v.accountId) {
      form.dataset.for = v.accountId;
      prefill(form, v);
    }
    // Opened or closed when the step changes; in between, as CS left it.
    const at = `${v.accountId} ${v.step}`;
    if (form.dataset.openFor !== at) {
      form.dataset.openFor = at;
      $('details', form).open = primary;
    }
  }
  $('#no-actions').hidden = any;
  if (changed) clearProblem(undefined, $('#actions'));
}

/** Defaults that depend on the onboarding: the credential kinds of its bank, the convênio number and carteira. */
function prefill(form, v) {
  const d = v.data ?? {};
  if (form.id === 'credentials-form') {
    const kind = form.elements.kind;
    for (const o of kind.options) o.hidden = o.disabled = o.dataset.bank !== v.bank;
    kind.value = [...kind.options].find((o) => !o.disabled)?.value ?? '';
    syncCredentialKind();
  }
  if (form.id === 'configuration-form') {
    const c = v.configuration?.convenio;
    form.elements['convenio.number'].value =
      c?.number ?? (numberIsAccount(v.bank) ? `${d.agency}${d.account}${d.accountDigit}` : '');
    form.elements['convenio.carteira'].value = c?.carteira ?? CARTEIRA_DEFAULT[v.bank] ?? '';
    bankLabels(form, v.bank);
    // Fields another bank's rules use only (Sicoob: no API version, its Pix comes with each registration).
    for (const f of $$('[data-hide-for]', form)) {
      f.hidden = f.dataset.hideFor.split(' ').includes(v.bank);
      for (const i of $$('input, select, textarea', f)) i.disabled = f.hidden;
    }
    const cd = v.configuration?.chargeDefaults;
    if (c) {
      form.elements['convenio.firstRemessa'].value = String(c.firstRemessa);
      form.elements['convenio.apiVersion'].value = c.apiVersion;
      form.elements['convenio.pixKey'].value = c.pixKey ?? '';
      form.elements['chargeDefaults.defaultKind'].value = cd.defaultKind;
      form.elements['chargeDefaults.messages'].value = (cd.messages ?? []).join('\n');
    }
    // The current charge defaults, so saving again keeps them unless CS changes them.
    for (const s of $$('select[data-amount]', form)) {
      const a = cd?.[s.name.split('.')[1]];
      s.value = a?.type ?? '';
      syncAmount(s);
      const [value, days] = s.dataset.amount.split(' ').map((id) => document.getElementById(id));
      value.value = a ? decimal(a.basisPoints ?? a.cents) : '';
      if (days) days.value = a?.daysBeforeDue === undefined ? '' : String(a.daysBeforeDue);
    }
  }
}

function syncCredentialKind() {
  const form = $('#credentials-form');
  const kind = form.elements.kind.value;
  const format = form.elements['certificate.format'].value;
  for (const f of $$('[data-kind]', form)) {
    f.hidden =
      !f.dataset.kind.split(' ').includes(kind) || (f.dataset.format !== undefined && f.dataset.format !== format);
    for (const i of $$('input, select, textarea', f)) i.disabled = f.hidden;
  }
}

function renderEmail(e) {
  for (const u of blobUrls.splice(0)) URL.revokeObjectURL(u);
  setText('e-to', e?.to ?? '');
  setText('e-cc', (e?.cc ?? []).join(', '));
  setText('e-subject', e?.subject ?? '');
  setText('e-body', e?.body ?? '');
  for (const b of $$('#email button[data-copy]')) b.disabled = !document.getElementById(b.dataset.copy).textContent;
  if (!e?.to)
    $('#e-to').replaceChildren(
      el('span', { class: 'muted' }, '(sem e-mail do gerente: informe o destinatário no seu e-mail)'),
    );
  const items = (e?.attachments ?? []).map((a) => {
    const url = URL.createObjectURL(new Blob([a.content], { type: a.contentType || 'application/octet-stream' }));
    blobUrls.push(url);
    return el(
      'li',
      {},
      el('a', { href: url, download: a.filename, class: 'attachment' }, a.filename),
      ' ',
      el('span', { class: 'muted' }, a.contentType),
    );
  });
  $('#e-attachments').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, 'nenhum')]));
}

function renderConnectivity(k) {
  $('#connectivity').hidden = !k;
  if (!k) return;
  const result = $('#k-result');
  result.textContent = k.ok ? 'OK' : 'FALHOU';
  result.className = `badge ${k.ok ? 'ok' : 'stalled'}`;
  const at = $('#k-at');
  at.dateTime = k.at;
  at.textContent = when(k.at);
  setText('k-message', k.message);
  $('#k-checks').replaceChildren(
    ...(k.checks ?? []).map((c) =>
      el(
        'tr',
        { 'data-check': c.name, 'data-ok': String(c.ok) },
        el('td', {}, c.name),
        el('td', {}, el('span', { class: `badge ${c.ok ? 'ok' : 'stalled'}` }, c.ok ? 'ok' : 'falhou')),
        el('td', {}, c.detail),
      ),
    ),
  );
}

function renderSetup(v) {
  const c = v.credentials;
  const cfg = v.configuration;
  $('#setup').hidden = !c && !cfg && !v.notifications && !v.webhookRegistration;
  const cd = cfg?.chargeDefaults;
  dl($('#setup-list'), [
    ['Credenciais', c ? `${c.kind}${c.source ? ` (${c.source})` : ''} · recebidas ${when(c.receivedAt)}` : undefined],
    ['client_id', c?.clientId],
    ['API key', c?.apiKey],
    ['Escopo', c?.scope],
    ['Certificado válido até', c?.certificateNotAfter ? when(c.certificateNotAfter) : undefined],
    [
      'Renovação do certificado',
      v.certificateRenewal
        ? `${v.certificateRenewal.ok ? `renovado em ${when(v.certificateRenewal.at)}: válido até ${when(v.certificateRenewal.notAfter)} (era ${when(v.certificateRenewal.previousNotAfter)})` : `recusada em ${when(v.certificateRenewal.at)}: ${v.certificateRenewal.message}`}`
        : undefined,
    ],
    [
      'Notificações Itaú',
      v.notifications
        ? v.notifications.ok
          ? v.notifications.subscriptions.map((x) => `${x.type} → ${x.webhookUrl} (${x.id})`).join(' · ') ||
            v.notifications.message
          : `FALHOU: ${v.notifications.message}`
        : undefined,
    ],
    [
      'Webhook Sicoob',
      v.webhookRegistration
        ? v.webhookRegistration.ok
          ? `${v.webhookRegistration.url} (${v.webhookRegistration.id}) · ${v.webhookRegistration.status}${v.webhookRegistration.awaitingValidationSince ? ` desde ${when(v.webhookRegistration.awaitingValidationSince)}` : ''}`
          : `FALHOU: ${v.webhookRegistration.message}`
        : undefined,
    ],
    [
      'Convênio',
      cfg
        ? // Sicoob's convênio has no API version (its Pix comes with each registration).
          `${cfg.convenio.number} · carteira ${cfg.convenio.carteira} · CNAB ${cfg.convenio.cnab}${v.bank === 'SICOOB' ? '' : ` · API ${cfg.convenio.apiVersion}`} · 1ª remessa ${cfg.convenio.firstRemessa}`
        : undefined,
    ],
    ['Chave Pix', cfg?.convenio.pixKey],
    ['Tipo padrão', cd?.defaultKind],
    [
      'Juros',
      cd?.interest
        ? `${amount(cd.interest)}${cd.interest.type === 'PERCENT_MONTHLY' ? ' ao mês' : ' por dia'}`
        : undefined,
    ],
    ['Multa', amount(cd?.fine)],
    [
      'Desconto',
      cd?.discount ? `${amount(cd.discount)} até ${cd.discount.daysBeforeDue} dia(s) antes do vencimento` : undefined,
    ],
    ['Mensagens', cd?.messages?.join(' / ')],
  ]);
}

// ── Actions ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Disables the form's buttons while its request runs (bank calls can take a while). */
async function busy(form, label, fn) {
  const buttons = $$('button', form);
  const texts = buttons.map((b) => b.textContent);
  for (const b of buttons) b.disabled = true;
  const submit = $('button[type="submit"]', form);
  if (submit) submit.textContent = label;
  form.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    buttons.forEach((b, i) => {
      b.disabled = false;
      b.textContent = texts[i];
    });
    form.removeAttribute('aria-busy');
  }
}

async function submitStep(form) {
  if (!current) return;
  const accountId = current.accountId;
  const action = form.dataset.action;
  const box = $('#d-problem');
  clearProblem(box, form);
  showDone();
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) return;
  try {
    const body = 'empty' in form.dataset ? undefined : await formBody(form);
    const slow = action === 'credentials' || action === 'configuration' || action === 'connectivity-check';
    const view = await busy(form, slow ? 'Aguardando o banco…' : 'Enviando…', () =>
      api('POST', `/v1/onboardings/${encodeURIComponent(accountId)}/${action}`, body),
    );
    form.reset();
    delete form.dataset.for;
    renderDetail(view);
    showDone(ACTION_DONE[action]);
  } catch (e) {
    if (loggedOut(e)) return;
    showProblem(box, e, form);
    // Not possible in this step: someone else moved it on (or the page is old); show where it really is.
    if (e instanceof Problem && e.status === 409) await refreshDetail(accountId);
  }
}

async function submitCreate(form) {
  const box = $('.problem', form);
  clearProblem(box, form);
  try {
    const body = await formBody(form);
    const view = await busy(form, 'Criando…', () => api('POST', '/v1/onboardings', body));
    form.reset();
    syncCreateBank();
    current = undefined;
    resetDetailForms();
    pendingFlash = 'Integração criada: envie o e-mail ao gerente da conta.';
    location.hash = `#/o/${encodeURIComponent(view.accountId)}`;
  } catch (e) {
    if (!loggedOut(e)) showProblem(box, e, form);
  }
}

async function submitLogin(form) {
  const box = $('.problem', form);
  clearProblem(box, form);
  const key = form.elements.apiKey.value.trim();
  if (!key) {
    showProblem(
      box,
      new Problem({
        status: 0,
        title: 'Informe a chave de API',
        errors: [{ field: 'apiKey', reason: 'cole a chave bfk_… criada para você (papel cs)' }],
      }),
      form,
    );
    return;
  }
  sessionStorage.setItem(KEY, key);
  try {
    await busy(form, 'Entrando…', loadMe);
    form.reset();
    await route();
  } catch (e) {
    sessionStorage.removeItem(KEY);
    showProblem(box, e, form);
  }
}

async function copy(button) {
  const source = document.getElementById(button.dataset.copy);
  const text = source.textContent ?? '';
  const status = $('#copy-status');
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
    } else {
      // Plain http on another host is not a secure context: the old way still works there.
      const ta = el('textarea', { class: 'offscreen', readonly: true });
      ta.value = text;
      document.body.append(ta);
      ta.select();
      const ok = document.execCommand('copy');
      ta.remove();
      if (!ok) throw new Error('o navegador recusou a cópia');
    }
    status.textContent = `Copiado: ${button.textContent.replace(/^Copiar\s*/, '') || 'texto'}.`;
    status.className = 'ok-text';
  } catch (e) {
    const range = document.createRange();
    range.selectNodeContents(source);
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    status.textContent = `Não foi possível copiar (${e instanceof Error ? e.message : String(e)}): o texto está selecionado, use Ctrl+C.`;
    status.className = 'error-text';
  }
}

// ── Routing ──────────────────────────────────────────────────────────────────────────────────────────────────────

let pendingFlash;

async function route() {
  if (!apiKey()) return showLogin();
  if (!me) {
    try {
      await loadMe();
    } catch (e) {
      if (!loggedOut(e)) {
        showView('list-view');
        showProblem($('#list-problem'), e);
      }
      return;
    }
  }
  const hash = location.hash || '#/';
  const detail = /^#\/o\/([^/]+)$/.exec(hash);
  if (detail) {
    showView('detail-view');
    const flash = pendingFlash;
    pendingFlash = undefined;
    return loadDetail(decodeURIComponent(detail[1]), flash);
  }
  clearTimeout(refreshTimer);
  if (hash === '#/new') {
    showView('new-view');
    syncCreateBank();
    return;
  }
  showView('list-view');
  return loadList();
}

function init() {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submitLogin(ev.currentTarget);
  });
  $('#logout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    current = undefined;
    resetDetailForms();
    $('#onboardings tbody').replaceChildren();
    location.hash = '#/';
    showLogin();
  });
  $('#filters').addEventListener('change', () => void loadList());
  $('#filters').addEventListener('submit', (ev) => ev.preventDefault());
  $('#list-refresh').addEventListener('click', () => void loadList());
  $('#create-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submitCreate(ev.currentTarget);
  });
  $('#create-form').elements.bank.addEventListener('change', syncCreateBank);
  for (const form of $$('#actions form')) {
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void submitStep(form);
    });
  }
  const cred = $('#credentials-form');
  cred.elements.kind.addEventListener('change', syncCredentialKind);
  cred.elements['certificate.format'].addEventListener('change', syncCredentialKind);
  for (const s of $$('select[data-amount]')) s.addEventListener('change', () => syncAmount(s));
  for (const b of $$('button[data-copy]')) b.addEventListener('click', () => void copy(b));
  window.addEventListener('hashchange', () => void route());
  void route();
}

init();
