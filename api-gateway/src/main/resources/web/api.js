// The public API as the pages use it: the credential of this tab, calls, and problems in words.

const CREDENTIAL = 'shop.credential';

/** What this gateway offers the pages: demo keys and test cards (local profile), an OIDC issuer. */
export async function loadConfig() {
  const response = await fetch('/web/config.json', { headers: { Accept: 'application/json' } });
  return response.json();
}

/** The tab's credential ({kind, token, label}), kept in sessionStorage: gone with the tab or on sign-out. */
export function credential() {
  const stored = sessionStorage.getItem(CREDENTIAL);
  return stored ? JSON.parse(stored) : null;
}

export function keepCredential(kind, token, label) {
  sessionStorage.setItem(CREDENTIAL, JSON.stringify({ kind, token, label }));
}

export function forgetCredential() {
  sessionStorage.removeItem(CREDENTIAL);
}

/** A refusal of the API: its problem+json, and a sentence for people. */
export class ApiProblem extends Error {
  constructor(status, problem) {
    super(sentenceFor(status, problem));
    this.status = status;
    this.problem = problem;
    this.type = (problem.type || '').replace('urn:shop:problem:', '');
  }
}

/** Calls the API with the tab's credential; the answer's JSON, or an ApiProblem. */
export async function call(method, path, { body, headers = {} } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  const held = credential();
  if (held) {
    sent.Authorization = 'Bearer ' + held.token;
  }
  if (body !== undefined) {
    sent['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, { method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (unreachable) {
    throw new ApiProblem(0, { type: 'urn:shop:problem:unreachable', detail: '' });
  }
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ApiProblem(response.status, json || {});
  }
  return { status: response.status, json };
}

const TYPES = {
  unreachable: 'The shop cannot be reached. Check your connection and try again.',
  unauthenticated: 'You are not signed in, or your sign-in has expired. Please sign in again.',
  forbidden: 'You are not allowed to do that.',
  'order-not-found': 'There is no such order among yours.',
  'order-not-refundable': 'Only a paid order can be refunded, and only what is left of it.',
  'refund-declined': 'The card\'s processor would not refund it. Nothing was refunded.',
  'unknown-item': 'This item is not in the catalog.',
  'currency-mismatch': 'This item is sold in another currency.',
  'too-many-requests': 'Too many requests at once. Please wait a moment and try again.',
  'too-many-pending-orders': 'The shop is taking too many orders right now. Please try again in a few seconds.',
  'payment-method-not-durable': 'Card payments are switched off right now. Please try again later.',
  'payment-service-unavailable': 'Payments are not available right now. Please try again in a moment.',
  'service-unavailable': 'The shop is busy or partly down. Please try again in a moment.',
  'internal-error': 'Something went wrong on our side. Please try again.',
  'idempotency-key-reused': 'This order was already sent with other details. Please try again.',
  'payload-too-large': 'That is too much to send at once.',
};

function sentenceFor(status, problem) {
  const type = (problem.type || '').replace('urn:shop:problem:', '');
  if (type === 'price-mismatch') {
    return 'The price has changed since the page was loaded. Please reload and check it.';
  }
  if ((type === 'out-of-stock' || type === 'refund-exceeds-order') && Array.isArray(problem.lines)) {
    const left = problem.lines.map(line => line.item + ' (' + line.available + ' left)').join(', ');
    return type === 'out-of-stock'
      ? 'Not enough in stock for ' + left + '. Nothing was ordered or charged.'
      : 'Not that many to refund of ' + left + '. Nothing was refunded.';
  }
  return TYPES[type] || problem.detail || 'The request failed (' + status + ').';
}

/** "must be between 1 and 1000" for "Quantity": "Quantity must be between 1 and 1000." */
export function fieldSentence(label, message) {
  const text = label + ' ' + message.trim();
  return text.endsWith('.') ? text : text + '.';
}

/** Creates an element: h('td', {class: 'x'}, 'text', child...). Text is always text, never markup. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children) {
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Shows (or, with null, clears) an error next to a field: the field is marked invalid and described by it. */
export function showError(id, sentence) {
  const element = document.getElementById(id);
  element.textContent = sentence || '';
  element.hidden = !sentence;
  const field = document.querySelector('[aria-describedby~="' + id + '"]');
  if (field) {
    if (sentence) {
      field.setAttribute('aria-invalid', 'true');
    } else {
      field.removeAttribute('aria-invalid');
    }
  }
}

export function money(amount, currency) {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
}

export function when(timestamp) {
  return new Date(timestamp).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** What an order holds, line by line: "2 × T-shirt, 1 × Mug" (names from nameOf, the item keys without it). */
export function linesText(order, nameOf = item => item) {
  return order.lines.map(line => line.quantity + ' × ' + nameOf(line.item)).join(', ');
}

export const STATUS_WORDS = {
  PAID: 'Paid', PENDING: 'Pending', PAYMENT_FAILED: 'Declined', PARTIALLY_REFUNDED: 'Partly refunded', REFUNDED: 'Refunded',
};

const REASONS = {
  card_declined: 'the card was declined',
  insufficient_funds: 'the card has insufficient funds',
  incorrect_number: 'the card number is not correct',
  expired_card: 'the card has expired',
};

/** Why a payment failed, in words. */
export function reasonWords(reason) {
  return REASONS[reason] || (reason ? reason.replaceAll('_', ' ') : 'no reason was given');
}

/** A random string for an Idempotency-Key or an OAuth state, from the browser's CSPRNG. */
export function randomToken(bytes = 16) {
  const random = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(random, b => b.toString(16).padStart(2, '0')).join('');
}
