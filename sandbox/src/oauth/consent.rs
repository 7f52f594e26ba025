//! The authorize endpoint: validates the request, then shows a small consent page (service,
//! client id, scopes, where the browser goes next) whose Approve and Deny buttons POST back to
//! the same path; with `--auto-approve` it redirects at once.
//!
//! Errors in `client_id` or `redirect_uri` get an HTML error page and never a redirect (RFC 6749
//! §4.1.2.1: the redirect cannot be trusted); other errors go back to the redirect as
//! `error=…&state=…`. A consent form can be answered once.

use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::providers::{parse_form, provider, scope, Provider};
use super::{redirect_uris, registered_redirect, valid_challenge, AuthzRequest, REDIRECT_URIS};
use crate::common::{encode, param, params, Service};
use crate::Shared;

/// GET on the authorize path.
pub fn show(st: &Shared, svc: Service, uri: &Uri) -> Response {
    let (Some(p), Some(client)) = (provider(svc), st.oauth.client(svc)) else {
        return error_page(StatusCode::NOT_FOUND, "No authorization server here.");
    };
    let q = params(uri);
    match param(&q, "client_id") {
        Some(id) if id == client.id => {}
        Some(_) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Unknown client_id: no such application is registered with {}.",
                    p.title
                ),
            )
        }
        None => return error_page(StatusCode::BAD_REQUEST, "client_id is missing."),
    }
    let (redirect, given) = match param(&q, "redirect_uri") {
        Some(r) if registered_redirect(svc, r) => (r.to_owned(), true),
        Some(r) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                &format!(
                    "redirect_uri {r} is not registered for this application (registered: {}; \
                     loopback IP literals may use any port).",
                    redirect_uris(svc).join(", ")
                ),
            )
        }
        None if p.redirect_optional => (REDIRECT_URIS[0].to_owned(), false),
        None => return error_page(StatusCode::BAD_REQUEST, "redirect_uri is missing."),
    };
    let state = param(&q, "state").map(str::to_owned);
    let back = |code: &str, desc: &str| {
        let mut pairs = vec![("error", code), ("error_description", desc)];
        if let Some(s) = &state {
            pairs.push(("state", s));
        }
        redirect_to(&redirect, &pairs)
    };
    if param(&q, "response_type").is_some_and(|rt| rt != "code") {
        return back("unsupported_response_type", "response_type must be code");
    }
    let challenge = match (
        param(&q, "code_challenge"),
        param(&q, "code_challenge_method"),
    ) {
        (Some(c), Some("S256")) if valid_challenge(c) => Some(c.to_owned()),
        (Some(_), Some("S256")) => {
            return back(
                "invalid_request",
                "code_challenge is not a base64url SHA-256 digest",
            )
        }
        (Some(_), _) => {
            return back(
                "invalid_request",
                "code_challenge_method must be S256 (plain is not accepted)",
            )
        }
        (None, Some(_)) => {
            return back(
                "invalid_request",
                "code_challenge_method without code_challenge",
            )
        }
        (None, None) => None,
    };
    let req = AuthzRequest {
        service: svc,
        client_id: client.id.clone(),
        redirect_uri: redirect,
        redirect_given: given,
        scope: scope(p, param(&q, "scope")),
        state,
        challenge,
    };
    if st.config.auto_approve {
        return approve(st, req);
    }
    let id = st.oauth.begin(req.clone());
    page(p, &req, &id)
}

/// POST on the authorize path: the consent form's answer.
pub fn answer(st: &Shared, svc: Service, body: &[u8]) -> Response {
    let form = parse_form(body);
    let pending = param(&form, "request").and_then(|id| st.oauth.take_pending(svc, id));
    let Some(req) = pending else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This authorization request has expired or was already answered. Start again from \
             the application.",
        );
    };
    if param(&form, "decision") == Some("approve") {
        approve(st, req)
    } else {
        let mut pairs = vec![
            ("error", "access_denied"),
            ("error_description", "The user denied access"),
        ];
        if let Some(s) = &req.state {
            pairs.push(("state", s));
        }
        redirect_to(&req.redirect_uri, &pairs)
    }
}

fn approve(st: &Shared, req: AuthzRequest) -> Response {
    let redirect = req.redirect_uri.clone();
    let state = req.state.clone();
    let code = st.oauth.issue_code(req);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(s) = &state {
        pairs.push(("state", s));
    }
    redirect_to(&redirect, &pairs)
}

/// 302 to `uri` with `pairs` added to its query.
fn redirect_to(uri: &str, pairs: &[(&str, &str)]) -> Response {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let location = format!("{uri}{sep}{}", query.join("&"));
    match HeaderValue::from_str(&location) {
        Ok(v) => {
            let mut resp = StatusCode::FOUND.into_response();
            resp.headers_mut().insert(header::LOCATION, v);
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(_) => error_page(StatusCode::BAD_REQUEST, "redirect_uri is not a valid URL."),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;\
padding:0 1rem;color:#222}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:.5rem}\
#approve{background:#1a7f37;color:#fff;border:0}.note{color:#777;font-size:.85rem}";

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let text = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{STYLE}</style></head>\n<body>\n{body}\n\
         <p class=\"note\">apiodbc-sandbox: a local imitation; no real account is involved.</p>\n\
         </body></html>\n",
        escape(title)
    );
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        text,
    )
        .into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // RFC 6749 §10.13: no framing of the consent page.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

fn error_page(status: StatusCode, msg: &str) -> Response {
    html(
        status,
        "Authorization error",
        &format!(
            "<h1>Authorization error</h1>\n<p id=\"error\">{}</p>",
            escape(msg)
        ),
    )
}

fn page(p: &Provider, req: &AuthzRequest, id: &str) -> Response {
    let scopes: Vec<String> = req
        .scope
        .split(p.scope_sep)
        .filter(|s| !s.is_empty())
        .map(|s| format!("<li>{}</li>", escape(s)))
        .collect();
    let scopes = if scopes.is_empty() {
        "<p>No scopes requested: the application gets the access your account has.</p>".to_owned()
    } else {
        format!(
            "<p>It asks for these scopes:</p>\n<ul id=\"scopes\">{}</ul>",
            scopes.concat()
        )
    };
    let action = p.authorize.unwrap_or_default();
    let body = format!(
        "<h1>{title}</h1>\n\
         <p>The application <strong id=\"client-id\">{client}</strong> asks for access to your \
         {title} account.</p>\n{scopes}\n\
         <p>After you answer, your browser goes to <code id=\"redirect-uri\">{redirect}</code>.</p>\n\
         <form method=\"post\" action=\"{action}\">\n\
         <input type=\"hidden\" name=\"request\" value=\"{id}\">\n\
         <button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Approve</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\n\
         </form>",
        title = escape(p.title),
        client = escape(&req.client_id),
        redirect = escape(&req.redirect_uri),
        action = escape(action),
        id = escape(id),
    );
    html(
        StatusCode::OK,
        &format!("Authorize access to {}", p.title),
        &body,
    )
}
