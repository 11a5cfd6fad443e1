//! The frame of every page (header, menu, user) and the message page.

use super::auth::{LOCAL_USER, Session};
use maud::{DOCTYPE, Markup, html};

/// The menu: path, label.
const MENU: [(&str, &str); 5] = [
    ("/", "Проверить и оформить"),
    ("/archive", "Архив"),
    ("/quarter", "Квартал"),
    ("/logs", "Журналы"),
    ("/blanks", "Бланки"),
];

tokio::task_local! {
    /// The overdue deadlines the signed-in user sees, for the menu's «Сроки (N)»: set for
    /// each page by `deadlines::overdue_menu`; none without an index.
    pub static OVERDUE: Option<u64>;
}

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
                            a #menu-deadlines href="/deadlines" class=@if active == "/deadlines" { "active" } {
                                "Сроки"
                                @if let Some(n) = OVERDUE.try_with(|n| *n).ok().flatten() { " (" (n) ")" }
                            }
                            @if s.is_admin() {
                                a href="/audit" class=@if active == "/audit" { "active" } { "Журнал действий" }
                            }
                        }
                        div.user {
                            span { (s.user_name()) }
                            @if let Some(r) = s.role() { span.role { " (" (r.ru()) ")" } }
                            // A user limited to territories is told which: every list is of them.
                            @if let crate::index::Scope::Only(codes) = s.scope() {
                                span.role #user-territories { " · " (territory_names(&codes)) }
                            }
                            @if s.user_name() != LOCAL_USER {
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

/// A page with one message (errors, refusals); `serve::Error` answers with it.
pub fn message_page(title: &str, text: &str) -> Markup {
    let body = html! {
        h1 { (title) }
        p.message role="alert" { (text) }
        p { a href="/" { "← На главную" } }
    };
    layout(title, "", None, body)
}

/// Territory codes as the catalog names them, «, » between.
fn territory_names(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            crate::model::Territory::parse(c).map_or_else(|| c.clone(), |t| t.label().to_string())
        })
        .collect::<Vec<_>>()
        .join(", ")
}
