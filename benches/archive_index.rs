//! The archive's index at scale, in one run: writes an archive of N cases (default 100,000),
//! builds its index with `okno index`, then times the page on it through `okno serve` on
//! loopback — the archive list (first page, a far page, a filter, a sort), a search (a name
//! with one letter wrong, a given-name variant, a birth date with day and month swapped, the
//! exact name), a case page, the deadlines page and the quarter page, p50 and p95 of
//! REPEAT requests each — serve's peak RSS, and what I-KNOWN adds to validating a
//! 10,000-row register against the archive. Prints figures only; a route the binary does not
//! have is reported as such.
//!
//! The archive's versions hold what the index reads (`data/case.json`, `bag-info.txt`), not
//! the forms: rendering 100,000 cases' forms would take hours and the index never reads them.
//! Names come from a generator with some 20,000 surnames (the synth fixtures have 20), and
//! birth dates spread over 2008–2024, as a region's register has them.
//!
//! cargo bench --bench archive_index [-- N [REPEAT]]
//! OKNO_BIN=/path/okno cargo bench --bench archive_index   (another binary)
//! OKNO_BENCH_ARCHIVE=DIR: write (or reuse, when it holds N cases) the archive there

#[path = "../tests/common/serve.rs"]
mod serve;

use okno::model::{Case, Date, PersonName};
use serve::{Client, Server};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn bin() -> PathBuf {
    std::env::var_os("OKNO_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_okno")))
}

