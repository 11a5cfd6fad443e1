//! «Поиск» in a real headless Chromium (chromedriver started by the test, as in
//! tests/browser.rs): a secretary types a misspelt surname, sees the child, opens the case.
//! Screenshots under `target/screenshots/`.
//!
//! Under CI=true a missing chromium or chromedriver fails the test; elsewhere it is skipped
//! with a note.

mod common;

use common::serve::Server;
use common::{okno, root};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver on a free port, or None (skip) outside CI.
fn driver() -> Option<(Driver, PathBuf)> {
    let chromium = which(&["chromium", "chromium-browser", "google-chrome"]);
    let chromedriver = which(&["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        assert!(
            std::env::var("CI").is_err(),
            "chromium and chromedriver are needed for the browser tests (apt-get install chromium chromium-driver)"
        );
        eprintln!("note: chromium or chromedriver missing; the browser tests are skipped");
        return None;
    };
    let port = free_port();
    // Russian for the browser it starts where its translations are installed (the page
    // itself depends on no browser language). LANG stays: without the ru_RU locale on the
    // machine, glib would stop taking UTF-8 file names (the downloads).
    let child = Command::new(chromedriver)
        .env("LANGUAGE", "ru")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some((Driver { child, port }, chromium))
}

async fn browser(port: u16, chromium: &Path, downloads: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=ru-RU"],
            "prefs": {
                "intl.accept_languages": "ru-RU,ru",
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
                "safebrowsing.enabled": false,
            },
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session")
}

fn shots() -> PathBuf {
    let d = root().join("target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[test]
fn a_secretary_finds_a_child_by_a_misspelt_surname_and_opens_the_case() {
    let Some((driver, chromium)) = driver() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let o = okno(&[
        "archive",
        "fixtures/cases",
        "--archive",
        archive.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let server = Server::start(&archive, &[]);
    let base = server.url.clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
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
