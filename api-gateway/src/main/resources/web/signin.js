// Signing in, for both pages: an API key (the local profile's demo keys offered), or OIDC
// (authorization code with PKCE) when the gateway names an issuer and the pages' client id.
import { ApiProblem, call, credential, forgetCredential, h, keepCredential, randomToken, showError } from './api.js';

const PKCE = 'shop.pkce';

/**
 * Sets up the sign-in section and the sign-out button; calls onSignedIn() once the tab holds a
 * credential the API accepts (now, after a sign-in, or back from the issuer) and onSignedOut() after sign-out.
 */
export async function setUpSignIn(config, { onSignedIn, onSignedOut }) {
  const section = document.getElementById('sign-in');
  const who = document.getElementById('who');

  const signedIn = () => {
    section.hidden = true;
    who.hidden = false;
    document.getElementById('who-label').textContent = credential().label;
    onSignedIn();
  };
  const signedOut = () => {
    forgetCredential();
    who.hidden = true;
    section.hidden = false;
    onSignedOut();
  };

  document.getElementById('sign-out').addEventListener('click', () => {
    signedOut();
    document.getElementById('api-key').focus();
  });

  const tryKey = async (key, label) => {
    showError('api-key-error', null);
    if (!key) {
      showError('api-key-error', 'API key is empty: paste your key.');
      return;
    }
    keepCredential('key', key, label);
    try {
      await call('GET', '/orders?status=any&size=1');
      document.getElementById('api-key').value = '';
      signedIn();
    } catch (problem) {
      forgetCredential();
      showError('api-key-error', problem instanceof ApiProblem && problem.status === 401
        ? 'This API key is not valid. Check it and try again.'
        : problem.message);
    }
  };

  document.getElementById('key-form').addEventListener('submit', event => {
    event.preventDefault();
    tryKey(document.getElementById('api-key').value.trim(), 'Signed in with an API key');
  });

  if (config.demoKeys) {
    const list = document.getElementById('demo-key-list');
    for (const demo of config.demoKeys) {
      const button = h('button', { type: 'button', class: 'secondary', 'data-key': demo.key }, 'Sign in as ' + demo.label);
      button.addEventListener('click', () => tryKey(demo.key, 'Signed in as ' + demo.label));
      list.append(h('li', {}, button));
    }
    document.getElementById('demo-keys').hidden = false;
  }

  if (config.oidc) {
    document.getElementById('oidc').hidden = false;
    document.getElementById('oidc-sign-in').addEventListener('click', () =>
      startAuthorization(config.oidc).catch(() =>
        showError('oidc-error', 'The sign-in service cannot be reached. Please try again later.')));
    try {
      if (await finishAuthorization(config.oidc)) {
        signedIn();
        return;
      }
    } catch (failure) {
      showError('oidc-error', failure.message);
    }
  }

  if (credential()) {
    signedIn();
  } else {
    signedOut();
  }
}

async function discover(issuer) {
  const response = await fetch(issuer.replace(/\/$/, '') + '/.well-known/openid-configuration');
  if (!response.ok) {
    throw new Error('The sign-in service cannot be reached. Please try again later.');
  }
  return response.json();
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The PKCE pair: a random verifier, and its SHA-256 (base64url) as the challenge (RFC 7636, S256). */
export async function pkcePair() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

/** Off to the issuer's authorization endpoint, with the challenge; the verifier stays in this tab. */
async function startAuthorization(oidc) {
  const discovery = await discover(oidc.issuer);
  const { verifier, challenge } = await pkcePair();
  const state = randomToken();
  const redirectUri = location.origin + location.pathname;
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state, redirectUri, tokenEndpoint: discovery.token_endpoint }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: oidc.clientId,
    redirect_uri: redirectUri,
    scope: oidc.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** Back from the issuer with ?code=...&state=...: the code exchanged, with the verifier, for an access token. */
async function finishAuthorization(oidc) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) {
    return false;
  }
  const pending = JSON.parse(sessionStorage.getItem(PKCE) || 'null');
  sessionStorage.removeItem(PKCE);
  history.replaceState(null, '', location.pathname + location.hash);
  if (params.has('error') || !pending || params.get('state') !== pending.state) {
    throw new Error('The sign-in was not completed. Please try again.');
  }
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: pending.redirectUri,
      client_id: oidc.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const token = response.ok ? await response.json() : null;
  if (!token || !token.access_token) {
    throw new Error('The sign-in service refused the sign-in. Please try again.');
  }
  keepCredential('oidc', token.access_token, 'Signed in with your account');
  return true;
}