const ROOTS: &[&str] = &[
    "Кузнец",
    "Смирн",
    "Поп",
    "Васил",
    "Петр",
    "Сокол",
    "Михайл",
    "Новик",
    "Федор",
    "Мороз",
    "Волк",
    "Алексе",
    "Лебед",
    "Семен",
    "Егор",
    "Павл",
    "Козл",
    "Степан",
    "Никола",
    "Орл",
    "Андре",
    "Макар",
    "Никит",
    "Захар",
    "Зайц",
    "Солов",
    "Борис",
    "Яковл",
    "Григор",
    "Роман",
    "Воробь",
    "Сергее",
    "Кузьмин",
    "Фрол",
    "Александр",
    "Дмитри",
    "Корол",
    "Гусев",
    "Киселев",
    "Ильин",
    "Максим",
    "Поляк",
    "Сорокин",
    "Виноград",
    "Ковал",
    "Бел",
    "Медвед",
    "Антон",
    "Тарас",
    "Жук",
    "Баран",
    "Филипп",
    "Комар",
    "Давыд",
    "Беляк",
    "Герасим",
    "Богдан",
    "Осип",
    "Сидор",
    "Матве",
    "Тит",
    "Марк",
    "Абрам",
    "Крылов",
    "Карп",
    "Власов",
    "Мельник",
    "Денис",
    "Гаврил",
    "Тихон",
    "Клим",
    "Щерб",
    "Ефим",
    "Блин",
    "Колесн",
    "Карасев",
    "Чернов",
    "Рыб",
    "Суслов",
    "Голуб",
    "Лапин",
    "Шубин",
    "Ершов",
    "Горбун",
    "Сычев",
    "Русак",
    "Щукин",
    "Зуев",
    "Бычков",
    "Казак",
    "Носков",
    "Пахом",
    "Туман",
    "Лукин",
    "Дроздов",
    "Прохор",
    "Рябин",
];
const PREFIXES: &[&str] = &[
    "",
    "Старо",
    "Ново",
    "Мало",
    "Бело",
    "Черно",
    "Верх",
    "Под",
    "За",
    "Пере",
    "Красно",
    "Добро",
    "Сухо",
    "Долго",
    "Бого",
    "Остро",
    "Толсто",
    "Криво",
    "Желто",
    "Сине",
];
const ENDINGS: &[&str] = &[
    "ов",
    "ин",
    "ский",
    "ев",
    "енко",
    "ович",
    "ых",
    "ук",
    "ицкий",
    "ан",
];
const GIVEN_F: &[&str] = &[
    "Анастасия",
    "Мария",
    "Дарья",
    "Анна",
    "Виктория",
    "Полина",
    "Елизавета",
    "Ксения",
    "Алиса",
    "Варвара",
    "Наталья",
    "Софья",
    "Таисия",
    "Ульяна",
    "Юлия",
    "Вера",
];
const GIVEN_M: &[&str] = &[
    "Александр",
    "Дмитрий",
    "Максим",
    "Артём",
    "Иван",
    "Михаил",
    "Кирилл",
    "Егор",
    "Никита",
    "Тимофей",
    "Илья",
    "Матвей",
    "Даниил",
    "Фёдор",
    "Семён",
    "Лев",
];
const FATHERS: &[&str] = &[
    "Александров",
    "Сергеев",
    "Андреев",
    "Викторов",
    "Игорев",
    "Николаев",
    "Олегов",
    "Павлов",
];

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A surname of some 20,000 (the masculine form; `feminine` makes a woman's).
fn surname(rng: &mut Rng) -> String {
    let base = format!(
        "{}{}{}",
        rng.pick(PREFIXES),
        rng.pick(ROOTS).to_lowercase(),
        rng.pick(ENDINGS)
    );
    let mut chars = base.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn feminine(surname: &str) -> String {
    match surname {
        f if f.ends_with("ский") || f.ends_with("цкий") => {
            format!("{}ая", &f[..f.len() - "ий".len()])
        }
        f if f.ends_with("ов") || f.ends_with("ев") || f.ends_with("ин") => format!("{f}а"),
        f => f.to_string(),
    }
}

fn person(rng: &mut Rng, female: bool, family: &str) -> String {
    let given = if female {
        rng.pick(GIVEN_F)
    } else {
        rng.pick(GIVEN_M)
    };
    let father = rng.pick(FATHERS);
    let patronymic = if female {
        format!("{father}на")
    } else {
        format!("{father}ич")
    };
    format!("{family} {given} {patronymic}")
}

/// Writes case `i` (and, for one case in ten, a second version) as the index reads it.
fn write_case(root: &Path, mut c: Case, i: usize, rng: &mut Rng) {
    c.case_id = format!("IX-{:06}", i + 1);
    let female = rng.below(2) == 0;
    let family = surname(rng);
    let child_surname = if female {
        feminine(&family)
    } else {
        family.clone()
    };
    let birth = Date::ymd(
        2008 + rng.below(17) as i32,
        1 + rng.below(12) as u32,
        1 + rng.below(28) as u32,
    );
    if let Some(child) = c.family.children.first_mut() {
        child.name = PersonName::parse(&person(rng, female, &child_surname));
        child.birth_date = birth;
    }
    for r in &mut c.family.legal_representatives {
        let mother = r.role == Some(okno::model::RepresentativeRole::Mother);
        let s = if mother {
            feminine(&family)
        } else {
            family.clone()
        };
        r.name = PersonName::parse(&person(rng, mother, &s));
    }
    let versions = if i.is_multiple_of(10) { 2 } else { 1 };
    for v in 1..=versions {
        let bag = root.join(&c.case_id).join(format!("v{v}"));
        std::fs::create_dir_all(bag.join("data")).expect("folder");
        std::fs::write(
            bag.join("data/case.json"),
            serde_json::to_vec(&c).expect("json"),
        )
        .expect("write");
        std::fs::write(
            bag.join("bag-info.txt"),
            format!("Bagging-Date: 2026-{:02}-{:02}\n", 10 + v, 1 + i % 28),
        )
        .expect("write");
        // The second version: a monitoring changed the level.
        if let Some(m) = c.monitoring.first_mut() {
            m.risk_level = Some(okno::model::RiskLevel::Medium);
        }
    }
}

fn write_archive(root: &Path, n: usize) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cases");
    let templates = okno::synth::fixture_templates(&fixtures);
    const BATCH: usize = 1000;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for b in 0..n.div_ceil(BATCH) {
        let k = BATCH.min(n - b * BATCH);
        for (j, c) in okno::synth::cases(&templates, k, 7 + b as u64)
            .into_iter()
            .enumerate()
        {
            write_case(root, c, b * BATCH + j, &mut rng);
        }
    }
}

/// The first call (a cold cache) and p50 and p95 of `repeat` more, in ms; None when the
/// first call says the route is not there.
fn time(repeat: usize, mut f: impl FnMut() -> u16) -> Option<Timed> {
    let s = Instant::now();
    let first = f();
    let cold = s.elapsed().as_secs_f64() * 1e3;
    if first == 404 || first == 405 {
        return None;
    }
    let mut t = Vec::new();
    for _ in 0..repeat {
        let s = Instant::now();
        let status = f();
        t.push(s.elapsed().as_secs_f64() * 1e3);
        assert!(status < 500, "a server error");
    }
    t.sort_by(f64::total_cmp);
    Some(Timed {
        cold,
        p50: percentile(&t, 0.5),
        p95: percentile(&t, 0.95),
        status: first,
    })
}

struct Timed {
    cold: f64,
    p50: f64,
    p95: f64,
    status: u16,
}

fn show(what: &str, target: &str, r: Option<Timed>) {
    match r {
        Some(t) => println!(
            "  {what:<44} first {:>8.1} ms   p50 {:>7.1} ms   p95 {:>7.1} ms   (HTTP {}; target p95 {target})",
            t.cold, t.p50, t.p95, t.status
        ),
        None => println!("  {what:<44} — this binary has no such route"),
    }
}

fn rss_peak_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn median_run(args: &[&str]) -> f64 {
    let mut t = Vec::new();
    for _ in 0..3 {
        let s = Instant::now();
        let o = Command::new(bin())
            .args(["--today", "2026-11-24"])
            .args(args)
            .output()
            .expect("okno");
        assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
        t.push(s.elapsed().as_secs_f64());
    }
    t.sort_by(f64::total_cmp);
    t[1]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(100_000);
    let repeat = args.get(1).copied().unwrap_or(30);
    let tmp = tempfile::tempdir().expect("tmp");
    let root = std::env::var_os("OKNO_BENCH_ARCHIVE")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().join("archive"));
    let have = okno::archive::list_cases(&root).len();
    if have != n {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("archive folder");
        let t = Instant::now();
        write_archive(&root, n);
        println!(
            "archive_index: wrote {n} cases ({} versions) in {:.1} s",
            n + n.div_ceil(10),
            t.elapsed().as_secs_f64()
        );
    } else {
        println!("archive_index: reusing {n} cases in {}", root.display());
    }

    // The index, from the bags.
    for f in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(root.join(format!("{}{f}", okno::index::FILE)));
    }
    let t = Instant::now();
    let o = Command::new(bin())
        .args(["index", "--archive"])
        .arg(&root)
        .output()
        .expect("okno index");
    let built = t.elapsed().as_secs_f64();
    if !o.status.success() {
        println!(
            "  okno index failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        return;
    }
    let size = std::fs::metadata(root.join(okno::index::FILE)).map_or(0, |m| m.len());
    println!(
        "  index built in {built:.1} s (target ≤ 60 s), {:.1} MB = {:.0} bytes a case (target ≤ 1024)",
        size as f64 / 1e6,
        size as f64 / n as f64
    );

    // The case searched for: from the middle on, the first whose child's given name has a
    // variant and whose birth day and month differ (so each mistake can be tried).
    let variants = okno::catalog::NameVariants::builtin();
    let (probe, case) = (n / 2..n)
        .map(|i| format!("IX-{:06}", i + 1))
        .filter_map(|id| {
            okno::archive::read_case(&root, &id, 1)
                .ok()
                .map(|c| (id, c))
        })
        .find(|(_, c)| {
            let child = &c.family.children[0];
            let given = okno::text::fold(&child.name.given_name);
            variants.others(&given).next().is_some()
                && child
                    .birth_date
                    .is_some_and(|b| b.0.format("%d").to_string() != b.0.format("%m").to_string())
        })
        .expect("a probe case");
    let child = case.family.children[0].clone();
    let name = child.name.clone();
    let birth = child.birth_date.expect("a birth date");
    let misspelt = {
        // One letter dropped from the surname's middle.
        let mut s: Vec<char> = name.surname.chars().collect();
        s.remove(s.len() / 2);
        s.into_iter().collect::<String>()
    };
    let variant = okno::catalog::NameVariants::builtin()
        .others(&okno::text::fold(&name.given_name))
        .next()
        .map(String::from);
    let swapped = (birth.0.format("%d").to_string() != birth.0.format("%m").to_string())
        .then(|| {
            format!(
                "{}.{}.{}",
                birth.0.format("%m"),
                birth.0.format("%d"),
                birth.0.format("%Y")
            )
        })
        .filter(|s| chrono::NaiveDate::parse_from_str(s, "%d.%m.%Y").is_ok());

    let server = Server::start(&root, &[]);
    let mut c = Client::new(&server.url);
    c.get("/");
    let token = c.csrf();
    println!("serve on {n} cases, {repeat} requests each:");
    show(
        "archive list, first page",
        "150 ms",
        time(repeat, || c.get("/archive").status),
    );
    let far = n / 50 / 2;
    show(
        &format!("archive list, page {far}"),
        "150 ms",
        time(repeat, || c.get(&format!("/archive?page={far}")).status),
    );
    show(
        "archive list, level filter, sorted by date",
        "150 ms",
        time(repeat, || {
            c.get("/archive?level=high&sort=opened&dir=desc&page=3")
                .status
        }),
    );
    show(
        "GET /api/cases?page=2&t=berdsk",
        "150 ms",
        time(repeat, || c.get("/api/cases?page=2&t=berdsk").status),
    );
    let mut searches: Vec<(String, String)> = vec![
        ("exact name".into(), name.full()),
        (
            "surname with a letter missing".into(),
            format!("{misspelt} {} {}", name.given_name, birth.ru()),
        ),
    ];
    if let Some(v) = &variant {
        searches.push((
            format!("given-name variant ({v})"),
            format!(
                "{} {v} {}",
                name.surname,
                name.patronymic.clone().unwrap_or_default()
            ),
        ));
    }
    if let Some(s) = &swapped {
        searches.push((
            "birth date, day and month swapped".into(),
            format!("{} {s}", name.surname),
        ));
    }
    for (what, q) in &searches {
        let body = serde_json::json!({"q": q, "page": 1})
            .to_string()
            .into_bytes();
        let r = c.post(
            "/api/search",
            "application/json",
            body.clone(),
            Some(&token),
        );
        let rank = (r.status == 200)
            .then(|| serde_json::from_slice::<serde_json::Value>(&r.body).ok())
            .flatten()
            .and_then(|v| {
                v["cases"].as_array().and_then(|cases| {
                    cases
                        .iter()
                        .position(|h| h["case_id"].as_str() == Some(probe.as_str()))
                })
            });
        let found = match rank {
            Some(k) => format!("the child is result {}", k + 1),
            None => "the child is NOT among the results".into(),
        };
        show(
            &format!("search: {what}"),
            "150 ms",
            time(repeat, || {
                c.post(
                    "/api/search",
                    "application/json",
                    body.clone(),
                    Some(&token),
                )
                .status
            }),
        );
        println!("      {found}");
    }
    show(
        "case page",
        "150 ms",
        time(repeat, || c.get(&format!("/archive/case/{probe}")).status),
    );
    show(
        "deadlines page",
        "300 ms",
        time(repeat, || c.get("/deadlines").status),
    );
    show(
        "GET /api/deadlines?t=berdsk",
        "300 ms",
        time(repeat, || c.get("/api/deadlines?t=berdsk").status),
    );
    show(
        "quarter page (2026-Q4)",
        "500 ms",
        time(repeat.min(10), || c.get("/quarter?q=2026-Q4").status),
    );
    // Figures are kept per question and archive state: each of these asks one not asked
    // before (another quarter, a territory), so each is counted from the index anew.
    let mut firsts = Vec::new();
    for q in ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4", "2026-Q4"] {
        for t in ["", "&t=berdsk", "&t=iskitimsky", "&t=nsk_kirovsky"] {
            let s = Instant::now();
            let status = c.get(&format!("/quarter?q={q}{t}")).status;
            assert!(status < 500, "a server error");
            firsts.push(s.elapsed().as_secs_f64() * 1e3);
        }
    }
    firsts.sort_by(f64::total_cmp);
    println!(
        "  {:<44} {} views      p50 {:>7.1} ms   p95 {:>7.1} ms   max {:.1} ms (target p95 500 ms)",
        "quarter page, each view a new question",
        firsts.len(),
        percentile(&firsts, 0.5),
        percentile(&firsts, 0.95),
        firsts.last().copied().unwrap_or_default()
    );
    match rss_peak_mb(server.pid()) {
        Some(mb) => println!("  serve's peak RSS: {mb:.0} MB (target ≤ 200 MB)"),
        None => println!("  serve's peak RSS: not measured here (no /proc)"),
    }
    drop(server);

    // I-KNOWN: a 10,000-row register validated with and without the archive's index.
    let reg = tmp.path().join("register-10000.xlsx");
    std::fs::write(
        &reg,
        okno::synth::register_xlsx(10_000, 11).expect("register"),
    )
    .expect("write");
    let reg = reg.to_str().expect("utf-8 path");
    let plain = median_run(&["validate", reg, "--format", "json"]);
    let known = median_run(&[
        "validate",
        reg,
        "--format",
        "json",
        "--archive",
        root.to_str().expect("utf-8 path"),
    ]);
    println!(
        "  validate a 10,000-row register: {plain:.2} s alone, {known:.2} s with --archive: I-KNOWN adds {:.1} µs a row (target ≤ 50)",
        (known - plain) * 1e6 / 10_000.0
    );
}
