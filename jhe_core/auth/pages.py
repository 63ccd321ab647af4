"""Server-rendered pages of the authorization server: sign-in, consent, errors.

Self-contained HTML (inline CSS, no scripts, no external assets); every value is escaped.
"""

from html import escape

import falcon

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#1f2933;margin:0}
main{max-width:380px;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 2px 12px #0002}
h1{font-size:1.35rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input[type=email],input[type=password],input[type=text]{width:100%;box-sizing:border-box;padding:.55rem;
border:1px solid #b8c2cc;border-radius:4px;font-size:1rem}
button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;border:0;border-radius:4px;background:#1d5fa8;
color:#fff;cursor:pointer}button.secondary{background:#e4e7eb;color:#1f2933;margin-left:.5rem}
.error{background:#fde8e8;color:#9b1c1c;padding:.6rem;border-radius:4px}.muted{color:#616e7c;font-size:.9rem}
"""

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # No form-action: browsers apply it to the redirect after a form post, which ends at the client.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
}


def render(resp, title: str, body: str, status: int = 200) -> None:
    resp.status = falcon.code_to_http_status(status)
    resp.content_type = "text/html; charset=utf-8"
    for name, value in SECURITY_HEADERS.items():
        resp.set_header(name, value)
    resp.text = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                 f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                 f"<title>{escape(title)} · JupyterHealth Exchange</title><style>{STYLE}</style></head>"
                 f"<body><main>{body}</main></body></html>")


def hidden(name: str, value: str | None) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value or "")}">'


def login_page(resp, *, csrf: str, next_url: str, email: str = "", error: str | None = None,
               status: int = 200) -> None:
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    render(resp, "Sign in", f"""<h1>Sign in to JupyterHealth Exchange</h1>{problem}
<form method="post" action="/o/login/">{hidden("csrf_token", csrf)}{hidden("next", next_url)}
<label for="id_username">Email</label>
<input type="email" name="username" id="id_username" value="{escape(email)}" autocomplete="username" required autofocus>
<label for="id_password">Password</label>
<input type="password" name="password" id="id_password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>""", status)


def consent_page(resp, *, csrf: str, client_name: str, scopes, query: str, email: str) -> None:
    items = "".join(f"<li>{escape(scope)}</li>" for scope in scopes)
    render(resp, "Authorize", f"""<h1>Authorize {escape(client_name)}?</h1>
<p>{escape(client_name)} asks to act as <strong>{escape(email)}</strong> with these scopes:</p><ul>{items}</ul>
<form method="post" action="/o/authorize/">{hidden("csrf_token", csrf)}{hidden("request", query)}
<button type="submit" name="allow" value="yes">Authorize</button>
<button type="submit" name="allow" value="no" class="secondary">Cancel</button></form>""")


def message_page(resp, title: str, text: str, status: int = 200, link: tuple[str, str] | None = None) -> None:
    extra = f'<p><a href="{escape(link[0])}">{escape(link[1])}</a></p>' if link else ""
    render(resp, title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>{extra}", status)


def error_page(resp, title: str, text: str, status: int = 400) -> None:
    render(resp, title, f'<h1>{escape(title)}</h1><p class="error" role="alert">{escape(text)}</p>', status)
