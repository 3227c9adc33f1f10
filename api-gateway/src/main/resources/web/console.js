// The operations console: a live summary, stock per product (which an admin adds to or sets), every order with
// filters and each one's lines, the stuck ones, transactions and refunds. For admins: a customer is
// refused by the API (403), and the page shows the refusal only.
import { ApiProblem, STATUS_WORDS, call, fieldSentence, h, linesText, loadConfig, money, showError, when } from './api.js';
import { setUpSignIn } from './signin.js';

const PAGE_SIZE = 20;
const byId = id => document.getElementById(id);
let summaryTimer = null;
let ordersPage = 0;
let transactionsPage = 0;

async function start() {
  const config = await loadConfig();
  byId('console-filter').addEventListener('submit', event => { event.preventDefault(); ordersPage = 0; showOrders(); });
  byId('console-status').addEventListener('change', () => { ordersPage = 0; showOrders(); });
  byId('console-previous').addEventListener('click', () => { ordersPage -= 1; showOrders(); });
  byId('console-next').addEventListener('click', () => { ordersPage += 1; showOrders(); });
  byId('transactions-previous').addEventListener('click', () => { transactionsPage -= 1; showTransactions(); });
  byId('transactions-next').addEventListener('click', () => { transactionsPage += 1; showTransactions(); });
  await setUpSignIn(config, { onSignedIn: open, onSignedOut: close });
}

/** The summary first: it tells an admin (200) from a customer (403) before any data is asked for. */
async function open() {
  byId('page-error').hidden = true;
  try {
    showSummary((await call('GET', '/admin/summary')).json);
  } catch (problem) {
    if (problem instanceof ApiProblem && problem.status === 403) {
      byId('console').hidden = true;
      byId('refusal').hidden = false;
    } else {
      pageError(problem.message);
    }
    return;
  }
  byId('refusal').hidden = true;
  byId('console').hidden = false;
  clearInterval(summaryTimer);
  summaryTimer = setInterval(refreshSummary, 2000);
  await Promise.all([showStock(), showOrders(), showStuck(), showTransactions(), showRefunds()]);
}

function close() {
  clearInterval(summaryTimer);
  summaryTimer = null;
  byId('console').hidden = true;
  byId('refusal').hidden = true;
  byId('console-order').hidden = true;
  for (const table of ['stock', 'console-orders', 'console-order-lines', 'stuck-orders', 'transactions', 'refunds']) {
    byId(table).tBodies[0].replaceChildren();
  }
  byId('summary').replaceChildren();
}

async function refreshSummary() {
  try {
    showSummary((await call('GET', '/admin/summary')).json);
    byId('page-error').hidden = true;
  } catch (problem) {
    pageError('The summary could not be updated: ' + problem.message);
  }
}

const BREAKER_WORDS = { CLOSED: 'closed', OPEN: 'open', HALF_OPEN: 'half-open' };

function showSummary(summary) {
  const tiles = [
    ['orders-minute', 'Orders in the last minute', summary.lastMinute.placed],
    ['paid-minute', 'Paid (last minute)', summary.lastMinute.paid],
    ['declined-minute', 'Declined (last minute)', summary.lastMinute.declined],
    ['pending-now', 'Pending now', summary.pendingNow],
    ['stuck-now', 'Stuck now', summary.stuckNow],
    ['orders-hour', 'Orders in the last hour', summary.lastHour.placed],
    ['paid-hour', 'Paid (last hour)', summary.lastHour.paid],
    ['declined-hour', 'Declined (last hour)', summary.lastHour.declined],
    ['refunded-hour', 'Refunded (last hour)', summary.lastHour.refunded],
    ['breaker', 'Payment breaker', BREAKER_WORDS[summary.paymentBreaker] || summary.paymentBreaker.toLowerCase()],
  ];
  byId('summary').replaceChildren(...tiles.map(([id, term, value]) =>
    h('div', {}, h('dt', {}, term), h('dd', { id: 'summary-' + id }, value))));
  byId('summary-at').textContent = 'As of ' + when(summary.at) + '.';
}

function orderRow(order, last) {
  return h('tr', { 'data-order': order.id },
    h('td', {}, when(order.createdAt)),
    h('td', {}, order.customer),
    h('td', {}, linesText(order)),
    h('td', {}, money(order.amount, order.currency)),
    last(order));
}

/** Each product with its units available, a form to add units and one to set them. */
async function showStock() {
  try {
    const products = (await call('GET', '/products')).json;
    byId('stock').tBodies[0].replaceChildren(...products.map(stockRow));
    byId('stock-error').hidden = true;
  } catch (problem) {
    stockError(problem.message);
  }
}

function stockRow(product) {
  return h('tr', { 'data-item': product.item },
    h('td', {}, product.name),
    h('td', {}, money(product.price, product.currency)),
    h('td', { class: 'available' }, product.available),
    h('td', {}, unitsForm(product, 'add', 'Units of ' + product.name + ' to add', '', 'Add')),
    h('td', {}, unitsForm(product, 'stock', 'Units of ' + product.name + ' available', product.available, 'Set')));
}

