//! The case page and «Сроки» in a real headless Chromium (chromedriver started by the test):
//! a secretary opens «Сроки» from the menu, then a case from it, and sees its history and
//! deadlines. Screenshots under `target/screenshots/` (case-*.png).
//!
//! Under CI=true a missing chromium or chromedriver fails the test; elsewhere it is skipped
//! with a note.

mod common;

use common::serve::Server;
use common::{okno, root};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn shot(c: &Client, name: &str) {
    let dir = root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

#[test]
fn a_secretary_opens_the_deadlines_and_a_case_from_them() {
    let (Some(chromium), Some(chromedriver)) = (
        which(&["chromium", "chromium-browser", "google-chrome"]),
        which(&["chromedriver"]),
    ) else {
        assert!(
            std::env::var("CI").is_err(),
            "chromium and chromedriver are needed"
        );
        eprintln!("note: chromium or chromedriver missing; the browser test is skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    let o = okno(&[
        "archive",
        "fixtures/cases",
        "fixtures/register",
        "--archive",
        arch.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let server = Server::start(&arch, &[]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _driver = Driver(
        Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(100));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         "--window-size=1280,1000", "--lang=ru-RU"],
            }),
        );
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap();
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
