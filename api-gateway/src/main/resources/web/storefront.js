// The storefront: the catalog, an order paid with one Idempotency-Key per attempt, its outcome in
// words (a pending one polled until it settles), my orders, and one order with its refund.
import {
  ApiProblem, STATUS_WORDS, call, credential, fieldSentence, h, linesText, loadConfig, money, randomToken,
  reasonWords, showError, when,
} from './api.js';
import { setUpSignIn } from './signin.js';

const PAGE_SIZE = 10;
const FIELD_LABELS = { item: 'Item', quantity: 'Quantity', paymentMethod: 'Card number' };
const FIELD_ERRORS = { item: 'item-error', quantity: 'quantity-error', paymentMethod: 'payment-method-error' };

const byId = id => document.getElementById(id);
let products = [];
let ordersPage = 0;
let attemptKey = null;
let placing = false;

async function start() {
  const config = await loadConfig();
  setUpPaymentChoices(config);
  await showCatalog();
  byId('order-form').addEventListener('input', () => { attemptKey = null; });
  byId('order-form').addEventListener('submit', placeOrder);
  byId('test-card').addEventListener('change', chooseCard);
  byId('orders-status').addEventListener('change', () => { ordersPage = 0; showOrders(); });
  byId('orders-previous').addEventListener('click', () => { ordersPage -= 1; showOrders(); });
  byId('orders-next').addEventListener('click', () => { ordersPage += 1; showOrders(); });
  byId('refund').addEventListener('click', refund);
  window.addEventListener('hashchange', route);
  await setUpSignIn(config, { onSignedIn: route, onSignedOut: route });
}

/** Which view the address asks for: #shop (the catalog), #orders, or #order/<id>. */
function route() {
  const signedIn = credential() !== null;
  const hash = location.hash;
  const orderId = hash.startsWith('#order/') ? decodeURIComponent(hash.slice('#order/'.length)) : null;
  byId('order-form').hidden = !signedIn;
  byId('shop').hidden = orderId !== null || hash === '#orders';
  byId('orders').hidden = !signedIn || hash !== '#orders';
  byId('order').hidden = !signedIn || orderId === null;
  if (!signedIn) {
    byId('outcome').replaceChildren();
    byId('shop').hidden = false;
    return;
  }
  if (hash === '#orders') {
    showOrders();
  } else if (orderId !== null) {
    showOrder(orderId);
  }
}

function setUpPaymentChoices(config) {
  if (!config.testCards) {
    return;
  }
  const select = byId('test-card');
  for (const card of config.testCards) {
    select.append(h('option', { value: card.number }, card.label));
  }
  select.append(h('option', { value: '' }, 'Another card number'));
  byId('test-card-field').hidden = false;
  chooseCard();
}

function chooseCard() {
  const number = byId('test-card').value;
  byId('payment-method').value = number;
  byId('card-field').hidden = number !== '';
}

/** Few units are told as a number, none as out of stock. */
function stockWords(available) {
  if (available === 0) {
    return 'out of stock';
  }
  return available < 100 ? available + ' left' : 'in stock';
}

async function showCatalog() {
  try {
    products = (await call('GET', '/products')).json;
  } catch (problem) {
    pageError(problem.message);
    return;
  }
  const list = byId('catalog');
  const items = byId('item');
  for (const product of products) {
    const stock = stockWords(product.available);
    list.append(h('li', { 'data-item': product.item },
      h('span', { class: 'name' }, product.name), money(product.price, product.currency),
      h('span', { class: 'stock' }, stock)));
    items.append(h('option', { value: product.item, disabled: product.available === 0 },
      product.name + ', ' + money(product.price, product.currency) + (product.available === 0 ? ' (' + stock + ')' : '')));
  }
}

/**
 * Places the order. One Idempotency-Key per attempt: made on the first Pay, kept while the answer
 * is unknown (a retry after a network error or a 5xx is the same attempt), dropped once there is
 * an outcome or the form changes. While a request is out, Pay does nothing: a double click is one order.
 */
