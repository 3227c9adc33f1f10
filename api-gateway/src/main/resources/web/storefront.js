// The storefront: the catalog, a cart kept in the tab and paid once with one Idempotency-Key per
// attempt, its outcome in words (a pending one polled until it settles), my orders, and one order
// with its refunds (what is left, or chosen units).
import {
  ApiProblem, STATUS_WORDS, call, credential, fieldSentence, h, linesText, loadConfig, money, randomToken,
  reasonWords, showError, when,
} from './api.js';
import { setUpSignIn } from './signin.js';

const PAGE_SIZE = 10;
/** The cart's lines, [{item, quantity}] with the quantity as typed: the tab's own, like its credential. */
const CART = 'shop.cart';
/** An error's field, "lines.1.quantity" (or "/lines/1/quantity"): which line, which of its fields. */
const LINE_FIELD = /^\/?lines[./](\d+)[./](\w+)$/;

const byId = id => document.getElementById(id);
let products = [];
let cart = [];
let ordersPage = 0;
let attemptKey = null;
let placing = false;
/** The refund on its way, or whose answer is unknown: {what (order and body), key}. */
let refundAttempt = null;

async function start() {
  const config = await loadConfig();
  setUpPaymentChoices(config);
  await showCatalog();
  cart = keptCart();
  showCart();
  byId('order-form').addEventListener('input', event => {
    attemptKey = null;
    const line = event.target.closest('tr[data-item]');
    if (line) {
      changeQuantity(line.dataset.item, event.target.value);
    }
  });
  byId('order-form').addEventListener('submit', placeOrder);
  byId('test-card').addEventListener('change', chooseCard);
  byId('orders-status').addEventListener('change', () => { ordersPage = 0; showOrders(); });
  byId('orders-previous').addEventListener('click', () => { ordersPage -= 1; showOrders(); });
  byId('orders-next').addEventListener('click', () => { ordersPage += 1; showOrders(); });
  byId('refund').addEventListener('click', () => refund(undefined));
  byId('refund-form').addEventListener('submit', refundChosen);
  window.addEventListener('hashchange', route);
  await setUpSignIn(config, { onSignedIn: route, onSignedOut: route });
}

/** Which view the address asks for: #shop (the catalog), #orders, or #order/<id>. */
function route() {
  const signedIn = credential() !== null;
  const hash = location.hash;
  const orderId = hash.startsWith('#order/') ? decodeURIComponent(hash.slice('#order/'.length)) : null;
  byId('order-form').hidden = !signedIn;
  for (const add of document.querySelectorAll('#catalog .add')) {
    add.hidden = !signedIn;
  }
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
  byId('catalog').replaceChildren(...products.map(product => h('li', { 'data-item': product.item },
    h('span', { class: 'name' }, product.name), money(product.price, product.currency),
    h('span', { class: 'stock' }, stockWords(product.available)),
    h('button', { type: 'button', class: 'add secondary', 'aria-label': 'Add ' + product.name + ' to the cart',
      disabled: product.available === 0, hidden: credential() === null }, 'Add to cart'))));
  for (const add of document.querySelectorAll('#catalog .add')) {
    add.addEventListener('click', () => addToCart(add.closest('li').dataset.item));
  }
}

/** The units of each product as the shop has them now: the catalog's words and the cart's notes follow. */
async function refreshStock() {
  try {
    products = (await call('GET', '/products')).json;
  } catch (problem) {
    return; // the words shown stay those of the last answer; the next order tells the truth anyway
  }
  for (const product of products) {
    setAvailable(product.item, product.available);
  }
}

function setAvailable(item, available) {
  const product = productOf(item);
  if (product) {
    product.available = available;
  }
  const entry = byId('catalog').querySelector('li[data-item="' + CSS.escape(item) + '"]');
  if (entry) {
    entry.querySelector('.stock').textContent = stockWords(available);
    entry.querySelector('.add').disabled = available === 0;
  }
  const line = cart.find(l => l.item === item);
  if (line) {
    showLineNote(line);
  }
}

/** The cart kept in this tab, without what the catalog no longer sells. */
function keptCart() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(CART) || '[]');
    return Array.isArray(kept) ? kept.filter(line => products.some(p => p.item === line.item)) : [];
  } catch (unreadable) {
    return [];
  }
}

function keepCart() {
  if (cart.length === 0) {
    sessionStorage.removeItem(CART);
  } else {
    sessionStorage.setItem(CART, JSON.stringify(cart));
  }
}

function addToCart(item) {
  attemptKey = null;
  const line = cart.find(l => l.item === item);
  if (line) {
    const units = wholeNumber(line.quantity);
    line.quantity = String(units === null ? 1 : units + 1);
  } else {
    cart.push({ item, quantity: '1' });
  }
  keepCart();
  showCart();
  const added = cart.find(l => l.item === item);
  byId('cart-status').textContent = nameOf(item) + ' is in the cart: ' + added.quantity + '.';
}

