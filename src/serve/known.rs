//! I-KNOWN on the check's results: under a case whose notified child the archive already
//! holds, each known case linked (when the session's territories include it), and two
//! buttons that record the secretary's decision about the pair — linked, or different
//! children — in the archive's decisions file and the audit log, so it is not asked again.

use super::auth::Session;
use super::error::{Error, Result};
use super::extract::{Secretary, ThisJob};
use super::jobs::Job;
use super::state::Shared;
use crate::index::{Decision, Decisions, Likeness, Match, decide};
use crate::run::CaseOutcome;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

/// The known cases of one checked case, with their links and the decision buttons (a pair
/// already decided says so instead).
pub fn block(job: &Job, s: &Session, c: &CaseOutcome, decided: &Decisions) -> Markup {
    html! {
        @if !c.known.is_empty() {
            div.known {
                p.known-head { "Ребенок уже в архиве «Единого окна» (I-KNOWN):" }
                ul.known-list {
                    @for m in &c.known {
                        li.known-case {
                            @if m.visible {
                                a.known-link href={"/archive/case/" (m.case_id)} { "случай " (m.case_id) }
                                " — "
                                @if m.likeness == Likeness::Same { "тот же ребенок" } @else { "возможно, тот же ребенок: " (m.likeness.ru()) }
                                @match decided.of(&c.case_id, &m.case_id) {
                                    Some(Decision::Link) => { " " span.decided.linked { "· связан с этим случаем" } }
                                    Some(Decision::Different) => { " " span.decided.different { "· отмечено: это разные дети" } }
                                    None => {
                                        @if s.is_secretary() {
                                            form.inline.known-decide method="post" action={"/check/" (job.id) "/known"} {
                                                input type="hidden" name="csrf" value=(s.csrf);
                                                input type="hidden" name="new" value=(c.case_id);
                                                input type="hidden" name="known" value=(m.case_id);
                                                button.small type="submit" name="decision" value="link" { "Это тот же ребенок — связать" }
                                                button.small type="submit" name="decision" value="different" { "Это разные дети" }
                                            }
                                        }
                                    }
                                }
                            } @else {
                                "известен в другой территории: " (territory(m))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn territory(m: &Match) -> &str {
    match &m.territory {
        Some(t) => crate::catalog::catalog().label("territory", t),
        None => "не указана",
    }
}

#[derive(Deserialize)]
pub struct Pair {
    new: String,
    known: String,
    decision: String,
}

/// `POST /check/{job}/known`: the secretary's decision about a checked case and a known one
/// the check named (any other pair is refused as not found): into the decisions file and the
/// audit log; then back to the results.
pub async fn decided(
    State(state): State<Shared>,
    Secretary(s): Secretary,
    ThisJob(job): ThisJob,
    axum::Form(p): axum::Form<Pair>,
) -> Result<Response> {
    let decision = match p.decision.as_str() {
        "link" => Decision::Link,
        "different" => Decision::Different,
        _ => {
            return Err(Error::page(
                StatusCode::BAD_REQUEST,
                "Решение не записано",
                "Неизвестное решение.",
            ));
        }
    };
    let outcome = job.checked()?;
    // Only a pair the check found, and a known case this session's territories include.
    let scope = s.scope();
    let found = outcome.cases().any(|(_, c)| {
        c.case_id == p.new
            && c.known
                .iter()
                .any(|m| m.visible && m.case_id == p.known && scope.sees(m.territory.as_deref()))
    });
    if !found {
        return Err(ThisJob::none());
    }
    let root = state.cfg.archive.clone();
    let (user, new, known) = (s.user_name().to_string(), p.new.clone(), p.known.clone());
    tokio::task::spawn_blocking(move || decide(&root, &user, decision, &new, &known))
        .await
        .map_err(Error::fault)?
        .map_err(|e| {
            Error::page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Решение не записано",
                e.to_string(),
            )
        })?;
    let action = match decision {
        Decision::Link => "known-link",
        Decision::Different => "known-different",
    };
    state.audit(
        s.user_name(),
        action,
        &[p.new.clone(), p.known.clone()],
        "записано",
    );
    Ok(Redirect::to(&format!("/check/{}", job.id)).into_response())
}
