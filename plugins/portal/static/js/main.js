// The console's entry point: settings, login (and the /portal/callback leg), the shell, routing.

import { setSessionLostHandler } from "./api.js";
import { beginLogin, completeLogin, configure, isLoggedIn, logout, REDIRECT_PATH } from "./auth.js";
import { errorBox, h, loading, replace } from "./dom.js";
import { currentRoute, hrefFor } from "./router.js";
import { loadSession, session } from "./session.js";
import * as dataSourcesView from "./views/data-sources.js";
import * as observationsView from "./views/observations.js";
import * as organizationsView from "./views/organizations.js";
import * as patientsView from "./views/patients.js";
import * as studiesView from "./views/studies.js";

const VIEWS = {
  organizations: ["Organizations", organizationsView],
  patients: ["Patients", patientsView],
  studies: ["Studies", studiesView],
  observations: ["Observations", observationsView],
  "data-sources": ["Data Sources", dataSourcesView],
};

const root = document.getElementById("app");
let title = "JupyterHealth Exchange";
let renderToken = 0;

async function loadSettings() {
  try {
    const response = await fetch("/portal/config.json", { headers: { Accept: "application/json" } });
    if (response.ok) {
      const settings = await response.json();
      configure(settings);
      title = settings.title || title;
    }
  } catch {
    // The defaults match the demo client; the console still works without its settings file.
  }
  document.title = `${title} Console`;
}

function showLogin(message) {
  document.body.classList.add("logged-out");
  const errors = errorBox();
  if (message) errors.show(message);
  const button = h("button", { type: "button", class: "btn btn-primary btn-large", onclick: () => {
    button.disabled = true;
    beginLogin(location.hash && location.hash !== "#/" ? location.hash : "#/organizations")
      .catch((error) => { errors.show(error); button.disabled = false; });
  } }, "Log in");
  replace(root, h("main", { class: "login-screen", id: "main" },
    h("div", { class: "login-card" },
      h("h1", {}, title),
      h("p", { class: "muted" }, "Practitioner console: manage organizations, patients, studies and their data."),
      errors, button)));
  button.focus();
}

function shell() {
  document.body.classList.remove("logged-out");
  const nav = h("nav", { class: "tabs", "aria-label": "Sections" },
    Object.entries(VIEWS).map(([name, [label]]) => h("a", { href: hrefFor(name), dataset: { view: name } }, label)));
  const who = session.profile?.email || "";
  const logoutButton = h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: async () => {
    logoutButton.disabled = true;
    await logout();
    history.replaceState(null, "", "/portal/");
    showLogin("You are logged out.");
  } }, "Log out");
  const main = h("main", { id: "main", class: "content", tabindex: -1 });
  replace(root,
    h("a", { href: "#main", class: "skip-link", onclick: (event) => { event.preventDefault(); main.focus(); } }, "Skip to content"),
    h("header", { class: "topbar" },
      h("div", { class: "brand" }, title, h("span", { class: "brand-sub" }, " Console")),
      nav,
      h("div", { class: "user" }, h("span", { class: "user-email", title: who }, who),
        session.superuser ? h("span", { class: "badge" }, "superuser") : null, logoutButton)),
    main);
  return { nav, main };
}

async function route(ui) {
  const { name, params } = currentRoute();
  const [label, view] = VIEWS[name] || VIEWS.organizations;
  for (const link of ui.nav.querySelectorAll("a")) {
    if (link.dataset.view === (VIEWS[name] ? name : "organizations")) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${label} \u00B7 ${title} Console`;
  const mine = ++renderToken;
  // Each visit renders into its own container: a slower, older visit then fills a detached one.
  const screen = h("div", { class: "screen" });
  replace(ui.main, screen);
  try {
    await view.render(screen, params);
  } catch (error) {
    if (mine !== renderToken) return; // a newer screen replaced this one
    if (!isLoggedIn()) return; // the session handler shows the login screen
    const box = errorBox();
    box.show(error);
    replace(screen, h("h1", {}, label), box);
  }
}

async function start() {
  await loadSettings();
  if (location.pathname.replace(/\/$/, "") === REDIRECT_PATH) {
    replace(root, loading("Logging in\u2026"));
    try {
      const next = await completeLogin();
      history.replaceState(null, "", `/portal/${next}`);
    } catch (error) {
      history.replaceState(null, "", "/portal/");
      showLogin(error.message);
      return;
    }
  }
  if (!isLoggedIn()) {
    showLogin();
    return;
  }
  setSessionLostHandler(() => showLogin("Your session has ended; please log in again."));
  replace(root, loading());
  try {
    await loadSession();
  } catch (error) {
    if (isLoggedIn()) showLogin(`The console could not load your profile: ${error.message}`);
    return;
  }
  if (!session.profile?.practitioner && !session.superuser) {
    showLogin("This console is for practitioners; your account has no practitioner profile.");
    await logout();
    return;
  }
  const ui = shell();
  window.addEventListener("hashchange", () => route(ui));
  if (!location.hash) history.replaceState(null, "", `/portal/${hrefFor("organizations")}`);
  await route(ui);
}

start();
