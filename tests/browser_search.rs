//! «Поиск» in a real headless Chromium (chromedriver started by the test, as in
//! tests/browser.rs): a secretary types a misspelt surname, sees the child, opens the case.
//! Screenshots under `target/screenshots/`.
//!
//! Under CI=true a missing chromium or chromedriver fails the test; elsewhere it is skipped
//! with a note.

mod common;

use common::browser::{block_on, browser, driver, shot, text};

use common::archive_into;
use common::serve::Server;
use fantoccini::{Client, Locator};

#[test]
fn a_secretary_finds_a_child_by_a_misspelt_surname_and_opens_the_case() {
    let Some((driver, chromium)) = driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    archive_into(&archive, &["fixtures/cases"]);
    let server = Server::start(&archive, &[]);
    let base = server.url.clone();
    block_on(async {
        let c = browser(driver.port, &chromium, dir.path()).await;
        steps(&c, &base).await;
        let _ = c.close().await;
    });
}

async fn steps(c: &Client, base: &str) {
    c.goto(&format!("{base}/archive/search")).await.unwrap();
    assert_eq!(text(c, "h1").await, "Поиск");
    // «Воронцова» with two letters swapped, as a register may have it.
    let q = c.find(Locator::Css("#q")).await.unwrap();
    q.send_keys("Вороцнова алина").await.unwrap();
    shot(c, "search-01-typed").await;
    c.find(Locator::Css("#search-go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let table = text(c, "#found").await;
    shot(c, "search-02-found").await;
    assert!(table.contains("Воронцова Алина Максимовна"), "{table}");
    assert!(table.contains("19.09.2011"), "{table}");
    assert!(table.contains("г. Искитим"), "{table}");
    assert!(
        table.contains("фамилия с опечаткой: Вороцнова / Воронцова"),
        "{table}"
    );
    // The search went in the form's body: the address has no name.
    let url = c.current_url().await.unwrap();
    assert_eq!(url.path(), "/archive/search");
    assert_eq!(url.query(), None);
    assert_eq!(
        c.find(Locator::Css("#q"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Вороцнова алина"),
        "the query stays in the box"
    );
    c.find(Locator::LinkText("NSK-2026-0008"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let h1 = text(c, "h1").await;
    shot(c, "search-03-case").await;
    assert!(h1.contains("NSK-2026-0008"), "{h1}");
    assert_eq!(
        c.current_url().await.unwrap().path(),
        "/archive/case/NSK-2026-0008"
    );
}