function changeQuantity(item, text) {
  const line = cart.find(l => l.item === item);
  line.quantity = text;
  keepCart();
  showLineNote(line);
  showAmounts();
}

function removeFromCart(item) {
  attemptKey = null;
  cart = cart.filter(l => l.item !== item);
  keepCart();
  showCart();
  byId('cart-status').textContent = nameOf(item) + ' was taken out of the cart.';
  byId('cart-title').focus();
}

function emptyCart() {
  cart = [];
  keepCart();
  showCart();
}

/** A whole number typed, or null. */
function wholeNumber(text) {
  return /^\d+$/.test(String(text).trim()) ? Number(String(text).trim()) : null;
}

function showCart() {
  const rows = cart.map(line => {
    const product = productOf(line.item);
    const quantityId = 'quantity-' + line.item;
    const remove = h('button', { type: 'button', class: 'secondary remove', 'aria-label': 'Remove ' + product.name }, 'Remove');
    remove.addEventListener('click', () => removeFromCart(line.item));
    return h('tr', { 'data-item': line.item },
      h('td', {}, h('label', { for: quantityId }, product.name)),
      h('td', {}, money(product.price, product.currency)),
      h('td', {},
        h('input', { id: quantityId, class: 'quantity', type: 'number', inputmode: 'numeric', min: '1', max: '1000',
          value: line.quantity, 'aria-describedby': quantityId + '-error' }),
        h('p', { id: quantityId + '-error', class: 'error', hidden: true })),
      h('td', { class: 'amount' }),
      h('td', {}, remove));
  });
  byId('cart').tBodies[0].replaceChildren(...rows);
  byId('cart').hidden = cart.length === 0;
  byId('cart-empty').hidden = cart.length > 0;
  for (const line of cart) {
    showLineNote(line);
  }
  showAmounts();
}

/** Each line's amount and the total, summed in cents. */
function showAmounts() {
  let total = 0;
  let currency = 'USD';
  for (const line of cart) {
    const product = productOf(line.item);
    const units = wholeNumber(line.quantity);
    const amount = units === null ? null : cents(product.price) * units;
    currency = product.currency;
    total += amount || 0;
    lineRow(line.item).querySelector('.amount').textContent = amount === null ? '' : money(amount / 100, currency);
  }
  byId('total').textContent = cart.length === 0 ? '' : 'Total: ' + money(total / 100, currency);
}

/** Before paying: a line for more than is left says so at the line. */
function showLineNote(line, sentence) {
  const product = productOf(line.item);
  const units = wholeNumber(line.quantity);
  let note = sentence || null;
  if (!note && units !== null && units > product.available) {
    note = product.available === 0 ? product.name + ' is out of stock.' : 'Only ' + product.available + ' left.';
  }
  showError('quantity-' + line.item + '-error', note);
}

function lineRow(item) {
  return byId('cart').querySelector('tr[data-item="' + CSS.escape(item) + '"]');
}

/**
 * Pays for the cart, as one order of its lines. One Idempotency-Key per attempt: made on the first
 * Pay, kept while the answer is unknown (a retry after a network error or a 5xx is the same
 * attempt), dropped once there is an outcome or the cart changes. While a request is out, Pay does
 * nothing: a double click is one order. A paid or pending order empties the cart; a declined one
 * leaves it, to pay with another card.
 */
