// OAuth2 authorization code + PKCE (S256) as a public client; tokens live in sessionStorage.

const TOKENS_KEY = "jhe.portal.tokens";
const PENDING_KEY = "jhe.portal.pending-login";
const FALLBACK_ENDPOINTS = {
  authorization: "/o/authorize/",
  token: "/o/token/",
  revocation: "/o/revoke_token/",
  endSession: "/o/logout/",
};

export const REDIRECT_PATH = "/portal/callback";
export const redirectUri = () => `${location.origin}${REDIRECT_PATH}`;

let settings = { clientId: "jhe-portal", scope: "openid read write" };
let endpoints = null;
let refreshing = null;

export function configure(portalSettings) {
  settings = { ...settings, ...portalSettings };
}

/** The /o/ endpoints from the discovery document, kept on this origin (the console's CSP). */
async function getEndpoints() {
  if (endpoints) return endpoints;
  endpoints = { ...FALLBACK_ENDPOINTS };
  try {
    const response = await fetch("/o/.well-known/openid-configuration", { headers: { Accept: "application/json" } });
    if (response.ok) {
      const doc = await response.json();
      const pathOf = (url) => (url ? new URL(url, location.origin).pathname : null);
      endpoints.authorization = pathOf(doc.authorization_endpoint) || endpoints.authorization;
      endpoints.token = pathOf(doc.token_endpoint) || endpoints.token;
      endpoints.revocation = pathOf(doc.revocation_endpoint) || endpoints.revocation;
      endpoints.endSession = pathOf(doc.end_session_endpoint) || endpoints.endSession;
    }
  } catch {
    // The fallback paths are the guide's; discovery only refines them.
  }
  return endpoints;
}

function base64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(size = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

async function challengeFor(verifier) {
  return base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

/** Send the browser to the server's login form; ``returnTo`` is the console hash to come back to. */
export async function beginLogin(returnTo = location.hash) {
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const { authorization } = await getEndpoints();
  const params = new URLSearchParams({
    response_type: "code",
    client_id: settings.clientId,
    redirect_uri: redirectUri(),
    scope: settings.scope,
    state,
    code_challenge: await challengeFor(verifier),
    code_challenge_method: "S256",
  });
  location.assign(`${authorization}?${params}`);
}

async function tokenRequest(fields) {
  const { token } = await getEndpoints();
  const response = await fetch(token, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams({ client_id: settings.clientId, ...fields }),
  });
  let body = {};
  try { body = await response.json(); } catch { /* an empty or non-JSON answer */ }
  if (!response.ok || !body.access_token) {
    const reason = body.error_description || body.detail || body.error || `HTTP ${response.status}`;
    throw new Error(`The server refused the login: ${reason}.`);
  }
  storeTokens(body);
  return body;
}

function storeTokens(body) {
  const expiresIn = Number(body.expires_in) || 3600;
  const previous = readTokens();
  sessionStorage.setItem(TOKENS_KEY, JSON.stringify({
    accessToken: body.access_token,
    // Refresh tokens rotate: always keep the newest one.
    refreshToken: body.refresh_token || previous?.refreshToken || null,
    expiresAt: Date.now() + expiresIn * 1000,
  }));
}

function readTokens() {
  try { return JSON.parse(sessionStorage.getItem(TOKENS_KEY) || "null"); } catch { return null; }
}

export function isLoggedIn() {
  return Boolean(readTokens()?.accessToken);
}

/**
 * Finish the login on /portal/callback: check ``state``, exchange the code with the verifier.
 * Returns the console hash to show next; throws with a plain message when the login failed.
 */
export async function completeLogin(search = location.search) {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) || "null");
  sessionStorage.removeItem(PENDING_KEY);
  if (params.get("error")) {
    throw new Error(`Login failed: ${params.get("error_description") || params.get("error")}.`);
  }
  if (!pending || !params.get("code")) throw new Error("This login link is incomplete or was already used; please log in again.");
  if (params.get("state") !== pending.state) throw new Error("The login answer does not match this browser tab; please log in again.");
  await tokenRequest({
    grant_type: "authorization_code",
    code: params.get("code"),
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  return pending.returnTo || "#/organizations";
}

/** A valid access token, refreshed first when it has expired (one refresh at a time). */
export async function accessToken({ forceRefresh = false } = {}) {
  const tokens = readTokens();
  if (!tokens?.accessToken) return null;
  if (!forceRefresh && tokens.expiresAt - 30000 > Date.now()) return tokens.accessToken;
  if (!tokens.refreshToken) return forceRefresh ? null : tokens.accessToken;
  if (!refreshing) {
    refreshing = tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refreshToken })
      .then((body) => body.access_token)
      .catch(() => { clearTokens(); return null; })
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

export function clearTokens() {
  sessionStorage.removeItem(TOKENS_KEY);
}

/**
 * Revoke both tokens at the server, forget them, and end the server's login session so the
 * next "Log in" asks for the password again.
 */
export async function logout() {
  const tokens = readTokens();
  clearTokens();
  const { revocation, endSession } = await getEndpoints();
  const endServerSession = () => fetch(endSession, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "" }).catch(() => null);
  if (!tokens) {
    await endServerSession();
    return;
  }
  const revoke = (token, hint) => fetch(revocation, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, token_type_hint: hint, client_id: settings.clientId }),
  }).catch(() => null);
  await Promise.all([
    tokens.refreshToken ? revoke(tokens.refreshToken, "refresh_token") : null,
    tokens.accessToken ? revoke(tokens.accessToken, "access_token") : null,
  ]);
  await endServerSession();
}
