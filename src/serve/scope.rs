//! Who sees whom on the page: the one place that decides whether a session sees a case, a
//! bag or a territory's figures. A user limited to territories (`okno user add …
//! --territory`) gets a case of another territory answered like a missing one; `Scope::All`
//! (a user without territories, the local user) passes without anything being read.

use super::auth::Session;
use super::state::AppState;
use crate::index::{Index, Scope};
use std::collections::BTreeSet;
use std::path::Path;

/// The territory of a case's newest version: the index's, or, for a case the index does not
/// hold yet, its bag's. None: no such case.
fn territory_of(index: Option<&Index>, root: &Path, case_id: &str) -> Option<Option<String>> {
    if let Some(Ok(Some(t))) = index.map(|i| i.territory(case_id)) {
        return Some(t);
    }
    let v = *crate::archive::case_versions(root, case_id).last()?;
    let case = crate::archive::read_case(root, case_id, v).ok()?;
    Some(case.territory.map(|t| t.code().to_string()))
}

/// Whether this session sees the case (a case that is not there is not seen).
pub fn case_visible(state: &AppState, s: &Session, case_id: &str) -> bool {
    let scope = s.scope();
    if scope == Scope::All {
        return true;
    }
    let root = &state.cfg.archive;
    let index = Index::open_read(root).ok();
    crate::validate::case_id_is_safe(case_id)
        && territory_of(index.as_ref(), root, case_id).is_some_and(|t| scope.sees(t.as_deref()))
}

/// The IDs of the archive's cases this scope sees; None: all of them (nothing read).
pub fn cases_seen(root: &Path, scope: &Scope) -> Option<BTreeSet<String>> {
    if *scope == Scope::All {
        return None;
    }
    // Two queries for the indexed cases; a case the index does not hold yet is read from
    // its bag.
    let index = Index::open_read(root).ok();
    let indexed = index
        .as_ref()
        .and_then(|i| i.indexed().ok())
        .unwrap_or_default();
    let seen: BTreeSet<String> = index
        .as_ref()
        .and_then(|i| i.cases_seen(scope).ok())
        .unwrap_or_default()
        .into_iter()
        .collect();
    Some(
        crate::archive::list_cases(root)
            .into_iter()
            .filter(|(id, versions)| {
                // Indexed at its newest version: the index answers.
                if indexed.get(id) == versions.last() {
                    seen.contains(id)
                } else {
                    territory_of(None, root, id).is_some_and(|t| scope.sees(t.as_deref()))
                }
            })
            .map(|(id, _)| id)
            .collect(),
    )
}

/// The territory a page with a territory choice (the quarter, the logs) works on: the one
/// chosen (a code or a name), or none (the whole archive) for a user who sees all; for a
/// limited user one of theirs, their first when none is chosen. Err: a territory this user
/// does not see.
pub fn territory_choice(s: &Session, chosen: Option<String>) -> Result<Option<String>, NotYours> {
    let chosen = chosen.filter(|t| !t.is_empty());
    match s.scope() {
        Scope::All => Ok(chosen),
        Scope::Only(codes) => match chosen {
            None => codes.first().cloned().map(Some).ok_or(NotYours),
            Some(t) => crate::model::Territory::parse(&t)
                .map(|t| t.code().to_string())
                .filter(|c| codes.contains(c))
                .map(Some)
                .ok_or(NotYours),
        },
    }
}

/// A territory the user does not see.
#[derive(Debug, PartialEq, Eq)]
pub struct NotYours;

/// The refusal of a territory the user does not see: the same as a page that is not there.
pub const NOT_YOURS: &str = "Такой территории нет среди ваших.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::auth::{Role, Sessions};

    #[test]
    fn a_limited_user_gets_only_their_territories() {
        let mut sessions = Sessions::default();
        let all = sessions.create(("a".into(), Role::Secretary), Scope::All);
        let only = sessions.create(
            ("b".into(), Role::Viewer),
            Scope::Only(vec!["berdsk".into(), "iskitim".into()]),
        );
        assert_eq!(territory_choice(&all, None), Ok(None));
        assert_eq!(
            territory_choice(&all, Some("barabinsky".into())),
            Ok(Some("barabinsky".into()))
        );
        assert_eq!(territory_choice(&only, None), Ok(Some("berdsk".into())));
        assert_eq!(
            territory_choice(&only, Some("г. Искитим".into())),
            Ok(Some("iskitim".into()))
        );
        assert_eq!(
            territory_choice(&only, Some("barabinsky".into())),
            Err(NotYours)
        );
        assert_eq!(
            territory_choice(&only, Some("нет такой".into())),
            Err(NotYours)
        );
    }
}
