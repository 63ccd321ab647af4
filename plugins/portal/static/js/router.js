// Hash routes: "#/patients?organization=1&study=10001&page=2" -> {name: "patients", params: {...}}.

export function currentRoute(hash = location.hash) {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  return { name: path || "organizations", params: Object.fromEntries(new URLSearchParams(query)) };
}

export function hrefFor(name, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, value);
  }
  const text = query.toString();
  return `#/${name}${text ? `?${text}` : ""}`;
}

/** Show another screen, or the same one with other filters (the hashchange re-renders). */
export function go(name, params = {}) {
  const target = hrefFor(name, params);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = target;
}
