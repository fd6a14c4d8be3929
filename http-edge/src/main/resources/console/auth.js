// The duty officer's bearer token: taken from the URL fragment (#token=…, which never reaches
// the server) or pasted into the sign-in form, kept in this tab's sessionStorage only.

import { label } from '../tips/i18n.js';

const PREFIX = 'schoolSafetyHub.';
const KEY = PREFIX + 'token';

/** Moves a token from the URL fragment into sessionStorage and clears it from the address bar. */
export function takeTokenFromFragment() {
  const hash = window.location.hash;
  if (!hash || hash.length < 2) return false;
  const params = new URLSearchParams(hash.slice(1));
  const token = params.get('token');
  if (token === null) return false;
  // Out of the address bar (and the history entry) before anything else happens.
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  if (token.trim()) {
    sessionStorage.setItem(KEY, token.trim());
  }
  return true;
}

export function storedToken() {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token) {
  sessionStorage.setItem(KEY, token.trim());
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

/** Signing out: the token and everything else the console kept in this tab. */
export function forgetSession() {
  for (const key of Object.keys(sessionStorage)) {
    if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
  }
}

function base64UrlDecode(part) {
  let b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  while (b64.length % 4) b64 += '=';
  const binary = atob(b64);
  const bytes = Uint8Array.from(binary, c => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * The token's claims, decoded here only to show who is signed in and when the token expires;
 * the hub verifies the signature on every call. Throws, if it is not a JWT, with the catalogue key
 * of a readable message.
 */
export function decodeClaims(token) {
  const parts = (token || '').split('.');
  if (parts.length !== 3) throw new Error('login.notJwt');
  let claims;
  try {
    claims = JSON.parse(base64UrlDecode(parts[1]));
  } catch (e) {
    throw new Error('login.badPayload');
  }
  if (typeof claims !== 'object' || claims === null) throw new Error('login.noClaims');
  return claims;
}

/** Seconds until the token expires (negative once expired), or null without exp. */
export function secondsLeft(claims) {
  return typeof claims.exp === 'number' ? claims.exp - Date.now() / 1000 : null;
}

/** The region prefix a command center's token watches (its subject), or ''. */
export function homeRegion(claims) {
  return claims.role === 'COMMAND_CENTER' && /^\d{2}(\d{2}){0,2}$/.test(String(claims.sub)) ? String(claims.sub) : '';
}

export function describeRole(role) {
  return label('role.', role) || '?';
}
