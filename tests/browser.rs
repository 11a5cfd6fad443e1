//! The secretary's page in a real headless Chromium, driven through WebDriver (chromedriver
//! started by the test on a free port, `okno serve` on another). Each step saves a
//! screenshot under `target/screenshots/`.
//!
//! Under CI=true a missing chromium or chromedriver fails the test; elsewhere it is skipped
//! with a note.

mod common;

use common::browser::{block_on, browser, driver, shot, text};

use common::serve::Server;
use common::{python_has, root};
use fantoccini::{Client, Locator};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Chooses files in the upload form (the page names them in Russian) and sends it.
async fn upload(c: &Client, base: &str, files: &[&Path]) {
    c.goto(&format!("{base}/")).await.unwrap();
    let input = c.find(Locator::Css("#files")).await.unwrap();
    let list: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    input.send_keys(&list.join("\n")).await.unwrap();
    let chosen = text(c, "#chosen").await;
    let first = files[0].file_name().unwrap().to_string_lossy();
    assert!(
        chosen.starts_with(&format!("Выбрано: {} ", files.len())) && chosen.contains(&*first),
        "{chosen}"
    );
    c.find(Locator::Css("#submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn wait_results(c: &Client) -> String {
    text(c, "#summary").await
}

/// A file downloaded into `dir`, by extension, once the download has finished:
/// no `.crdownload` is left and the file opens as a whole zip (the zip and the
/// xlsx both are). Chromium may reserve the final name with an empty file, and a
/// cut zip has no end record — CI once read the quarter's zip too early.
fn downloaded(dir: &Path, ext: &str) -> PathBuf {
    let started = Instant::now();
    loop {
        let paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        let partial = paths
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "crdownload"));
        if let Some(p) = paths
            .into_iter()
            .find(|p| !partial && p.extension().is_some_and(|e| e == ext) && whole_zip(p))
        {
            return p;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no .{ext} downloaded"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn whole_zip(path: &Path) -> bool {
    std::fs::File::open(path)
        .ok()
        .is_some_and(|f| zip::ZipArchive::new(f).is_ok())
}

fn json_diagnostics(input: &Path) -> Vec<serde_json::Value> {
    let out = common::okno(&["validate", "--format", "json", input.to_str().unwrap()]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn the_secretarys_page_end_to_end() {
    let Some((driver, chromium)) = driver() else {
        return;
    };
    let archive = tempfile::tempdir().unwrap();
    let server = Server::start(archive.path(), &[]);
    let base = server.url.clone();
    let downloads = tempfile::tempdir().unwrap();
    block_on(async {
        let c = browser(driver.port, &chromium, downloads.path()).await;
        let result = steps(&c, &base, downloads.path(), archive.path()).await;
        let _ = c.close().await;
        result
    });
}

async fn steps(c: &Client, base: &str, downloads: &Path, archive: &Path) {
    // 1. A good register: no errors, and a zip of PDFs that open.
    c.goto(&format!("{base}/")).await.unwrap();
    shot(c, "01-upload").await;
    assert!(text(c, "h1").await.contains("Проверить и оформить"));
    // The file button in Russian whatever the browser's language; the browser's own
    // («Choose Files» in an English browser) out of sight but still reached by the keyboard.
    assert_eq!(text(c, "label.pick").await, "Выбрать файлы");
    assert_eq!(text(c, "#chosen").await, "Файлы не выбраны");
    let main = text(c, "main").await;
    for english in ["Choose", "No file", "chosen", "Browse"] {
        assert!(!main.contains(english), "{english} on the page: {main}");
    }
    let size = c
        .execute(
            "var r = document.getElementById('files').getBoundingClientRect(); \
             document.getElementById('files').focus(); \
             return [r.width, r.height, document.activeElement.id];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(size, serde_json::json!([1, 1, "files"]), "{size}");
    let good = root().join("fixtures/register/register-2026-10.xlsx");
    upload(c, base, &[&good]).await;
    let summary = wait_results(c).await;
    assert!(summary.contains("случаев: 26"), "{summary}");
    assert!(summary.contains("ошибок 0"), "{summary}");
    shot(c, "02-good-register").await;
    c.find(Locator::LinkText("Скачать формы (zip)"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let zip_path = downloaded(downloads, "zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let pdfs: Vec<String> = zip
        .file_names()
        .filter(|n| n.ends_with(".pdf"))
        .map(String::from)
        .collect();
    let cases: BTreeSet<&str> = pdfs.iter().filter_map(|n| n.split('/').next()).collect();
    assert_eq!(cases.len(), 26, "{cases:?}");
    for name in pdfs.iter().take(5) {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name).unwrap(), &mut bytes).unwrap();
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("the PDF opens");
        assert!(!text.trim().is_empty(), "{name}");
    }
    std::fs::remove_file(&zip_path).unwrap();

    // 1b. Three files at once, one a big register: each file's line goes from «ожидает» or
    // «проверяется…» to its final state, and the results follow by themselves.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("большой-реестр.xlsx");
    okno::synth::write_register(&big, 20_000, 11, None).unwrap();
    let broken = dir.path().join("испорченный.xlsx");
    std::fs::write(&broken, b"not a workbook").unwrap();
    let case2 = root().join("fixtures/cases/NSK-2026-0002.json");
    upload(c, base, &[&big, &case2, &broken]).await;
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("#file-states"))
        .await
        .unwrap();
    let mut seen: Vec<String> = Vec::new();
    let started = Instant::now();
    loop {
        // The page may turn into the results between two looks.
        let Ok(items) = c.find_all(Locator::Css("#file-states li .state")).await else {
            continue;
        };
        let Some(first) = items.first() else { continue };
        let Ok(t) = first.text().await else { continue };
        if seen.last() != Some(&t) {
            if t.starts_with("проверяется") && !seen.iter().any(|s| s.starts_with("проверяется"))
            {
                shot(c, "02b-checking").await;
            }
            seen.push(t.clone());
        }
        if c.find(Locator::Css("#summary")).await.is_ok() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(300), "{seen:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        seen.iter().any(|s| s.starts_with("проверяется")),
        "the big register was never seen being checked: {seen:?}"
    );
    let summary = wait_results(c).await;
    assert!(summary.contains("Файлов: 3"), "{summary}");
    let lines = c.find_all(Locator::Css("#file-states li")).await.unwrap();
    assert_eq!(lines.len(), 3);
    let mut finals = Vec::new();
    for li in &lines {
        finals.push(li.text().await.unwrap());
    }
    assert!(
        finals[0].starts_with("большой-реестр.xlsx — готово: ошибок "),
        "{finals:?}"
    );
    assert!(
        finals[1].starts_with("NSK-2026-0002.json — готово: ошибок 0, "),
        "{finals:?}"
    );
    assert_eq!(finals[2], "испорченный.xlsx — не читается");
    // Each line's counts are its file's on the results.
    for (n, line) in finals.iter().enumerate().take(2) {
        let status = text(c, &format!("#file-{n} .status")).await;
        assert!(
            line.ends_with(&format!("готово: {status}")),
            "{line} / {status}"
        );
    }
    shot(c, "02c-checked-three-files").await;

    // 2. A broken register: every rule ID and cell listed; a click shows the cell.
    let bad = root().join("fixtures/broken/register-bad-row.xlsx");
    upload(c, base, &[&bad]).await;
    let summary = wait_results(c).await;
    assert!(!summary.contains("ошибок 0"), "{summary}");
    let page = text(c, "main").await;
    let diags = json_diagnostics(&bad);
    assert!(!diags.is_empty());
    for d in &diags {
        assert!(
            page.contains(d["rule"].as_str().unwrap()),
            "{} not on the page",
            d["rule"]
        );
        if let Some(cell) = d["cell"].as_str() {
            let place = format!("лист «{}», {cell}", d["sheet"].as_str().unwrap());
            assert!(page.contains(&place), "{place} not on the page");
        }
    }
    shot(c, "03-broken-register").await;
    c.find(Locator::LinkText("лист «Реестр», K7"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let value = text(c, "#cell-value").await;
    assert_eq!(value, "31.02.2026");
    let hl = c.find(Locator::Css("td.hl")).await.unwrap();
    assert_eq!(hl.attr("data-cell").await.unwrap().as_deref(), Some("K7"));
    assert_eq!(hl.text().await.unwrap(), "31.02.2026");
    assert_eq!(c.find_all(Locator::Css("td.hl")).await.unwrap().len(), 1);
    let info = text(c, "#cell-info").await;
    assert!(info.contains("I-DATE"), "{info}");
    shot(c, "04-cell-highlighted").await;

    // 3. «Вернуть отправителю»: the annotated workbook, read by openpyxl.
    c.back().await.unwrap();
    c.find(Locator::LinkText("Вернуть отправителю"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let book = downloaded(downloads, "xlsx");
    if python_has("openpyxl") || std::env::var("CI").is_ok() {
        let out = Command::new("python3")
            .arg("-c")
            .arg(
                r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("|".join(wb.sheetnames))
ws = wb["Реестр"]
for row in ws.iter_rows():
    for c in row:
        if c.comment or (c.fill is not None and c.fill.fill_type == "solid"):
            print(c.coordinate, c.fill.fgColor.rgb, (c.comment.text if c.comment else "").replace("\n", " "))
"#,
            )
            .arg(&book)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = String::from_utf8(out.stdout).unwrap();
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("Реестр|Замечания"));
        let marked: BTreeSet<String> = lines
            .clone()
            .map(|l| l.split(' ').next().unwrap().to_string())
            .collect();
        let expected: BTreeSet<String> = diags
            .iter()
            .filter_map(|d| d["cell"].as_str().map(String::from))
            .collect();
        assert_eq!(marked, expected);
        let k7 = lines.find(|l| l.starts_with("K7 ")).unwrap();
        assert!(k7.contains("FFFFC7CE") && k7.contains("[I-DATE]"), "{k7}");
    }

    // 4. Archive a good case, find it in the list, verify the archive.
    let case = root().join("fixtures/cases/NSK-2026-0001.json");
    upload(c, base, &[&case]).await;
    wait_results(c).await;
    c.find(Locator::Css("#archive"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let archived = text(c, "#archived").await;
    assert!(
        archived.contains("NSK-2026-0001") && archived.contains("сохранён, версия 1"),
        "{archived}"
    );
    shot(c, "05-archived").await;
    c.goto(&format!("{base}/archive")).await.unwrap();
    let list = text(c, "#cases").await;
    assert!(list.contains("NSK-2026-0001"), "{list}");
    shot(c, "06-archive").await;
    c.find(Locator::LinkText("NSK-2026-0001"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let versions = text(c, "main").await;
    assert!(
        versions.contains("Версия 1") && versions.contains("Извещение (Прил. 2) (PDF)"),
        "{versions}"
    );
    shot(c, "06b-case").await;
    c.goto(&format!("{base}/archive")).await.unwrap();
    c.find(Locator::Css("#verify"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let verdict = text(c, "#verify-result").await;
    assert!(verdict.contains("Архив цел"), "{verdict}");
    shot(c, "07-verified").await;
    let audit = std::fs::read_to_string(archive.join(".okno-audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"verify\"") && audit.contains("\"archive\""),
        "{audit}"
    );

    // 5. The quarter with its chart.
    c.goto(&format!("{base}/quarter?q=2026-Q4")).await.unwrap();
    let summary = text(c, "#quarter-summary").await;
    assert!(summary.contains("в работе"), "{summary}");
    assert!(summary.contains("извещений поступило"), "{summary}");
    let charts = text(c, "div.charts").await;
    assert!(
        charts.contains("Что стало с извещениями квартала"),
        "{charts}"
    );
    // The territory choice lists the catalog.
    let options = c
        .find_all(Locator::Css("select[name=t] option"))
        .await
        .unwrap();
    assert!(options.len() > 40, "{} territories offered", options.len());
    assert!(
        !c.find_all(Locator::Css("figure.chart svg rect"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(text(c, "#quarter-files").await.contains(".pdf"));
    shot(c, "08-quarter").await;
    // The quarter's monitoring forms, one zip named by case IDs.
    let forms = text(c, "#monitoring-forms").await;
    assert!(
        forms.contains("NSK-2026-0001") && forms.contains("Мониторинг № 1 (PDF)"),
        "{forms}"
    );
    assert_eq!(
        text(c, "#monitoring-zip").await,
        "Скачать формы мониторинга (zip, 2 файла)"
    );
    c.find(Locator::Css("#monitoring-zip"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let zip_path = downloaded(downloads, "zip");
    assert_eq!(
        zip_path.file_name().unwrap().to_string_lossy(),
        "формы-мониторинга-2026-Q4.zip"
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut names: Vec<String> = zip.file_names().map(String::from).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "NSK-2026-0001/monitoring-1.docx",
            "NSK-2026-0001/monitoring-1.pdf"
        ]
    );
    let mut pdf = Vec::new();
    std::io::Read::read_to_end(
        &mut zip.by_name("NSK-2026-0001/monitoring-1.pdf").unwrap(),
        &mut pdf,
    )
    .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    std::fs::remove_file(&zip_path).unwrap();
    c.execute(
        "document.getElementById('monitoring-forms').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    shot(c, "08b-quarter-monitoring-forms").await;
    for (path, name) in [("/logs", "09-logs"), ("/blanks", "10-blanks")] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        shot(c, name).await;
    }

    // 6. A child named <script>alert(1)</script> prints literally.
    let dir = tempfile::tempdir().unwrap();
    let xss = dir.path().join("xss.xlsx");
    let out = Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Реестр"]
ws["D2"] = "<script>alert(1)</script>"
wb.save(sys.argv[2])
"#,
        )
        .arg(&good)
        .arg(&xss)
        .output()
        .unwrap();
    if out.status.success() {
        upload(c, base, &[&xss]).await;
        wait_results(c).await;
        c.goto(&format!(
            "{}?sheet=%D0%A0%D0%B5%D0%B5%D1%81%D1%82%D1%80&cell=D2",
            c.current_url().await.unwrap().as_str().to_string() + "/sheet/0"
        ))
        .await
        .unwrap();
        assert_eq!(text(c, "#cell-value").await, "<script>alert(1)</script>");
        assert!(c.get_alert_text().await.is_err(), "no script ran");
        shot(c, "11-script-name-literal").await;

        // Archived (with a given name, which a case needs), the child is in the log on
        // «Журналы»: printed as text there too.
        let xss2 = dir.path().join("xss2.xlsx");
        let out = Command::new("python3")
            .arg("-c")
            .arg(
                r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb["Реестр"]["D2"] = "<script>alert(1)</script> Иван"
wb.save(sys.argv[2])
"#,
            )
            .arg(&good)
            .arg(&xss2)
            .output()
            .unwrap();
        assert!(out.status.success());
        upload(c, base, &[&xss2]).await;
        let summary = wait_results(c).await;
        assert!(summary.contains("ошибок 0"), "{summary}");
        c.find(Locator::Css("#archive"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        text(c, "#archived").await;
        c.goto(&format!("{base}/logs")).await.unwrap();
        // Dates in the page's own words, not the browser's date picker.
        let from = c
            .find(Locator::Css("#log-form input[name=from]"))
            .await
            .unwrap();
        assert_eq!(
            from.attr("placeholder").await.unwrap().as_deref(),
            Some("ДД.ММ.ГГГГ")
        );
        from.send_keys("31.02.2026").await.unwrap();
        c.find(Locator::Css("#log-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let refused = text(c, "p.message").await;
        assert!(
            refused.contains("Дата «31.02.2026» не распознана"),
            "{refused}"
        );
        let from = c
            .find(Locator::Css("#log-form input[name=from]"))
            .await
            .unwrap();
        from.clear().await.unwrap();
        from.send_keys("01.01.2026").await.unwrap();
        c.find(Locator::Css("#log-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let log = text(c, "#log").await;
        assert!(log.contains("<script>alert(1)</script> Иван"), "{log}");
        assert!(c.get_alert_text().await.is_err(), "no script ran");
        let count = text(c, "#log-count").await;
        assert!(count.starts_with("Записей: 27 · показаны 1–27"), "{count}");
        shot(c, "14-logs-preview").await;
        // One territory: the entries `okno log --territory` writes.
        c.find(Locator::Css("select[name=t]"))
            .await
            .unwrap()
            .select_by_value("berdsk")
            .await
            .unwrap();
        c.find(Locator::Css("select[name=kind]"))
            .await
            .unwrap()
            .select_by_value("intake")
            .await
            .unwrap();
        c.find(Locator::Css("#log-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let started = Instant::now();
        while !c
            .current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("kind=intake&from=01.01.2026&to=&t=berdsk")
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the choice was not sent"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let out = tempfile::tempdir().unwrap();
        let cli = common::okno(&[
            "log",
            "intake",
            "--archive",
            archive.to_str().unwrap(),
            "--territory",
            "berdsk",
            "--from",
            "01.01.2026",
            "-o",
            out.path().join("log.pdf").to_str().unwrap(),
        ]);
        let entries = String::from_utf8_lossy(&cli.stdout)
            .lines()
            .find_map(|l| {
                l.strip_prefix("в журнале записей: ")
                    .map(|n| n.trim().to_string())
            })
            .unwrap();
        let count = text(c, "#log-count").await;
        assert!(
            count.starts_with(&format!("Записей: {entries} ")),
            "{count} / {entries}"
        );
        assert_ne!(entries, "27");
        let rows = c.find_all(Locator::Css("#log tbody tr")).await.unwrap();
        assert_eq!(rows.len().to_string(), entries);
        shot(c, "15-logs-territory").await;
    } else {
        assert!(std::env::var("CI").is_err(), "openpyxl is needed");
    }

    // 7. An oversized upload is refused with a message (checked before sending, and by
    // the server: tests/serve.rs).
    let big = dir.path().join("большой.xlsx");
    std::fs::write(&big, vec![b'x'; 51 << 20]).unwrap();
    upload(c, base, &[&big]).await;
    let msg = text(c, "p.message").await;
    assert!(msg.contains("Файлы слишком велики"), "{msg}");
    shot(c, "12-too-big").await;

    // 8. A zip bomb: 250 MB of zeros in a small zip, past the 200 MB default.
    let bomb = dir.path().join("реестры.zip");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("реестр.xlsx", opts).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..250 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    upload(c, base, &[&bomb]).await;
    let msg = text(c, "p.message").await;
    assert!(msg.contains("распаковывается больше чем в 200 МБ"), "{msg}");
    shot(c, "13-zip-bomb").await;
}
