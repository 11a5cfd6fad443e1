//! The case page and «Сроки» in a real headless Chromium (chromedriver started by the test):
//! a secretary opens «Сроки» from the menu, then a case from it, and sees its history and
//! deadlines. Screenshots under `target/screenshots/` (case-*.png).
//!
//! Under CI=true a missing chromium or chromedriver fails the test; elsewhere it is skipped
//! with a note.

mod common;

use common::browser::{block_on, browser, driver, shot, text};

use common::archive_into;
use common::serve::Server;
use fantoccini::Locator;

#[test]
fn a_secretary_opens_the_deadlines_and_a_case_from_them() {
    let Some((driver, chromium)) = driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    archive_into(&arch, &["fixtures/cases", "fixtures/register"]);
    let server = Server::start(&arch, &[]);
    block_on(async {
        let c = browser(driver.port, &chromium, dir.path()).await;
        c.goto(&format!("{}/", server.url)).await.unwrap();
        let menu = text(&c, "#menu-deadlines").await;
        assert!(menu.starts_with("Сроки ("), "{menu}");
        c.find(Locator::Css("#menu-deadlines"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let total = text(&c, "#due-total").await;
        assert!(total.parse::<u32>().unwrap() > 0);
        shot(&c, "case-1-deadlines").await;
        c.find(Locator::Css("#deadlines tbody tr a"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let history = text(&c, "#history").await;
        assert!(history.contains("Уровень по версиям"), "{history}");
        let due = text(&c, "#deadlines").await;
        assert!(due.contains("Сроки"), "{due}");
        shot(&c, "case-2-case-page").await;
        let _ = c.close().await;
    });
}
