//! A user limited to a territory logs in in a real headless Chromium (WebDriver, as
//! tests/browser.rs) and sees only their territory's cases in the archive list; the case of
//! another territory, opened by its address, is answered as missing. Screenshots go to
//! `target/screenshots/territory-*.png`.
//!
//! Under CI=true a missing chromium or chromedriver fails the test; elsewhere it is skipped.

mod common;

use common::root;
use common::serve::Server;
use fantoccini::{ClientBuilder, Locator};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

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
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| which(n));
    let (Some(chromium), Some(chromedriver)) = (chromium, which("chromedriver")) else {
        assert!(
            std::env::var("CI").is_err(),
            "chromium and chromedriver are needed"
        );
        eprintln!("note: chromium or chromedriver missing; the browser test is skipped");
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
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver");
        std::thread::sleep(Duration::from_millis(100));
    }
    let shots = root().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let base = server.url.clone();
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
                         "--window-size=1280,900", "--lang=ru-RU"],
            }),
        );
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        let shot = |name: &'static str| {
            let c = c.clone();
            let shots = shots.clone();
            async move {
                let png = c.screenshot().await.unwrap();
                std::fs::write(shots.join(format!("territory-{name}.png")), png).unwrap();
            }
        };
        c.goto(&format!("{base}/archive")).await.unwrap();
        // The login wall first.
        let name = c.find(Locator::Css("input[name=name]")).await.unwrap();
        name.send_keys("berd").await.unwrap();
        let password = c.find(Locator::Css("input[name=password]")).await.unwrap();
        password.send_keys("пароль-бердска-1").await.unwrap();
        shot("1-login").await;
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
        let table = c
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("#cases"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        shot("2-archive").await;
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
        shot("3-other-case").await;
        assert!(body.contains("Такого случая нет в архиве"), "{body}");
        let _ = c.close().await;
    });
}
