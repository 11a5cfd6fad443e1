//! The frame of every page (header, menu, user), the message page and the login.

use super::auth::{self, Attempt, Session};
use super::{NewSession, Shared};
use axum::Extension;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use std::net::SocketAddr;

/// The menu: path, label.
const MENU: [(&str, &str); 5] = [
    ("/", "Проверить и оформить"),
    ("/archive", "Архив"),
    ("/quarter", "Квартал"),
    ("/logs", "Журналы"),
    ("/blanks", "Бланки"),
];

/// A whole page: title, the menu with `active` marked, the body.
pub fn layout(title: &str, active: &str, session: Option<&Session>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ru" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — okno" }
                link rel="stylesheet" href="/static/okno.css";
                script src="/static/okno.js" defer {}
            }
            body {
                header.top {
                    div.brand { "okno" span.sub { "«Единое окно» · документы КДНиЗП" } }
                    @if let Some(s) = session.filter(|s| s.user.is_some()) {
                        nav {
                            @for (href, label) in MENU {
                                a href=(href) class=@if href == active { "active" } { (label) }
                            }
                        }
                        div.user {
                            span { (s.user_name()) }
                            @if let Some(r) = s.role() { span.role { " (" (r.ru()) ")" } }
                            @if s.user_name() != super::LOCAL_USER {
                                form method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(s.csrf);
                                    button.link type="submit" { "Выйти" }
                                }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// A page with one message (errors, refusals), with its status.
pub fn message(status: StatusCode, title: &str, text: &str) -> Response {
    let body = html! {
        h1 { (title) }
        p.message role="alert" { (text) }
        p { a href="/" { "← На главную" } }
    };
    (status, layout(title, "", None, body)).into_response()
}

pub async fn login_page(Extension(s): Extension<Session>) -> Response {
    login_form(&s, None).into_response()
}

fn login_form(s: &Session, error: Option<&str>) -> Markup {
    layout(
        "Вход",
        "",
        Some(s),
        html! {
            section.card.narrow {
                h1 { "Вход" }
                @if let Some(e) = error { p.message role="alert" { (e) } }
                form method="post" action="/login" novalidate {
                    input type="hidden" name="csrf" value=(s.csrf);
                    label { "Имя пользователя" input type="text" name="name" autocomplete="username" required; }
                    label { "Пароль" input type="password" name="password" autocomplete="current-password" required; }
                    button.primary type="submit" { "Войти" }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
}

pub async fn login(
    State(state): State<Shared>,
    Extension(s): Extension<Session>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let f = match form {
        Ok(Form(f)) => f,
        // Too long (over 64 KB) or not a login form: nothing is checked.
        Err(e) => {
            let text =
                "Форма входа не получена или слишком длинная. Обновите страницу и войдите снова.";
            return (e.status(), login_form(&s, Some(text))).into_response();
        }
    };
    let attempt = state
        .login
        .attempt(&state.users, peer.ip(), &f.name, f.password)
        .await;
    match attempt {
        Attempt::User(name, role) => {
            let mut sessions = state.sessions.lock().unwrap_or_else(|e| e.into_inner());
            sessions.remove(&s.id);
            let fresh = sessions.create((name, role));
            let mut resp = Redirect::to("/").into_response();
            resp.extensions_mut().insert(NewSession(fresh.id));
            resp
        }
        Attempt::Wrong => (
            StatusCode::UNAUTHORIZED,
            login_form(&s, Some("Неверное имя пользователя или пароль.")),
        )
            .into_response(),
        Attempt::Wait(wait) => {
            let text = format!(
                "Слишком много неудачных попыток входа с этого компьютера. \
                 Повторите через {wait} с."
            );
            (StatusCode::TOO_MANY_REQUESTS, login_form(&s, Some(&text))).into_response()
        }
    }
}

pub async fn logout(State(state): State<Shared>, Extension(s): Extension<Session>) -> Response {
    state
        .sessions
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&s.id);
    // A new ID, stored nowhere: the visitor is anonymous again.
    let mut resp = Redirect::to("/login").into_response();
    resp.extensions_mut().insert(NewSession(auth::token()));
    resp
}
