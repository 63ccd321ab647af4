// The /api/v1 client: bearer token, one retry after a refresh on 401, errors in plain words.

import { accessToken } from "./auth.js";

const BASE = "/api/v1/";
const MAX_PAGE = 1000;

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let onSessionLost = () => {};

/** Called when no valid token is left (the console shows its login screen). */
export function setSessionLostHandler(handler) {
  onSessionLost = handler;
}

function urlFor(path, params) {
  const url = new URL(BASE + path.replace(/^\//, ""), location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url;
}

/** The plain-words message of an error answer: ``detail`` first, then other common shapes. */
function messageFor(status, body) {
  if (body && typeof body === "object") {
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.issue) && body.issue[0]?.diagnostics) return body.issue[0].diagnostics;
    const first = Object.entries(body)[0];
    if (first) return `${first[0]}: ${Array.isArray(first[1]) ? first[1].join(" ") : first[1]}`;
  }
  if (status === 403) return "You do not have permission to perform this action.";
  if (status === 404) return "Not found.";
  if (status >= 500) return "The server had a problem handling this request; please try again.";
  return `The request failed (HTTP ${status}).`;
}

export async function request(method, path, { params, body } = {}) {
  const url = urlFor(path, params);
  const send = async (token) => fetch(url, {
    method,
    headers: {
      Accept: "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  let token = await accessToken();
  if (!token) {
    onSessionLost();
    throw new ApiError(401, "Your session has ended; please log in again.");
  }
  let response;
  try {
    response = await send(token);
    if (response.status === 401) {
      token = await accessToken({ forceRefresh: true });
      if (!token) {
        onSessionLost();
        throw new ApiError(401, "Your session has ended; please log in again.");
      }
      response = await send(token);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, "The server could not be reached; check the connection and try again.");
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!response.ok) throw new ApiError(response.status, messageFor(response.status, data), data);
  return data;
}

export const get = (path, params) => request("GET", path, { params });
export const post = (path, body, params) => request("POST", path, { body, params });
export const patch = (path, body, params) => request("PATCH", path, { body: body ?? {}, params });
export const del = (path, body, params) => request("DELETE", path, { body, params });

/** One page of a list: always {count, results} even if an endpoint answers with a bare array. */
export async function page(path, params = {}) {
  const data = await get(path, params);
  if (Array.isArray(data)) return { count: data.length, next: null, previous: null, results: data };
  return { count: data?.count ?? data?.results?.length ?? 0, next: data?.next ?? null,
    previous: data?.previous ?? null, results: data?.results ?? [] };
}

/** Every item of a list, following offsets (lists of organizations, studies, data sources). */
export async function all(path, params = {}) {
  const items = [];
  for (let offset = 0; ; offset += MAX_PAGE) {
    const chunk = await page(path, { ...params, limit: MAX_PAGE, offset });
    items.push(...chunk.results);
    if (!chunk.next || chunk.results.length === 0 || items.length >= chunk.count) return items;
  }
}