/** A number and its button: "add" adds it (1 or more), "stock" sets it (0 or more). */
function unitsForm(product, kind, label, value, action) {
  const input = h('input', {
    id: kind + '-' + product.item, type: 'number', inputmode: 'numeric', min: kind === 'add' ? '1' : '0', value,
  });
  const button = h('button', { type: 'submit', class: 'secondary' }, action);
  const form = h('form', { class: 'inline', novalidate: true },
    h('label', { for: input.id, class: 'visually-hidden' }, label), input, button);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    button.disabled = true; // an addition is not idempotent: one at a time
    try {
      await changeStock(product, kind, input.value);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

async function changeStock(product, kind, value) {
  const units = Number(value);
  const least = kind === 'add' ? 1 : 0;
  const what = kind === 'add' ? 'Units of ' + product.name + ' to add' : 'Units of ' + product.name;
  if (value.trim() === '' || !Number.isInteger(units) || units < least) {
    stockError(what + ' must be a whole number, ' + least + ' or more.');
    return;
  }
  const path = '/products/' + encodeURIComponent(product.item) + (kind === 'add' ? '/stock/additions' : '/stock');
  try {
    const changed = kind === 'add'
      ? (await call('POST', path, { body: { units } })).json
      : (await call('PUT', path, { body: { available: units } })).json;
    const row = byId('stock').querySelector('tr[data-item="' + CSS.escape(product.item) + '"]');
    row.replaceWith(stockRow(changed));
    byId(kind + '-' + product.item).focus();
    byId('stock-error').hidden = true;
  } catch (problem) {
    const error = (problem.problem && problem.problem.errors || [])[0];
    stockError(error ? fieldSentence(what, error.message) : problem.message);
  }
}

function stockError(sentence) {
  const element = byId('stock-error');
  element.textContent = sentence;
  element.hidden = false;
}

/** An order's lines, each with its unit price, amount and units refunded. */
function showOrder(order) {
  byId('console-order-title').textContent = 'Order ' + order.id + ' (' + order.customer + ', ' + STATUS_WORDS[order.status] + ')';
  byId('console-order-lines').tBodies[0].replaceChildren(...order.lines.map(line => h('tr', { 'data-item': line.item },
    h('td', {}, line.item),
    h('td', {}, line.quantity),
    h('td', {}, money(line.price, order.currency)),
    h('td', {}, money(line.amount, order.currency)),
    h('td', {}, line.refunded))));
  byId('console-order-total').textContent = money(order.amount, order.currency);
  byId('console-order-refunded').textContent = order.refund ? money(order.refund.amount, order.currency) : '';
  const section = byId('console-order');
  section.hidden = false;
  section.focus();
}

async function showOrders() {
  showError('console-customer-error', null);
  const customer = byId('console-customer').value.trim();
  const query = new URLSearchParams({ status: byId('console-status').value, page: ordersPage, size: PAGE_SIZE });
  if (customer) {
    query.set('customer', customer);
  }
  try {
    const orders = (await call('GET', '/orders?' + query)).json;
    byId('console-orders').tBodies[0].replaceChildren(...orders.map(order => {
      const row = orderRow(order, o =>
        h('td', {}, STATUS_WORDS[o.status] + (o.declineReason ? ': ' + o.declineReason.replaceAll('_', ' ') : '')));
      const show = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Lines of order ' + order.id }, 'Show');
      show.addEventListener('click', () => showOrder(order));
      row.append(h('td', {}, show));
      return row;
    }));
    byId('console-page').textContent = 'Page ' + (ordersPage + 1);
    byId('console-previous').disabled = ordersPage === 0;
    byId('console-next').disabled = orders.length < PAGE_SIZE;
  } catch (problem) {
    const customerError = (problem.problem && problem.problem.errors || []).find(e => e.field.includes('customer'));
    showError('console-customer-error', customerError ? fieldSentence('Customer', customerError.message) : problem.message);
  }
}

async function showStuck() {
  try {
    const stuck = (await call('GET', '/orders?stuck=true&size=50')).json;
    byId('stuck-orders').tBodies[0].replaceChildren(...stuck.map(order => orderRow(order, () => h('td', {}, 'Pending'))));
  } catch (problem) {
    pageError(problem.message);
  }
}

async function showTransactions() {
  try {
    const transactions = (await call('GET', '/transactions?page=' + transactionsPage + '&size=' + PAGE_SIZE)).json;
    byId('transactions').tBodies[0].replaceChildren(...transactions.map(t => h('tr', { 'data-transaction': t.id },
      h('td', {}, when(t.createdAt)),
      h('td', {}, t.type === 'REFUND' ? 'Refund' : 'Charge'),
      h('td', {}, t.orderId),
      h('td', {}, money(t.amount, t.currency)),
      h('td', {}, t.success ? 'Succeeded' : t.status === 'PROCESSING' ? 'Processing' : 'Declined: ' + (t.declineReason || '').replaceAll('_', ' ')),
      h('td', {}, t.cardLast4 ? t.cardBrand + ' ' + t.cardLast4 : ''))));
    byId('transactions-page').textContent = 'Page ' + (transactionsPage + 1);
    byId('transactions-previous').disabled = transactionsPage === 0;
    byId('transactions-next').disabled = transactions.length < PAGE_SIZE;
  } catch (problem) {
    pageError(problem.message);
  }
}

async function showRefunds() {
  try {
    const refunded = (await call('GET', '/orders?status=REFUNDED&size=' + PAGE_SIZE)).json;
    byId('refunds').tBodies[0].replaceChildren(...refunded.map(order => orderRow(order, o =>
      h('td', {}, o.refund ? o.refund.id : ''))));
  } catch (problem) {
    pageError(problem.message);
  }
}

function pageError(sentence) {
  const element = byId('page-error');
  element.textContent = sentence;
  element.hidden = false;
}

start();
