//! I-KNOWN on the page in a real headless Chromium: a secretary uploads a notification about a
//! child the archive holds under another case ID, sees the warning with the known case's link,
//! opens it, comes back and marks the two as different children; the decision is shown and
//! recorded. Screenshots under `target/screenshots/`.

mod common;

use common::browser::{block_on, browser, driver, shot, text};
use common::serve::Server;
use common::{archive_into, root};
use fantoccini::{Client, Locator};
use std::path::Path;

/// NSK-2026-0003 made into a new notification: case ID NSK-2026-9003, the same child
/// (Тихонов Даниил Андреевич, born 23.08.2012).
fn notification(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join("fixtures/cases/NSK-2026-0003.json")).unwrap();
    let mut case: serde_json::Value = serde_json::from_str(&text).unwrap();
    case["case_id"] = "NSK-2026-9003".into();
    let path = dir.join("извещение.json");
    std::fs::write(&path, serde_json::to_string_pretty(&case).unwrap()).unwrap();
    path
}

#[test]
fn a_known_child_is_shown_with_its_case_and_the_decision_is_recorded() {
    let Some((driver, chromium)) = driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    archive_into(&archive, &["fixtures/cases"]);
    let file = notification(dir.path());
    let server = Server::start(&archive, &[]);
    let base = server.url.clone();
    block_on(async {
        let c = browser(driver.port, &chromium, dir.path()).await;
        steps(&c, &base, &file).await;
        let _ = c.close().await;
    });
    let audit = std::fs::read_to_string(archive.join(".okno-audit.jsonl")).unwrap();
    let line = audit
        .lines()
        .find(|l| l.contains("known-different"))
        .expect("the decision in the audit log");
    assert!(
        line.contains("NSK-2026-9003") && line.contains("NSK-2026-0003"),
        "{line}"
    );
    assert!(!audit.contains("Тихонов"), "no names in the audit log");
    let decisions = std::fs::read_to_string(archive.join(okno::index::DECISIONS_FILE)).unwrap();
    assert!(decisions.contains("NSK-2026-9003") && !decisions.contains("Тихонов"));
}

async fn steps(c: &Client, base: &str, file: &Path) {
    c.goto(&format!("{base}/")).await.unwrap();
    let input = c.find(Locator::Css("#files")).await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    text(c, "#chosen").await;
    c.find(Locator::Css("#submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    text(c, "#summary").await;
    // The warning, with the known case's link and the two buttons.
    let block = text(c, ".known").await;
    shot(c, "known-1-warning").await;
    assert!(block.contains("случай NSK-2026-0003"), "{block}");
    assert!(block.contains("тот же ребенок"), "{block}");
    let all = c.source().await.unwrap();
    assert!(all.contains("I-KNOWN"), "the rule's code is shown");
    let check = c.current_url().await.unwrap();
    c.find(Locator::Css("a.known-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let h1 = text(c, "h1").await;
    assert!(h1.contains("NSK-2026-0003"), "{h1}");
    shot(c, "known-2-known-case").await;
    c.goto(check.as_str()).await.unwrap();
    c.find(Locator::Css("button[value=different]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let decided = text(c, ".decided").await;
    shot(c, "known-3-decided").await;
    assert!(decided.contains("это разные дети"), "{decided}");
    assert!(
        c.find(Locator::Css("button[value=different]"))
            .await
            .is_err(),
        "the pair is not asked about again"
    );
}
