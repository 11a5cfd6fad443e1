//! A user limited to a territory logs in in a real headless Chromium (WebDriver, as
//! tests/browser.rs) and sees only their territory's cases in the archive list; the case of
//! another territory, opened by its address, is answered as missing. Screenshots go to
//! `target/screenshots/territory-*.png`.
//!
//! Under CI=true a missing chromium or chromedriver fails the test; elsewhere it is skipped.

mod common;

use common::browser::{block_on, browser, driver, shot};

use common::root;
use common::serve::Server;
use fantoccini::Locator;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// `okno ARGS --archive ARCHIVE`, with `stdin` typed (a new user's password).
fn okno(args: &[&str], archive: &Path, stdin: Option<&str>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_okno"))
        .args(args)
        .arg("--archive")
        .arg(archive)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        writeln!(child.stdin.take().unwrap(), "{s}").unwrap();
    }
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success(), "okno {args:?}");
}

#[test]
fn a_territory_limited_user_sees_only_their_territory() {
    let Some((driver, chromium)) = driver() else {
        return;
    };
    let archive = tempfile::tempdir().unwrap();
    let cases = root().join("fixtures/cases");
    okno(
        &["--today", "2026-11-24", "archive", cases.to_str().unwrap()],
        archive.path(),
        None,
    );
    okno(
        &[
            "user",
            "add",
            "berd",
            "--role",
            "viewer",
            "--territory",
            "berdsk",
        ],
        archive.path(),
        Some("пароль-бердска-1"),
    );
    let server = Server::start(archive.path(), &[]);
    let base = server.url.clone();
    block_on(async {
        let c = browser(driver.port, &chromium, archive.path()).await;
        c.goto(&format!("{base}/archive")).await.unwrap();
        // The login wall first.
        let name = c.find(Locator::Css("input[name=name]")).await.unwrap();
        name.send_keys("berd").await.unwrap();
        let password = c.find(Locator::Css("input[name=password]")).await.unwrap();
        password.send_keys("пароль-бердска-1").await.unwrap();
        shot(&c, "territory-1-login").await;
        c.find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("header .user"))
            .await
            .unwrap();
        c.goto(&format!("{base}/archive")).await.unwrap();
        // The header says whose cases these are.
        let mine = c
            .find(Locator::Css("header #user-territories"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(mine.contains("г. Бердск"), "{mine}");
        let table = c
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#cases"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        shot(&c, "territory-2-archive").await;
        let count = c
            .find(Locator::Css("#case-count"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(count, "1", "Бердск's one case of the eight");
        assert!(table.contains("NSK-2026-0002"), "{table}");
        assert!(!table.contains("NSK-2026-0008"), "{table}");
        // Another territory's case by its address: as missing.
        c.goto(&format!("{base}/archive/case/NSK-2026-0008"))
            .await
            .unwrap();
        let body = c
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        shot(&c, "territory-3-other-case").await;
        assert!(body.contains("Такого случая нет в архиве"), "{body}");
        let _ = c.close().await;
    });
}
