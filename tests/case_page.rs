//! The case page tells the case: the level by version, what a new version changed (old →
//! new), the deadlines, the related cases (the same child under another case ID), and every
//! view in the audit log (case IDs only).

mod common;
use common::archive_into;
use common::serve::{Client, Server};
use std::path::Path;

/// An archive with NSK-2026-0001 in two versions (the sending agency renamed in the second)
/// and the same child under another case ID, NSK-2026-0901.
fn archive() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let put = |file: &Path| archive_into(&arch, &[file.to_str().unwrap()]);
    let first = common::root().join("fixtures/cases/NSK-2026-0001.json");
    put(&first);
    let mut case: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&first).unwrap()).unwrap();
    case["notification"]["agency"] = "МАДОУ д/с № 15".into();
    let second = dir.path().join("NSK-2026-0001.json");
    std::fs::write(&second, serde_json::to_vec_pretty(&case).unwrap()).unwrap();
    put(&second);
    case["case_id"] = "NSK-2026-0901".into();
    let other = dir.path().join("NSK-2026-0901.json");
    std::fs::write(&other, serde_json::to_vec_pretty(&case).unwrap()).unwrap();
    put(&other);
    (dir, arch)
}

/// The text of the page's section `id`.
fn section(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = page[start..].find("</section>").unwrap() + start;
    page[start..end].to_string()
}

#[test]
fn the_case_page_tells_history_changes_deadlines_and_related_cases_and_is_audited() {
    let (_dir, arch) = archive();
    let server = Server::start(&arch, &[]);
    let mut c = Client::new(&server.url);
    let r = c.get("/archive/case/NSK-2026-0001");
    assert_eq!(r.status, 200);
    let page = r.text();
    // Child and family.
    let facts = section(&page, "case-facts");
    assert!(facts.contains("Мельникова Варвара Сергеевна"), "{facts}");
    assert!(facts.contains("02.07.2021"), "{facts}");
    assert!(facts.contains("Мельников Сергей Анатольевич"), "{facts}");
    assert!(facts.contains("План ведомственных мероприятий"), "{facts}");
    assert!(facts.contains("с 17.08.2026 по 17.11.2026"), "{facts}");
    // The level by version: two rows.
    let history = section(&page, "history");
    assert_eq!(history.matches("<tr>").count(), 3, "{history}");
    // The second version says what changed, old → new, in the page's words.
    let v2 = section(&page, "v2");
    assert!(v2.contains("Извещение"), "{v2}");
    assert!(
        v2.contains("МАДОУ д/с № 12") && v2.contains("МАДОУ д/с № 15"),
        "{v2}"
    );
    assert!(
        v2.find("№ 12").unwrap() < v2.find("№ 15").unwrap(),
        "old before new: {v2}"
    );
    assert!(section(&page, "v1").contains("Первая версия"));
    // Deadlines of the newest version, with the plan's end watched.
    let due = section(&page, "deadlines");
    assert!(due.contains("D-"), "{due}");
    assert!(due.contains("дн."), "{due}");
    // The same child under another case ID, linked.
    let related = section(&page, "related");
    assert!(
        related.contains("href=\"/archive/case/NSK-2026-0901\""),
        "{related}"
    );
    assert!(related.contains("тот же ребенок"), "{related}");
    // Its forms, as before.
    assert!(section(&page, "v2").contains("/archive/file/NSK-2026-0001/2/"));
    // The view is in the audit log, by case ID, without the child's name.
    let audit = std::fs::read_to_string(arch.join(".okno-audit.jsonl")).unwrap();
    let line = audit
        .lines()
        .find(|l| l.contains("\"case-view\""))
        .expect("case-view audited");
    assert!(line.contains("NSK-2026-0001"), "{line}");
    assert!(!audit.contains("Мельникова"), "{audit}");
    // A missing case: 404.
    assert_eq!(c.get("/archive/case/NSK-2026-0999").status, 404);
}

#[test]
fn a_related_case_outside_the_readers_territories_is_named_only_by_its_territory() {
    use okno::index::{Index, Relation, Scope};
    let (_dir, arch) = archive();
    let ix = Index::open_read(&arch).unwrap();
    let all = ix.related("NSK-2026-0001", &Scope::All).unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(
        (all[0].relation, all[0].case_id.as_str(), all[0].seen),
        (Relation::SameChild, "NSK-2026-0901", true)
    );
    let other = ix
        .related("NSK-2026-0001", &Scope::Only(vec!["nowhere".into()]))
        .unwrap();
    assert_eq!(other.len(), 1);
    assert!(!other[0].seen);
    assert_eq!(
        (other[0].case_id.as_str(), other[0].child.as_str()),
        ("", "")
    );
    assert_eq!(other[0].territory, all[0].territory);
}
