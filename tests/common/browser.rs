//! A real headless Chromium for the browser tests, driven through WebDriver: chromedriver on a
//! free port (skipped with a note outside CI when chromium or chromedriver is missing; under
//! CI=true their absence fails the test), a browser session, screenshots under
//! `target/screenshots/`, and the text of an element once it is there.
#![allow(dead_code)] // each test file uses its own part of this

use super::root;
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn which(names: &[&str]) -> Option<PathBuf> {
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

pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver on a free port, or None (skip) outside CI.
pub fn driver() -> Option<(Driver, PathBuf)> {
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

pub async fn browser(port: u16, chromium: &Path, downloads: &Path) -> Client {
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

/// Runs a browser session's steps to the end on a runtime of their own.
pub fn block_on<F: std::future::Future>(steps: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(steps)
}

pub fn shots() -> PathBuf {
    let d = root().join("target/screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

/// The text of the first element `css` finds, waiting up to a minute for it. A page still
/// navigating (a form's answer, a redirect) makes chromedriver answer «aborted by
/// navigation» or a stale element: asked again, not failed.
pub async fn text(c: &Client, css: &str) -> String {
    let until = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let found = c
            .wait()
            .at_most(until.saturating_duration_since(std::time::Instant::now()))
            .for_element(Locator::Css(css))
            .await;
        let read = match found {
            Ok(e) => e.text().await,
            Err(e) => Err(e),
        };
        match read {
            Ok(t) => return t,
            Err(e) => {
                let e = e.to_string();
                let navigating = e.contains("aborted by navigation") || e.contains("stale");
                if !navigating || std::time::Instant::now() >= until {
                    panic!("{css}: {e}");
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}