async function placeOrder(event) {
  event.preventDefault();
  if (placing) {
    return;
  }
  for (const id of ['payment-method-error', 'order-error']) {
    showError(id, null);
  }
  if (cart.length === 0) {
    showError('order-error', 'The cart is empty: add something from the catalog first.');
    return;
  }
  for (const line of cart) {
    showLineNote(line);
  }
  placing = true;
  const pay = byId('pay');
  pay.disabled = true;
  attemptKey = attemptKey || 'web-' + randomToken();
  const body = {
    lines: cart.map(line => {
      const product = productOf(line.item);
      const units = wholeNumber(line.quantity);
      return { item: line.item, quantity: units === null ? line.quantity : units, price: product.price };
    }),
  };
  const card = byId('payment-method').value.replaceAll(' ', '');
  if (card) {
    body.paymentMethod = card;
  }
  byId('outcome').replaceChildren(h('p', { class: 'pending' }, 'Paying…'));
  try {
    const placed = (await call('POST', '/orders', { body, headers: { 'Idempotency-Key': attemptKey } })).json;
    attemptKey = null;
    if (placed.status !== 'PAYMENT_FAILED') {
      emptyCart();
    }
    showOutcome(placed);
    refreshStock();
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

/** A refusal, next to the line or the field it concerns; anything else under the Pay button. */
function showProblem(problem) {
  let shown = false;
  for (const error of problem.problem.errors || []) {
    const line = LINE_FIELD.exec(error.field);
    if (line && cart[Number(line[1])]) {
      const { item } = cart[Number(line[1])];
      const label = line[2] === 'quantity' ? 'Quantity of ' + nameOf(item) : nameOf(item);
      showError('quantity-' + item + '-error', fieldSentence(label, error.message));
      shown = true;
    } else if (error.field.replace(/^\//, '') === 'paymentMethod') {
      showError('payment-method-error', fieldSentence('Card number', error.message));
      shown = true;
    }
  }
  if (problem.type === 'out-of-stock') {
    for (const short of problem.problem.lines || []) {
      setAvailable(short.item, short.available);
    }
  }
  if (problem.type === 'unauthenticated') {
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
        + ': ' + money(line.amount, order.currency) + (line.refunded ? ' (' + line.refunded + ' refunded)' : '')]),
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
  const refundable = order.status === 'PAID' || order.status === 'PARTIALLY_REFUNDED';
  const refundButton = byId('refund');
  refundButton.hidden = !refundable;
  // What is left of the charge, for the button's words only (the server decides the refund).
  const left = cents(order.amount) - (order.refund ? cents(order.refund.amount) : 0);
  refundButton.textContent = 'Refund ' + money(left / 100, order.currency);
  showRefundLines(refundable ? order : null);
}

/** A field per line with units left to refund, each starting at none. */
function showRefundLines(order) {
  const fields = order === null ? [] : order.lines.filter(line => line.quantity > line.refunded).map(line => {
    const id = 'refund-' + line.item;
    const left = line.quantity - line.refunded;
    return h('div', { class: 'field' },
      h('label', { for: id }, 'Units of ' + nameOf(line.item) + ' to refund (' + left + ' of ' + line.quantity + ' left)'),
      h('input', { id, 'data-item': line.item, type: 'number', inputmode: 'numeric', min: '0', max: String(left), value: '0' }));
  });
  byId('refund-lines').replaceChildren(...fields);
  byId('refund-form').hidden = fields.length === 0;
}

/** Refunds the units chosen, none of a line being none of it. */
function refundChosen(event) {
  event.preventDefault();
  const lines = [];
  for (const input of byId('refund-lines').querySelectorAll('input')) {
    const units = wholeNumber(input.value);
    if (units !== 0) {
      lines.push({ item: input.dataset.item, quantity: units === null ? input.value : units });
    }
  }
  if (lines.length === 0) {
    showError('refund-error', 'Choose how many units of which line to refund.');
    return;
  }
  refund({ lines });
}

/**
 * Refunds what is left (no body) or the lines given. One Idempotency-Key per attempt, as for an
 * order: the same refund asked again after an unknown outcome is the same attempt, refunded once.
 */
async function refund(body) {
  if (!shownOrder) {
    return;
  }
  const buttons = [byId('refund'), byId('refund-chosen')];
  buttons.forEach(button => { button.disabled = true; });
  showError('refund-error', null);
  const what = shownOrder.id + ' ' + JSON.stringify(body || null);
  if (!refundAttempt || refundAttempt.what !== what) {
    refundAttempt = { what, key: 'web-' + randomToken() };
  }
  try {
    const refunded = (await call('POST', '/orders/' + shownOrder.id + '/refund',
      { body, headers: { 'Idempotency-Key': refundAttempt.key } })).json;
    refundAttempt = null;
    renderOrder(refunded);
  } catch (problem) {
    if (problem instanceof ApiProblem && problem.status > 0 && problem.status < 500 && problem.status !== 429) {
      refundAttempt = null;
    }
    showError('refund-error', refundSentence(problem, body));
  } finally {
    buttons.forEach(button => { button.disabled = false; });
  }
}

/** A refused line's field named by its item ("Units of Mug to refund must be ..."), else the problem's sentence. */
function refundSentence(problem, body) {
  for (const error of (problem.problem && problem.problem.errors) || []) {
    const line = LINE_FIELD.exec(error.field);
    if (line && body && body.lines[Number(line[1])]) {
      return fieldSentence('Units of ' + nameOf(body.lines[Number(line[1])].item) + ' to refund', error.message);
    }
  }
  return problem.message;
}

/** The catalog's product of this item, as last read, or undefined. */
function productOf(item) {
  return products.find(p => p.item === item);
}

function nameOf(item) {
  const product = productOf(item);
  return product ? product.name : item;
}

/** An amount in cents, so that no sum of prices is off by a rounding. */
function cents(amount) {
  return Math.round(Number(amount) * 100);
}

function pageError(sentence) {
  const element = byId('page-error');
  element.textContent = sentence;
  element.hidden = false;
}

start();