async function placeOrder(event) {
  event.preventDefault();
  if (placing) {
    return;
  }
  placing = true;
  const pay = byId('pay');
  pay.disabled = true;
  for (const id of Object.values(FIELD_ERRORS).concat('order-error')) {
    showError(id, null);
  }
  attemptKey = attemptKey || 'web-' + randomToken();
  const product = products.find(p => p.item === byId('item').value);
  const quantityText = byId('quantity').value.trim();
  const body = {
    item: byId('item').value,
    quantity: /^-?\d+$/.test(quantityText) ? Number(quantityText) : quantityText,
    price: product ? product.price : undefined,
  };
  const card = byId('payment-method').value.replaceAll(' ', '');
  if (card) {
    body.paymentMethod = card;
  }
  byId('outcome').replaceChildren(h('p', { class: 'pending' }, 'Paying…'));
  try {
    const placed = await call('POST', '/orders', { body, headers: { 'Idempotency-Key': attemptKey } });
    attemptKey = null;
    showOutcome(placed.json);
  } catch (problem) {
    byId('outcome').replaceChildren();
    if (!(problem instanceof ApiProblem) || problem.status >= 500 || problem.status === 0 || problem.status === 429) {
      showError('order-error', problem.message);
    } else {
      attemptKey = null;
      showProblem(problem);
    }
  } finally {
    placing = false;
    pay.disabled = false;
  }
}

