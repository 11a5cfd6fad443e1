//! The login and the logout.

use super::auth::{self, Attempt, Session};
use super::layout::layout;
use super::middleware::NewSession;
use super::state::Shared;
use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use maud::{Markup, html};
use serde::Deserialize;
use std::net::SocketAddr;

/// The login form and the logout.
pub fn router() -> Router<Shared> {
    Router::new()
        // A login form is small, whichever way its CSRF token comes.
        .route(
            "/login",
            get(login_page)
                .post(login)
                .layer(axum::extract::DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/logout", post(logout))
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
            state.audit(&name, "login", &[], "вход");
            let scope = state
                .users
                .iter()
                .find(|u| u.name == name)
                .map(auth::User::scope)
                .unwrap_or_default();
            let mut sessions = state.sessions.lock().unwrap_or_else(|e| e.into_inner());
            sessions.remove(&s.id);
            let fresh = sessions.create((name, role), scope);
            let mut resp = Redirect::to("/").into_response();
            resp.extensions_mut().insert(NewSession(fresh.id));
            resp
        }
        Attempt::Wrong => {
            // A failed login is the user's too; a name no user has is not written (it may be
            // a password typed into the wrong field).
            if state.users.iter().any(|u| u.name == f.name) {
                state.audit(&f.name, "login", &[], "неверный пароль");
            }
            (
                StatusCode::UNAUTHORIZED,
                login_form(&s, Some("Неверное имя пользователя или пароль.")),
            )
                .into_response()
        }
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