/** A refusal, next to the field it concerns; anything else under the Pay button. */
function showProblem(problem) {
  const errors = problem.problem.errors || [];
  let shown = false;
  for (const error of errors) {
    const field = error.field.replace(/^\//, '');
    if (FIELD_ERRORS[field]) {
      showError(FIELD_ERRORS[field], fieldSentence(FIELD_LABELS[field], error.message));
      shown = true;
    }
  }
  if (problem.type === 'unknown-item') {
    showError('item-error', problem.message);
  } else if (problem.type === 'unauthenticated') {
    pageError(problem.message);
  } else if (!shown) {
    showError('order-error', problem.message);
  }
}

function describe(order) {
  const what = linesText(order, nameOf) + ', ' + money(order.amount, order.currency);
  switch (order.status) {
    case 'PAID': {
      const card = order.transaction && order.transaction.cardLast4
        ? ' charged to ' + order.transaction.cardBrand + ' ending ' + order.transaction.cardLast4 : ' charged';
      return { css: 'paid', text: 'Paid: ' + what + card + '.' };
    }
    case 'PAYMENT_FAILED':
      return { css: 'declined', text: 'Declined: ' + reasonWords(order.declineReason) + '. Nothing was charged for ' + what + '.' };
    case 'PARTIALLY_REFUNDED':
      return { css: 'paid', text: 'Partly refunded: ' + money(order.refund.amount, order.currency) + ' of ' + what + ' went back to the card.' };
    case 'REFUNDED':
      return { css: 'paid', text: 'Refunded: ' + what + ' went back to the card.' };
    default:
      return { css: 'pending', text: 'Pending: the payment for ' + what + ' is being processed. This page updates by itself when it is settled.' };
  }
}

function showOutcome(order) {
  const { css, text } = describe(order);
  byId('outcome').replaceChildren(
    h('p', { class: css, id: 'outcome-text', 'data-status': order.status, 'data-order': order.id }, text, ' ',
      h('a', { href: '#order/' + order.id }, 'See the order')));
  if (order.status === 'PENDING') {
    poll(order.id, settled => {
      const shown = byId('outcome-text');
      if (shown && shown.dataset.order === settled.id) {
        showOutcome(settled);
      }
    });
  }
}

/** Asks for the order again until it is no longer pending: every second, then every five. */
function poll(id, onSettled, attempt = 0) {
  setTimeout(async () => {
    try {
      const order = (await call('GET', '/orders/' + encodeURIComponent(id))).json;
      if (order.status !== 'PENDING') {
        onSettled(order);
        return;
      }
    } catch (problem) {
      if (problem instanceof ApiProblem && problem.status > 0 && problem.status < 500 && problem.status !== 429) {
        return;
      }
    }
    poll(id, onSettled, attempt + 1);
  }, attempt < 30 ? 1000 : 5000);
}

async function showOrders() {
  showError('orders-error', null);
  const status = byId('orders-status').value;
  let orders;
  try {
    orders = (await call('GET', '/orders?status=' + status + '&page=' + ordersPage + '&size=' + PAGE_SIZE)).json;
  } catch (problem) {
    showError('orders-error', problem.message);
    return;
  }
  const rows = orders.map(order => h('tr', { 'data-order': order.id },
    h('td', {}, when(order.createdAt)),
    h('td', {}, h('a', { href: '#order/' + order.id }, linesText(order, nameOf))),
    h('td', {}, money(order.amount, order.currency)),
    h('td', {}, STATUS_WORDS[order.status])));
  byId('orders-table').tBodies[0].replaceChildren(...rows);
  byId('orders-empty').hidden = orders.length > 0;
  byId('orders-page').textContent = 'Page ' + (ordersPage + 1);
  byId('orders-previous').disabled = ordersPage === 0;
  byId('orders-next').disabled = orders.length < PAGE_SIZE;
}

let shownOrder = null;

async function showOrder(id) {
  showError('refund-error', null);
  const details = byId('order-details');
  details.replaceChildren();
  byId('refund').hidden = true;
  shownOrder = null;
  let order;
  try {
    order = (await call('GET', '/orders/' + encodeURIComponent(id))).json;
  } catch (problem) {
    byId('order-title').textContent = 'Order';
    showError('refund-error', problem.message);
    return;
  }
  renderOrder(order);
  if (order.status === 'PENDING') {
    poll(order.id, settled => { if (shownOrder && shownOrder.id === settled.id) { renderOrder(settled); } });
  }
}

function renderOrder(order) {
  shownOrder = order;
  byId('order-title').textContent = 'Order of ' + when(order.createdAt);
  const rows = [
    ['Status', STATUS_WORDS[order.status]],
    ...order.lines.map(line => [order.lines.length === 1 ? 'Item' : 'Line',
      line.quantity + ' × ' + nameOf(line.item) + ' at ' + money(line.price, order.currency)
        + ': ' + money(line.amount, order.currency)]),
    ['Amount', money(order.amount, order.currency)],
    ['Outcome', describe(order).text],
  ];
  if (order.transaction) {
    const t = order.transaction;
    rows.push(['Charge', money(t.amount, t.currency) + (t.success ? ' charged' : ' refused')
      + (t.cardLast4 ? ' on ' + t.cardBrand + ' ending ' + t.cardLast4 : '') + ' (' + t.id + ')']);
  }
  if (order.refund) {
    rows.push(['Refund', money(order.refund.amount, order.refund.currency) + ' refunded (' + order.refund.id + ')']);
  }
  rows.push(['Order number', order.id]);
  byId('order-details').replaceChildren(...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
  const refundButton = byId('refund');
  refundButton.hidden = order.status !== 'PAID' && order.status !== 'PARTIALLY_REFUNDED';
  // In cents: what is left of the charge, for the button's words only (the server decides the refund).
  const cents = amount => Math.round(Number(amount) * 100);
  const left = cents(order.amount) - (order.refund ? cents(order.refund.amount) : 0);
  refundButton.textContent = 'Refund ' + money(left / 100, order.currency);
}

async function refund() {
  if (!shownOrder) {
    return;
  }
  const button = byId('refund');
  button.disabled = true;
  showError('refund-error', null);
  try {
    renderOrder((await call('POST', '/orders/' + shownOrder.id + '/refund')).json);
  } catch (problem) {
    showError('refund-error', problem.message);
  } finally {
    button.disabled = false;
  }
}

function nameOf(item) {
  const product = products.find(p => p.item === item);
  return product ? product.name : item;
}

function pageError(sentence) {
  const element = byId('page-error');
  element.textContent = sentence;
  element.hidden = false;
}

start();
